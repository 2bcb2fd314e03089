"""Time entry records as Harvest serves them, with embedded references and derived amounts."""

from __future__ import annotations

import math
from datetime import datetime

from gateway.simulators.harvest.catalog import Catalog
from gateway.simulators.harvest.entries import Entry
from gateway.simulators.harvest.payloads import IdName, TimeEntry
from gateway.simulators.harvest.timefmt import iso


def current_hours(entry: Entry, now: datetime) -> float:
    """Tracked hours; a running timer adds the time since it started (never negative)."""
    if entry.timer_started_at is None:
        return entry.hours_without_timer
    elapsed = max(0.0, (now - entry.timer_started_at).total_seconds())
    return round(entry.hours_without_timer + elapsed / 3600, 2)


def rounded(hours: float) -> float:
    """Harvest's default Time Rounding: up to the next quarter hour (2.11 -> 2.25)."""
    return math.ceil(round(hours * 4, 6)) / 4


def entry_payload(entry: Entry, catalog: Catalog, now: datetime) -> TimeEntry:
    user = catalog.users[entry.user_id]
    project = catalog.projects[entry.project_id]
    task = catalog.tasks[entry.task_id]
    ua = catalog.user_assignments[(entry.user_id, entry.project_id)]
    ta = catalog.task_assignments[(entry.project_id, entry.task_id)]
    hours = current_hours(entry, now)
    billable = ta["billable"]
    rate = {"Project": project["hourly_rate"], "People": ua["hourly_rate"],
            "Tasks": ta["hourly_rate"]}.get(project["bill_by"])
    return TimeEntry(
        id=entry.id,
        spent_date=entry.spent_date.isoformat(),
        user=IdName(id=user["id"], name=f"{user['first_name']} {user['last_name']}"),
        client=IdName(id=project["client"]["id"], name=project["client"]["name"]),
        project=IdName(id=project["id"], name=project["name"]),
        task=IdName(id=task["id"], name=task["name"]),
        user_assignment=ua,
        task_assignment=ta,
        hours=hours,
        hours_without_timer=entry.hours_without_timer,
        rounded_hours=rounded(hours),
        notes=entry.notes,
        created_at=iso(entry.created_at),
        updated_at=iso(entry.updated_at),
        is_locked=entry.is_locked,
        locked_reason=entry.locked_reason,
        is_closed=entry.is_closed,
        is_billed=entry.is_billed,
        timer_started_at=iso(entry.timer_started_at) if entry.timer_started_at else None,
        started_time=entry.started_time,
        ended_time=entry.ended_time,
        is_running=entry.is_running,
        invoice=entry.invoice,
        external_reference=None,
        billable=billable,
        budgeted=project["budget_by"] != "none",
        billable_rate=rate if billable else None,
        cost_rate=user["cost_rate"],
    )

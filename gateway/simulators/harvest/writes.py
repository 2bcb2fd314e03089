"""Time entry writes: create (a running timer when no ``hours``), update, stop, restart.

Rules kept from Harvest: the user must be assigned to the project and the task to the project
(422 otherwise); starting or restarting a timer stops that user's other running timer (one
timer per person); stop needs a running entry and restart a stopped one (422 otherwise).
The authenticated user is an administrator, so locked (approved/invoiced) entries stay editable.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gateway.simulators.harvest.entries import Entry
from gateway.simulators.harvest.errors import invalid
from gateway.simulators.harvest.serialize import current_hours
from gateway.simulators.harvest.store import EntryStore
from gateway.simulators.harvest.timefmt import ACCOUNT_TZ, clock_time, parse_clock_time

Body = dict[str, Any]


def _int(body: Body, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise invalid(f"{name} must be an integer")
    return int(value)


def _hours(body: Body) -> float | None:
    value = body.get("hours")
    if value is None:
        return None
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise invalid("hours must be a number") from None
    if not 0 <= hours <= 24:
        raise invalid("hours must be between 0 and 24")
    return round(hours, 2)


def _date(body: Body) -> date | None:
    value = body.get("spent_date")
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid("spent_date must be a date (YYYY-MM-DD)") from None


def _clock(body: Body, name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    parsed = parse_clock_time(str(value))
    if parsed is None:
        raise invalid(f"{name} must be a time such as 9:00am")
    return clock_time(parsed)


def _notes(body: Body) -> str | None:
    value = body.get("notes")
    if value is not None and not isinstance(value, str):
        raise invalid("notes must be a string")
    return value


def _span_hours(started: str, ended: str) -> float:
    start, end = parse_clock_time(started), parse_clock_time(ended)
    assert start is not None and end is not None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes < 0:
        raise invalid("ended_time must be after started_time")
    return round(minutes / 60, 2)


def _check_assignments(store: EntryStore, user_id: int, project_id: int, task_id: int) -> None:
    catalog = store.catalog
    if project_id not in catalog.projects:
        raise invalid("project_id does not name a project")
    if task_id not in catalog.tasks:
        raise invalid("task_id does not name a task")
    if user_id not in catalog.users:
        raise invalid("user_id does not name a user")
    if (user_id, project_id) not in catalog.user_assignments:
        raise invalid("the user is not assigned to this project")
    if (project_id, task_id) not in catalog.task_assignments:
        raise invalid("the task is not assigned to this project")


def create(store: EntryStore, body: Body, now: datetime) -> Entry:
    project_id, task_id, spent = _int(body, "project_id"), _int(body, "task_id"), _date(body)
    if project_id is None or task_id is None or spent is None:
        raise invalid("project_id, task_id and spent_date are required")
    user_id = _int(body, "user_id") or store.catalog.me_id
    _check_assignments(store, user_id, project_id, task_id)
    hours, started, ended = _hours(body), _clock(body, "started_time"), _clock(body, "ended_time")
    if hours is None and started and ended:
        hours = _span_hours(started, ended)
    entry = Entry(
        id=store.new_id(), spent_date=spent, user_id=user_id, project_id=project_id,
        task_id=task_id, hours_without_timer=hours or 0.0, timer_started_at=None,
        started_time=started, ended_time=ended, notes=_notes(body), created_at=now,
        updated_at=now,
    )
    if hours is None:
        _stop_others(store, user_id, now)
        entry.timer_started_at = now
        entry.started_time = started or clock_time(now.astimezone(ACCOUNT_TZ))
    store.attach(entry)
    return entry


def update(store: EntryStore, entry: Entry, body: Body, now: datetime) -> Entry:
    project_id = _int(body, "project_id") or entry.project_id
    task_id = _int(body, "task_id") or entry.task_id
    _check_assignments(store, entry.user_id, project_id, task_id)
    hours, spent = _hours(body), _date(body)
    started, ended = _clock(body, "started_time"), _clock(body, "ended_time")
    notes = _notes(body) if "notes" in body else entry.notes
    store.detach(entry)
    entry.project_id, entry.task_id, entry.notes = project_id, task_id, notes
    entry.spent_date = spent or entry.spent_date
    entry.started_time = started or entry.started_time
    entry.ended_time = ended or entry.ended_time
    if hours is None and (started or ended) and entry.started_time and entry.ended_time:
        hours = _span_hours(entry.started_time, entry.ended_time)
    if hours is not None:
        entry.hours_without_timer = hours
        if entry.is_running:  # the timer keeps running on top of the new amount
            entry.timer_started_at = now
    entry.updated_at = now
    store.attach(entry)
    return entry


def stop(store: EntryStore, entry: Entry, now: datetime) -> Entry:
    if not entry.is_running:
        raise invalid("the time entry is not running")
    _stop(store, entry, now)
    return entry


def restart(store: EntryStore, entry: Entry, now: datetime) -> Entry:
    if entry.is_running:
        raise invalid("the time entry is already running")
    _stop_others(store, entry.user_id, now)
    store.detach(entry)
    entry.timer_started_at, entry.ended_time, entry.updated_at = now, None, now
    store.attach(entry)
    return entry


def _stop(store: EntryStore, entry: Entry, now: datetime) -> None:
    store.detach(entry)
    entry.hours_without_timer = current_hours(entry, now)
    entry.timer_started_at = None
    if entry.started_time is not None:
        entry.ended_time = clock_time(now.astimezone(ACCOUNT_TZ))
    entry.updated_at = now
    store.attach(entry)


def _stop_others(store: EntryStore, user_id: int, now: datetime) -> None:
    for other in store.running(user_id):
        _stop(store, other, now)

"""Entry records -> the JSON shapes of the regular API and of the detailed report."""

from __future__ import annotations

from gateway.simulators.clockify.data import WORKSPACE_ID
from gateway.simulators.clockify.payloads import (
    Project,
    Rate,
    ReportEntry,
    ReportTag,
    Task,
    TimeEntry,
    User,
)
from gateway.simulators.clockify.seed_entries import EntryRecord
from gateway.simulators.clockify.timefmt import iso_duration, iso_instant


def time_entry(record: EntryRecord, rate: Rate | None) -> TimeEntry:
    seconds = record.seconds()
    return TimeEntry(
        id=record.id,
        description=record.description,
        userId=record.user_id,
        workspaceId=WORKSPACE_ID,
        projectId=record.project_id,
        taskId=record.task_id,
        tagIds=list(record.tag_ids),
        billable=record.billable,
        isLocked=False,
        type=record.type,
        kioskId=None,
        hourlyRate=rate,
        costRate=None,
        customFieldValues=[],
        timeInterval={
            "start": iso_instant(record.start),
            "end": iso_instant(record.end) if record.end is not None else None,
            "duration": iso_duration(seconds) if seconds is not None else None,
        },
    )


def report_entry(
    record: EntryRecord,
    user: User,
    project: Project | None,
    task: Task | None,
    tags: dict[str, str],
) -> ReportEntry:
    """A detailed-report row. Reports only hold finished entries, so ``end`` is always set.

    Missing references (no project, a deleted project, no task) are empty strings here, where
    the regular API has null: the report flattens them into display columns.
    """
    assert record.end is not None
    return ReportEntry(
        _id=record.id,
        description=record.description,
        userId=record.user_id,
        userName=user["name"],
        userEmail=user["email"],
        projectId=record.project_id or "",
        projectName=project["name"] if project else "",
        projectColor=project["color"] if project else "",
        clientId=project["clientId"] if project else "",
        clientName=project["clientName"] if project else "",
        taskId=record.task_id or "",
        taskName=task["name"] if task else "",
        billable=record.billable,
        locked=False,
        tags=[ReportTag(id=tid, name=tags.get(tid, "")) for tid in record.tag_ids],
        timeInterval={
            "start": iso_instant(record.start),
            "end": iso_instant(record.end),
            "duration": int((record.end - record.start).total_seconds()),
        },
    )

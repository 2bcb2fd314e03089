"""``POST /v2/users/{user_id}/time_entries``: manual time, stored as manual activities.

Body (JSON, spec ``postV2UsersUserIdTimeEntries``): ``project_id``, ``start_time``, ``tracked``
required; ``task_id``, ``billable`` (defaults to the project's), ``note`` optional in the schema
but "REQUIRED by default" per its description, so a missing note is refused. Answers
``{"success": true}`` with 201 (the spec; 200 has been seen live, option
``time_entry_status``). Time in the future, time overlapping the member's tracked time,
archived projects and tasks of another project are refused with 422.
"""

from __future__ import annotations

import json as jsonlib

from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubstaff.activities import Source
from gateway.simulators.hubstaff.context import Api, json
from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.timefmt import parse_datetime

MAX_TRACKED = 24 * 3600


async def create_time_entry(api: Api, user_id: int, request: Request) -> Response:
    member = next((m for _, m in api.store.members if m["user_id"] == user_id), None)
    if member is None or member["membership_status"] != "active":
        raise ApiError(Problem.NOT_FOUND)
    body = await _body(request)
    project_id, tracked, task_id = (_int(body, "project_id", True), _int(body, "tracked", True),
                                    _int(body, "task_id", False))
    start_time = parse_datetime(str(body.get("start_time") or ""))
    if start_time is None:
        raise ApiError(Problem.INVALID_PARAMS, "start_time is missing or invalid")
    if not 0 < (tracked or 0) <= MAX_TRACKED:
        raise ApiError(Problem.INVALID_PARAMS, "tracked must be between 1 and 86400 seconds")
    billable = body.get("billable")
    if billable is not None and not isinstance(billable, bool):
        raise ApiError(Problem.INVALID_PARAMS, "billable is invalid")
    project = api.store.projects.get(project_id or 0)
    task = api.store.task_by_id.get(task_id) if task_id is not None else None
    if project is None or (task_id is not None and task is None):
        raise ApiError(Problem.NOT_FOUND)
    if project["status"] != "active":
        raise ApiError(Problem.TIME_INVALID, "Project is archived")
    if task is not None and task["project_id"] != project["id"]:
        raise ApiError(Problem.TIME_INVALID, "Task does not belong to the project")
    if not str(body.get("note") or "").strip():
        raise ApiError(Problem.TIME_INVALID, "Note is required")
    start = int(start_time.timestamp())
    end = start + (tracked or 0)
    now = api.now()
    if end > now.timestamp():
        raise ApiError(Problem.TIME_INVALID, "Time entry cannot end in the future")
    if api.store.overlaps(user_id, start, end):
        raise ApiError(Problem.TIME_OVERLAPS)
    source = Source(user_id, project["id"], task_id, project["billable"]
                    if billable is None else billable, manual=True, desktop="web")
    api.store.add_manual(source, start, end, int(now.timestamp() * 1_000_000))
    return json({"success": True}, status=api.time_entry_status)


async def _body(request: Request) -> dict[str, object]:
    try:
        body = jsonlib.loads(await request.body())
    except ValueError:
        raise ApiError(Problem.INVALID_PARAMS, "Request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(Problem.INVALID_PARAMS, "Request body must be a JSON object")
    return body


def _int(body: dict[str, object], name: str, required: bool) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, str) and value.isdigit():  # Grape coerces numeric strings
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is missing or invalid")
    return value

"""Track API v9 time-entry writes: create/start, update, delete, stop.

Rules (Toggl's, and where the sheet is silent the simulator's, all documented here):
- ``stop`` wins over ``duration`` when both are given; ``stop`` before ``start`` is a 400.
- A negative ``duration`` with no ``stop`` makes a running entry. ``-1`` is kept as is; any
  other negative value is stored older-style as minus the start epoch.
- Starting a timer stops the caller's running one (a user has at most one), at "now".
- ``tags`` are names (unknown names create tags); ``tag_ids`` must exist.
- Responses are 200 with the entry; DELETE is 200 with an empty body; deleted entries stay
  visible only to ``GET /me/time_entries?since=`` (with ``server_deleted_at``).
"""

from __future__ import annotations

import copy

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.toggl.context import NO_ACCESS, Context, json
from gateway.simulators.toggl.errors import TogglError
from gateway.simulators.toggl.model import EntryRec, TagRec
from gateway.simulators.toggl.params import parse_instant, parse_int

Body = dict[str, object]


async def _body(request: Request) -> Body:
    try:
        body = orjson.loads(await request.body())
    except orjson.JSONDecodeError:
        raise TogglError(400, "JSON is not valid") from None
    if not isinstance(body, dict):
        raise TogglError(400, "JSON is not valid")
    return body


def _tag_ids(ctx: Context, body: Body, current: list[int]) -> list[int]:
    ids = set(current) if "tags" not in body and "tag_ids" not in body else set()
    names = body.get("tags") or []
    raw_ids = body.get("tag_ids") or []
    if not isinstance(names, list) or not isinstance(raw_ids, list):
        raise TogglError(400, "Invalid tags")
    by_name = {t.name: t.id for t in ctx.store.tags.values()}
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise TogglError(400, "Invalid tags")
        if name not in by_name:
            tag = TagRec(id=max(ctx.store.tags) + 1, workspace_id=ctx.store.workspace_id,
                         name=name, at=ctx.now())
            ctx.store.tags[tag.id] = tag
            by_name[name] = tag.id
        ids.add(by_name[name])
    for tag_id in raw_ids:
        if tag_id not in ctx.store.tags:
            raise TogglError(400, "Invalid tag_ids")
        ids.add(tag_id)
    return sorted(ids)


def _refs(ctx: Context, entry: EntryRec, body: Body) -> None:
    if "project_id" in body:
        pid = body["project_id"]
        if pid is not None and (not isinstance(pid, int) or pid not in ctx.store.projects):
            raise TogglError(400, "Invalid project_id")
        entry.project_id = pid if isinstance(pid, int) else None
    if "task_id" in body:
        tid = body["task_id"]
        task = ctx.store.tasks.get(tid) if isinstance(tid, int) else None
        if tid is not None and task is None:
            raise TogglError(400, "Invalid task_id")
        if task is not None and "project_id" not in body:
            entry.project_id = task.project_id
        if task is not None and task.project_id != entry.project_id:
            raise TogglError(400, "Task does not belong to the project")
        entry.task_id = None if task is None else task.id
    if "description" in body:
        desc = body["description"]
        if desc is not None and not isinstance(desc, str):
            raise TogglError(400, "Invalid description")
        entry.description = desc or ""
    if "billable" in body:
        entry.billable = body["billable"] is True
    entry.tag_ids = _tag_ids(ctx, body, entry.tag_ids)


def _times(entry: EntryRec, body: Body, creating: bool) -> None:
    if "start" in body:
        entry.start = parse_instant(body["start"], "start")
    elif creating:
        raise TogglError(400, "start must be provided")
    stop = body.get("stop")
    if stop is not None:
        entry.stop = parse_instant(stop, "stop")
        if entry.stop < entry.start:
            raise TogglError(400, "Stop time must be after start time")
        entry.duration = entry.stop - entry.start
    elif "duration" in body:
        duration = parse_int(body["duration"], "duration")
        if duration < 0:
            entry.stop, entry.duration = None, -1 if duration == -1 else -entry.start
        else:
            entry.stop, entry.duration = entry.start + duration, duration
    elif creating:
        raise TogglError(400, "duration or stop must be provided")
    elif entry.running:
        entry.duration = -1 if entry.duration == -1 else -entry.start
    else:
        entry.stop = entry.start + entry.duration


def _stop(ctx: Context, entry: EntryRec) -> EntryRec:
    stopped = copy.copy(entry)
    stopped.stop = max(ctx.now(), entry.start)
    stopped.duration, stopped.at = stopped.stop - entry.start, ctx.now()
    ctx.store.unindex(entry)
    ctx.store.index(stopped)
    return stopped


def _save(ctx: Context, old: EntryRec | None, new: EntryRec) -> Response:
    running = ctx.store.current(new.user_id)
    if new.running and running is not None and running.id != new.id:
        _stop(ctx, running)
    if old is not None:
        ctx.store.unindex(old)
    new.at = ctx.now()
    ctx.store.index(new)
    return json(new.render(ctx.store.tag_names()))


def _editable(ctx: Context, request: Request, wid: int, entry_id: int) -> EntryRec:
    ctx.workspace(wid)
    entry = ctx.store.live(entry_id)
    if entry is None or entry.workspace_id != wid:
        raise TogglError(404, "Time entry not found")
    caller = ctx.caller(request)
    if entry.user_id != caller.id and not caller.is_admin:
        raise TogglError(403, NO_ACCESS)
    return entry


def write_routes(ctx: Context) -> APIRouter:
    router = APIRouter(prefix="/api/v9/workspaces/{wid}/time_entries")

    @router.post("")
    async def create(wid: int, request: Request) -> Response:
        ctx.workspace(wid)
        body = await _body(request)
        created_with = body.get("created_with")
        if not isinstance(created_with, str) or not created_with.strip():
            raise TogglError(400, "created_with needs to be provided a valid string")
        if body.get("workspace_id", wid) != wid:
            raise TogglError(400, "workspace_id does not match the path")
        entry = EntryRec(id=ctx.store.new_id(), workspace_id=wid, user_id=ctx.caller(request).id,
                         project_id=None, task_id=None, description="", start=0, stop=None,
                         duration=0, billable=False)
        _times(entry, body, creating=True)
        _refs(ctx, entry, body)
        return _save(ctx, None, entry)

    @router.put("/{entry_id}")
    async def update(wid: int, entry_id: int, request: Request) -> Response:
        entry = _editable(ctx, request, wid, entry_id)
        body = await _body(request)
        changed = copy.copy(entry)
        _times(changed, body, creating=False)
        _refs(ctx, changed, body)
        return _save(ctx, entry, changed)

    @router.delete("/{entry_id}")
    async def delete(wid: int, entry_id: int, request: Request) -> Response:
        entry = _editable(ctx, request, wid, entry_id)
        ctx.store.unindex(entry)
        entry.deleted_at = entry.at = ctx.now()
        return Response(status_code=200)

    @router.patch("/{entry_id}/stop")
    async def stop(wid: int, entry_id: int, request: Request) -> Response:
        entry = _editable(ctx, request, wid, entry_id)
        if not entry.running:
            raise TogglError(409, "Time entry already stopped")
        return json(_stop(ctx, entry).render(ctx.store.tag_names()))

    return router

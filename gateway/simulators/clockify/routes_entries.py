"""Time entries: listed per user only, the workspace's running timers, and the writes.

The workspace-wide ``GET /v1/workspaces/{ws}/time-entries`` does not exist in Clockify (only
POST does), so it answers 405 after authentication, as Spring does.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.clockify import params, responses, writes
from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.errors import ApiError, not_found
from gateway.simulators.clockify.seed_entries import EntryRecord
from gateway.simulators.clockify.store import EntryQuery

USER_ENTRIES = "/v1/workspaces/{workspace_id}/user/{user_id}/time-entries"
ENTRIES = "/v1/workspaces/{workspace_id}/time-entries"
IN_PROGRESS_PAGE = (10, 1000)  # default and maximum page-size, from the spec


def entries_router(ctx: Context) -> APIRouter:
    router = APIRouter(dependencies=[Depends(ctx.gate)])

    @router.get(USER_ENTRIES)
    async def user_entries(workspace_id: str, user_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        ctx.person(user_id)
        query = request.query_params
        number, size = params.page(query)
        wanted = EntryQuery(
            start=params.instant(query, "start"),
            end=params.instant(query, "end"),
            project_id=query.get("project") or None,
            in_progress=params.boolean(query, "in-progress"),
        )
        return responses.page(*ctx.store.page_for_user(user_id, wanted, number, size))

    @router.patch(USER_ENTRIES)
    async def stop_timer(workspace_id: str, user_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        ctx.person(user_id)
        body = await params.json_object(request)
        end = params.parse_time(body.get("end"), "end")
        running = ctx.store.running.get(user_id)
        if running is None:
            # Judgement call: nothing to stop is "not found" (404), not an unknown id (400).
            raise ApiError(404, "No running time entry found for user", 404)
        return responses.json(ctx.store.payload(writes.stop(ctx, running, end)))

    @router.get(ENTRIES)
    async def workspace_entries(workspace_id: str) -> Response:
        response = responses.json(
            {"message": "Request method 'GET' is not supported", "code": 405}, 405
        )
        response.headers["Allow"] = "POST"
        return response

    @router.post(ENTRIES)
    async def create(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        body = await params.json_object(request)
        entry_id = ctx.store.ids.new(ctx.clock.now())
        record = writes.record_from_body(ctx, body, entry_id, request.state.caller)
        writes.save(ctx, record)
        return responses.json(ctx.store.payload(record), 201)

    @router.get(ENTRIES + "/status/in-progress")
    async def in_progress(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        number, size = params.page(request.query_params, *IN_PROGRESS_PAGE)
        items, last = responses.slice_page(ctx.store.running_entries(), number, size)
        return responses.page([ctx.store.payload(r) for r in items], last)

    @router.get(ENTRIES + "/{entry_id}")
    async def one(workspace_id: str, entry_id: str) -> Response:
        ctx.workspace(workspace_id)
        return responses.json(ctx.store.payload(_entry(ctx, entry_id)))

    @router.put(ENTRIES + "/{entry_id}")
    async def update(workspace_id: str, entry_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        old = _entry(ctx, entry_id)
        body = await params.json_object(request)
        record = writes.record_from_body(ctx, body, old.id, old.user_id)
        writes.save(ctx, record, old)
        return responses.json(ctx.store.payload(record))

    @router.delete(ENTRIES + "/{entry_id}")
    async def delete(workspace_id: str, entry_id: str) -> Response:
        ctx.workspace(workspace_id)
        ctx.store.remove(_entry(ctx, entry_id))
        return Response(status_code=204)

    return router


def _entry(ctx: Context, entry_id: str) -> EntryRecord:
    record = ctx.store.entries.get(entry_id)
    if record is None:
        raise not_found("TimeEntry", entry_id)
    return record

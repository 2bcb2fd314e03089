"""Track API v9 reads: the caller, workspaces, users, projects, clients, tasks, tags and the
caller's own time entries.

Choices where the sheet is silent:
- ``/projects`` and ``/tasks``: ``active=true|false|both`` defaults to ``true`` (archived
  projects and finished tasks need ``false``/``both``); ``page`` from 1, ``per_page`` default
  151, over 200 quietly cut to 200, ``page``/``per_page`` below 1 or not numbers are 400.
  Projects are a bare array (a short page is the last); tasks an envelope with ``total_count``.
- ``/clients``: ``status=active|archived|both`` defaults to ``active``; no pagination.
- ``/me/time_entries``: only the caller's entries, newest first, no pagination, silently cut
  to the newest 1000 (as Toggl does: a full 1000 means "use the Reports API"). ``start_date``
  is inclusive and ``end_date`` exclusive (a bare date is midnight UTC); one without the other
  is a 400; no dates means all entries (still cut to 1000). ``since`` (Unix seconds) returns
  entries whose ``at`` is at or after it, deleted ones included with ``server_deleted_at``.
  No look-back limit is enforced.
- ``/me/time_entries/current``: the running entry or JSON ``null``.
- A workspace id other than the account's is 403 ``User does not have access to this
  resource.``
"""

from __future__ import annotations

import math

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.toggl import catalog
from gateway.simulators.toggl.context import Context, json
from gateway.simulators.toggl.errors import TogglError
from gateway.simulators.toggl.model import rfc3339
from gateway.simulators.toggl.params import (
    active_filter,
    page_params,
    parse_instant,
    parse_int,
)
from gateway.simulators.toggl.payloads import Me, TaskPage, Workspace


def _me(ctx: Context, request: Request) -> Me:
    user = ctx.caller(request)
    return {
        "id": user.id, "api_token": user.api_token, "email": user.email,
        "fullname": user.fullname, "timezone": user.timezone,
        "default_workspace_id": ctx.store.workspace_id, "beginning_of_week": 1,
        "image_url": f"https://assets.track.toggl.com/images/profile.png?u={user.id}",
        "created_at": rfc3339(user.created_at), "updated_at": rfc3339(user.created_at),
        "at": rfc3339(user.created_at),
    }


def _workspace(ctx: Context, request: Request) -> Workspace:
    user = ctx.caller(request)
    return {
        "id": ctx.store.workspace_id, "organization_id": catalog.ORGANIZATION_ID,
        "name": catalog.WORKSPACE_NAME, "premium": True, "business_ws": True,
        "admin": user.is_admin, "role": "admin" if user.is_admin else "user",
        "default_currency": "USD", "default_hourly_rate": None, "rounding": 1,
        "rounding_minutes": 0, "at": rfc3339(user.created_at),
    }


def _entry_window(request: Request) -> tuple[int, int, int | None]:
    """``start_date`` and ``end_date`` go together: start inclusive, end exclusive (a bare
    date is midnight UTC). ``since`` (Unix seconds) adds deleted entries changed since then."""
    query = request.query_params
    start_raw, end_raw = query.get("start_date"), query.get("end_date")
    if (start_raw is None) != (end_raw is None):
        raise TogglError(400, "start_date and end_date must be used together")
    start, end = -math.inf, math.inf
    if start_raw is not None and end_raw is not None:
        start = parse_instant(start_raw, "start_date")
        end = parse_instant(end_raw, "end_date")
        if start > end:
            raise TogglError(400, "start_date must be earlier than end_date")
    since = query.get("since")
    return (
        int(max(start, -(2**62))), int(min(end, 2**62)),
        None if since is None else parse_int(since, "since", minimum=0),
    )


def read_routes(ctx: Context) -> APIRouter:
    router = APIRouter(prefix="/api/v9")

    @router.get("/me")
    async def me(request: Request) -> Response:
        return json(_me(ctx, request))

    @router.get("/me/workspaces")
    async def my_workspaces(request: Request) -> Response:
        return json([_workspace(ctx, request)])

    @router.get("/workspaces/{wid}/users")
    async def users(wid: int) -> Response:
        ctx.workspace(wid)
        return json([u.render() for u in ctx.store.users.values()])

    @router.get("/workspaces/{wid}/projects")
    async def projects(wid: int, request: Request) -> Response:
        ctx.workspace(wid)
        active = active_filter(request.query_params)
        page, per_page = page_params(request.query_params)
        chosen = [p for p in ctx.store.projects.values() if active is None or p.active == active]
        window = chosen[(page - 1) * per_page : page * per_page]
        return json([p.render() for p in window])

    @router.get("/workspaces/{wid}/clients")
    async def clients(wid: int, request: Request) -> Response:
        ctx.workspace(wid)
        status = request.query_params.get("status", "active")
        wanted = {"active": (False,), "archived": (True,), "both": (False, True)}.get(status)
        if wanted is None:
            raise TogglError(400, "Invalid status")
        return json([c.render() for c in ctx.store.clients if c.archived in wanted])

    @router.get("/workspaces/{wid}/tasks")
    async def tasks(wid: int, request: Request) -> Response:
        ctx.workspace(wid)
        active = active_filter(request.query_params)
        page, per_page = page_params(request.query_params)
        chosen = [t for t in ctx.store.tasks.values() if active is None or t.active == active]
        window = chosen[(page - 1) * per_page : page * per_page]
        body: TaskPage = {"data": [t.render() for t in window], "page": page,
                          "per_page": per_page, "total_count": len(chosen)}
        return json(body)

    @router.get("/workspaces/{wid}/tags")
    async def tags(wid: int) -> Response:
        ctx.workspace(wid)
        return json([t.render() for t in ctx.store.tags.values()])

    @router.get("/me/time_entries")
    async def my_entries(request: Request) -> Response:
        start, end, since = _entry_window(request)
        found = ctx.store.me_entries(ctx.caller(request).id, start, end, since)
        names = ctx.store.tag_names()
        return json([e.render(names) for e in found])

    @router.get("/me/time_entries/current")
    async def current(request: Request) -> Response:
        entry = ctx.store.current(ctx.caller(request).id)
        return json(None if entry is None else entry.render(ctx.store.tag_names()))

    # Toggl v9 serves one of the caller's own entries by id (GET /me/time_entries/{id}); someone
    # else's entry is as unknown as a missing one.
    @router.get("/me/time_entries/{entry_id}")
    async def my_entry(entry_id: int, request: Request) -> Response:
        entry = ctx.store.live(entry_id)
        if entry is None or entry.user_id != ctx.caller(request).id:
            raise TogglError(404, "Time entry not found")
        return json(entry.render(ctx.store.tag_names()))

    return router

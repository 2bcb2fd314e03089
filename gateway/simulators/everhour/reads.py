"""Read endpoints: users, projects, clients, tasks and the team's time records.

Paginated lists (``/projects``, ``/projects/{id}/tasks``, ``/team/time``) take ``page`` (from 1)
and ``limit`` and answer a bare JSON array with no totals and no pagination headers: a client
stops at the first page shorter than its limit, so a list whose size is an exact multiple of the
limit ends with one empty page. ``/team/users`` and ``/clients`` are not paginated (any ``page``
or ``limit`` is ignored) and answer everything at once.
"""

# No "from __future__ import annotations": FastAPI must resolve the route-local ``User``
# dependency alias at definition time.

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.everhour.auth import Guard
from gateway.simulators.everhour.errors import ApiError, Invalid, json_response
from gateway.simulators.everhour.params import Paging, parse_date
from gateway.simulators.everhour.store import Store


@dataclass(slots=True)
class Account:
    """Holds the current store; reset swaps in a freshly seeded one."""

    store: Store


def read_routes(account: Account, guard: Guard, paging: Paging) -> APIRouter:
    router = APIRouter()
    User = Annotated[int, Depends(guard)]

    @router.get("/users/me")
    async def me(user: User) -> Response:
        return json_response(account.store.users_by_id[user])

    @router.get("/team/users")
    async def team_users(user: User) -> Response:
        return json_response(account.store.users)

    @router.get("/clients")
    async def clients(user: User) -> Response:
        return json_response(account.store.clients)

    @router.get("/projects")
    async def projects(request: Request, user: User) -> Response:
        page, limit = _paging(paging, request)
        found = account.store.projects
        # ``query`` matches project names, case-insensitively, anywhere in the name.
        if query := request.query_params.get("query", "").casefold():
            found = [p for p in found if query in p["name"].casefold()]
        return json_response(paging.slice(found, page, limit))

    @router.get("/projects/{project_id}/tasks")
    async def project_tasks(project_id: str, request: Request, user: User) -> Response:
        tasks = account.store.project_tasks.get(project_id)
        if tasks is None:
            raise ApiError(404)
        page, limit = _paging(paging, request)
        return json_response(paging.slice(tasks, page, limit))

    @router.get("/team/time")
    async def team_time(request: Request, user: User) -> Response:
        invalid = Invalid()
        start = parse_date(request.query_params.get("from"), "from", invalid)
        end = parse_date(request.query_params.get("to"), "to", invalid)
        page, limit = paging.parse(request.query_params, invalid)
        invalid.check()
        return json_response(account.store.time_page(start, end, page, limit))

    return router


def _paging(paging: Paging, request: Request) -> tuple[int, int]:
    invalid = Invalid()
    page, limit = paging.parse(request.query_params, invalid)
    invalid.check()
    return page, limit

"""Read endpoints for the organization's people and work catalog.

Lists are in ascending id order ("records are always sorted by creation order"); members and
last activities page by the membership id, which the API does not otherwise expose, so a
client must use ``pagination.next_page_start_id`` rather than the last ``user_id`` it saw.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubstaff import params
from gateway.simulators.hubstaff.context import Api, json, listing
from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.payloads import Member, Task
from gateway.simulators.hubstaff.store import page_of
from gateway.simulators.hubstaff.views import side_load

T = TypeVar("T")
STATUSES = ("active", "archived", "all")
TASK_STATUSES = ("active", "completed", "deleted", "archived")
ROLES = ("owner", "manager", "user", "unassigned")


def _page(rows: Iterable[T], ident: Callable[[T], int], match: Callable[[T], bool],
          paging: params.Paging) -> tuple[list[T], int | None]:
    return page_of((r for r in rows if ident(r) >= paging.start_id and match(r)), ident,
                   paging.limit)


def build_catalog_router(api: Api) -> APIRouter:
    router = APIRouter()

    @router.get("/v2/organizations")
    async def organizations(request: Request) -> Response:
        api.enter(request)
        page, next_id = _page(api.store.organizations, lambda o: o["id"], lambda o: True,
                              params.paging(request.query_params))
        return listing("organizations", list(page), next_id)

    @router.get("/v2/users/me")
    async def me(request: Request) -> Response:
        return json({"user": api.store.users[api.enter(request)]})

    @router.get("/v2/users/{user_id}")
    async def user(user_id: str, request: Request) -> Response:
        api.enter(request)
        found = api.store.users.get(params.path_id(user_id, "user_id"))
        if found is None:
            raise ApiError(Problem.NOT_FOUND)
        return json({"user": found})

    @router.get("/v2/organizations/{organization_id}/members")
    async def members(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        match = _member_filter(api, request)
        wanted = params.includes(q, ("users", "projects"))
        page, next_id = _page(api.store.members, lambda m: m[0], lambda m: match(m[1]),
                              params.paging(q))
        rows = [member for _, member in page]
        return listing("members", list(rows), next_id,
                       side_load(api.store, wanted, rows, api.store.member_projects))

    @router.get("/v2/organizations/{organization_id}/last_activities")
    async def last_activities(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        removed = params.boolean(q, "include_removed")
        status = {m["user_id"]: m["membership_status"] for _, m in api.store.members}
        wanted = params.includes(q, ("users", "projects", "tasks"))
        page, next_id = _page(api.store.seed.last_activities, lambda r: r[0],
                              lambda r: removed or status[r[1]["user_id"]] == "active",
                              params.paging(q))
        rows = [record for _, record in page]
        task_ids = [{"task_id": r["last_task_id"], "project_id": r["last_project_id"],
                     "user_id": r["user_id"]} for r in rows]
        return listing("last_activities", list(rows), next_id,
                       side_load(api.store, wanted, task_ids))

    @router.get("/v2/organizations/{organization_id}/projects")
    async def projects(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        status = params.choice(q, "status", STATUSES, "active")
        only = params.id_set(q, "project_ids")
        wanted = params.includes(q, ("clients",))
        page, next_id = _page(
            api.store.projects.values(), lambda p: p["id"],
            lambda p: (status == "all" or p["status"] == status)
            and (only is None or p["id"] in only), params.paging(q))
        return listing("projects", list(page), next_id, side_load(api.store, wanted, page))

    @router.get("/v2/organizations/{organization_id}/clients")
    async def clients(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        status = params.choice(q, "status", STATUSES, "active")
        wanted = params.includes(q, ("projects",))
        page, next_id = _page(api.store.clients, lambda c: c["id"],
                              lambda c: status == "all" or c["status"] == status,
                              params.paging(q))
        return listing("clients", list(page), next_id, side_load(api.store, wanted, page))

    @router.get("/v2/organizations/{organization_id}/tasks")
    async def org_tasks(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        only = params.id_set(request.query_params, "project_ids")
        return _tasks(api, request, lambda t: only is None or t["project_id"] in only,
                      ("users", "projects"))

    @router.get("/v2/projects/{project_id}/tasks")
    async def project_tasks(project_id: str, request: Request) -> Response:
        api.enter(request)
        project = api.project(project_id)
        return _tasks(api, request, lambda t: t["project_id"] == project["id"], ("users",))

    # One record by id, as the spec defines them: {"project": ...}, {"client": ...}, {"task": ...}.
    @router.get("/v2/projects/{project_id}")
    async def project(project_id: str, request: Request) -> Response:
        api.enter(request)
        return json({"project": api.project(project_id)})

    @router.get("/v2/clients/{client_id}")
    async def client(client_id: str, request: Request) -> Response:
        api.enter(request)
        wanted = params.path_id(client_id, "client_id")
        return json({"client": _one(api.store.clients, wanted)})

    @router.get("/v2/tasks/{task_id}")
    async def task(task_id: str, request: Request) -> Response:
        api.enter(request)
        wanted = params.path_id(task_id, "task_id")
        return json({"task": _one(api.store.tasks, wanted)})

    return router


def _one(rows: Iterable[T], wanted: int) -> T:
    found = next((r for r in rows if r["id"] == wanted), None)  # type: ignore[index]
    if found is None:
        raise ApiError(Problem.NOT_FOUND)
    return found


def _member_filter(api: Api, request: Request) -> Callable[[Member], bool]:
    q = request.query_params
    removed = params.boolean(q, "include_removed")
    user_ids = params.id_set(q, "user_ids")
    roles = set(params.strings(q, "membership_roles"))
    if roles - set(ROLES):
        raise ApiError(Problem.INVALID_PARAMS, "membership_roles does not have a valid value")
    email = (q.get("search[email]") or "").lower()
    name = (q.get("search[name]") or "").lower()
    users = api.store.users

    def match(member: Member) -> bool:
        return ((removed or member["membership_status"] == "active")
                and (user_ids is None or member["user_id"] in user_ids)
                and (not roles or member["membership_role"] in roles)
                and (not email or email in users[member["user_id"]]["email"].lower())
                and (not name or name in users[member["user_id"]]["name"].lower()))

    return match


def _tasks(api: Api, request: Request, scope: Callable[[Task], bool],
           allowed: tuple[str, ...]) -> Response:
    q = request.query_params
    status = params.choice(q, "status", TASK_STATUSES, None)
    assignees = params.id_set(q, "user_ids")
    wanted = params.includes(q, allowed)
    page, next_id = _page(
        api.store.tasks, lambda t: t["id"],
        lambda t: scope(t) and (status is None or t["status"] == status)
        and (assignees is None or bool(assignees.intersection(t["assignee_ids"]))),
        params.paging(q))
    return listing("tasks", list(page), next_id, side_load(api.store, wanted, page))

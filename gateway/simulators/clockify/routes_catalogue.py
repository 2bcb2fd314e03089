"""The current user, workspace members, clients, projects and tasks."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.clockify import params, responses
from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.data import Person, workspace_membership
from gateway.simulators.clockify.errors import bad_request, not_found
from gateway.simulators.clockify.payloads import Client, Project, Task, User

USER_STATUSES = ("PENDING", "ACTIVE", "DECLINED", "INACTIVE", "ALL")


def catalogue_router(ctx: Context) -> APIRouter:
    router = APIRouter(dependencies=[Depends(ctx.gate)])

    @router.get("/v1/user")
    async def current_user(request: Request) -> Response:
        person = ctx.person(request.state.caller)
        with_memberships = params.boolean(request.query_params, "include-memberships")
        return responses.json(_user(person, bool(with_memberships)))

    @router.get("/v1/workspaces/{workspace_id}/users")
    async def users(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        query = request.query_params
        number, size = params.page(query)
        chosen = _filter_people(ctx.store.people, query)
        with_memberships = query.get("memberships", "NONE").upper() in ("WORKSPACE", "ALL")
        items, last = responses.slice_page(chosen, number, size)
        return responses.page([_user(p, with_memberships) for p in items], last)

    @router.get("/v1/workspaces/{workspace_id}/clients")
    async def clients(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        number, size = params.page(request.query_params)
        chosen = _filter_clients(ctx.store.clients, request.query_params)
        return responses.page(*responses.slice_page(chosen, number, size))

    @router.get("/v1/workspaces/{workspace_id}/clients/{client_id}")
    async def client(workspace_id: str, client_id: str) -> Response:
        ctx.workspace(workspace_id)
        found = ctx.store.client_by_id.get(client_id)
        if found is None:
            raise not_found("Client", client_id)
        return responses.json(found)

    @router.get("/v1/workspaces/{workspace_id}/projects")
    async def projects(workspace_id: str, request: Request) -> Response:
        ctx.workspace(workspace_id)
        number, size = params.page(request.query_params)
        chosen = _filter_projects(ctx.store.projects, request.query_params)
        items, last = responses.slice_page(chosen, number, size)
        return responses.page([ctx.store.project_payload(p) for p in items], last)

    @router.get("/v1/workspaces/{workspace_id}/projects/{project_id}")
    async def project(workspace_id: str, project_id: str) -> Response:
        ctx.workspace(workspace_id)
        return responses.json(ctx.store.project_payload(ctx.project(project_id)))

    @router.get("/v1/workspaces/{workspace_id}/projects/{project_id}/tasks")
    async def tasks(
        workspace_id: str, project_id: str, request: Request
    ) -> Response:
        ctx.workspace(workspace_id)
        ctx.project(project_id)
        number, size = params.page(request.query_params)
        chosen = _filter_tasks(ctx.store.catalogue.tasks[project_id], request.query_params)
        items, last = responses.slice_page(chosen, number, size)
        return responses.page([ctx.store.task_payload(t) for t in items], last)

    return router


def _user(person: Person, with_memberships: bool) -> User:
    memberships = [workspace_membership(person)] if with_memberships else []
    return {**person.user, "memberships": memberships}


def _contains(value: str, needle: str | None) -> bool:
    return needle is None or needle.lower() in value.lower()


def _filter_people(people: list[Person], query: QueryParams) -> list[Person]:
    # Judgement call: without ``status`` every member is listed (as with status=ALL).
    status = query.get("status", "ALL").upper()
    if status not in USER_STATUSES:
        raise bad_request(f"status: invalid value '{status}'")
    return [
        p
        for p in people
        if status in ("ALL", p.membership_status)
        and _contains(p.user["email"], query.get("email"))
        and _contains(p.user["name"], query.get("name"))
    ]


def _filter_clients(clients: list[Client], query: QueryParams) -> list[Client]:
    archived = params.boolean(query, "archived")
    return [
        c
        for c in clients
        if (archived is None or c["archived"] == archived)
        and _contains(c["name"], query.get("name"))
    ]


def _filter_projects(projects: list[Project], query: QueryParams) -> list[Project]:
    archived = params.boolean(query, "archived")
    billable = params.boolean(query, "billable")
    client_ids = {cid for raw in query.getlist("clients") for cid in raw.split(",") if cid}
    return [
        p
        for p in projects
        if (archived is None or p["archived"] == archived)
        and (billable is None or p["billable"] == billable)
        and (not client_ids or p["clientId"] in client_ids)
        and _contains(p["name"], query.get("name"))
    ]


def _filter_tasks(tasks: list[Task], query: QueryParams) -> list[Task]:
    active = params.boolean(query, "is-active")
    return [
        t
        for t in tasks
        if (active is None or (t["status"] == "ACTIVE") == active)
        and _contains(t["name"], query.get("name"))
    ]

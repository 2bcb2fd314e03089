"""The Hustle v3 routes: organisations, groups and agents behind a bearer token.

List routes take ``limit``/``cursor`` plus the spec's filters (``id`` everywhere,
``organizationId`` and ``active`` on groups, ``groupId`` on agents). ``GET /<resource>/{id}``
is served as well (the lead asked for it; the published spec only documents the ``id`` filter).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hustle import bodies
from gateway.simulators.hustle.auth import add_token_route, require_token
from gateway.simulators.hustle.context import Context
from gateway.simulators.hustle.errors import HustleError, install_error_handlers, json_response
from gateway.simulators.hustle.paging import paginate, parse_limit
from gateway.simulators.hustle.payloads import Agent, Group, Organization
from gateway.simulators.kit import SimulatorConfig, SimulatorState, install

T = TypeVar("T")


def _page(ctx: Context, request: Request, items: Sequence[T]) -> Response:
    query = request.query_params
    limit = parse_limit(query.get("limit"))
    page = paginate(items, limit, query.get("cursor"),
                    cursor_on_last_page=ctx.options.last_page_cursor)
    return json_response(page)


def _active(raw: str | None) -> bool | None:
    if raw is None:
        return None
    if raw.lower() not in ("true", "false"):
        raise HustleError(400, '"active" must be a boolean')
    return raw.lower() == "true"


def _organizations(ctx: Context, request: Request) -> Sequence[Organization]:
    wanted = request.query_params.get("id")
    if wanted is None:
        return ctx.store.organizations
    found = ctx.store.organization_by_id.get(wanted)
    return [found] if found else []


def _groups(ctx: Context, request: Request) -> Sequence[Group]:
    query = request.query_params
    active, org_id = _active(query.get("active")), query.get("organizationId")
    wanted = query.get("id")
    groups: Sequence[Group] = ctx.store.groups
    if org_id is not None:
        groups = ctx.store.groups_by_org.get(org_id, [])
    if wanted is not None:
        groups = [g for g in groups if g["id"] == wanted]
    if active is not None:
        groups = [g for g in groups if g["active"] == active]
    return groups


def _agents(ctx: Context, request: Request) -> Sequence[Agent]:
    group_id, wanted = request.query_params.get("groupId"), request.query_params.get("id")
    agents: Sequence[Agent] = ctx.store.agents
    if group_id is not None:
        agents = ctx.store.agents_by_group.get(group_id, [])
    if wanted is not None:
        found = ctx.store.agent_by_id.get(wanted)
        agents = [found] if found and (group_id is None or found["groupId"] == group_id) else []
    return agents


def add_resource_routes(app: FastAPI, ctx: Context) -> None:
    async def guard(request: Request) -> None:
        await require_token(ctx, request)

    # Routes go straight on the app (not an included APIRouter) so the 405 handler can see
    # every route's methods in ``app.router.routes``.
    guarded = [Depends(guard)]

    @app.get("/v3/organizations", dependencies=guarded)
    async def list_organizations(request: Request) -> Response:
        return _page(ctx, request, _organizations(ctx, request))

    @app.get("/v3/organizations/{org_id}", dependencies=guarded)
    async def get_organization(org_id: str) -> Response:
        return json_response(ctx.store.organization(org_id))

    @app.get("/v3/groups", dependencies=guarded)
    async def list_groups(request: Request) -> Response:
        return _page(ctx, request, _groups(ctx, request))

    @app.get("/v3/groups/{group_id}", dependencies=guarded)
    async def get_group(group_id: str) -> Response:
        return json_response(ctx.store.group(group_id))

    @app.get("/v3/agents", dependencies=guarded)
    async def list_agents(request: Request) -> Response:
        return _page(ctx, request, _agents(ctx, request))

    @app.get("/v3/agents/{agent_id}", dependencies=guarded)
    async def get_agent(agent_id: str) -> Response:
        return json_response(ctx.store.agent(agent_id))

    @app.post("/v3/agents", dependencies=guarded)
    async def create_agent(request: Request) -> Response:
        new = bodies.new_agent(await request.body())
        agent = ctx.store.create_agent(
            new.name, new.full_name, new.email, new.group_id, ctx.config.clock.now()
        )
        return json_response(agent)

    @app.put("/v3/agents/{agent_id}", dependencies=guarded)
    async def update_agent(agent_id: str, request: Request) -> Response:
        update = bodies.agent_update(await request.body())
        return json_response(ctx.store.update_agent(agent_id, update.name, update.full_name))


def create_app(config: SimulatorConfig) -> FastAPI:
    ctx = Context(config)
    # No /docs or /openapi.json: the vendor serves nothing there, so they must 404 like it.
    app = FastAPI(title="Hustle simulator", openapi_url=None, docs_url=None, redoc_url=None)
    install_error_handlers(app)
    add_token_route(app, ctx)
    add_resource_routes(app, ctx)
    state = SimulatorState(vendor="hustle", latency_ms=config.latency_ms)
    install(app, state)
    state.on_reset(ctx.reset)
    state.on_expire_tokens(ctx.tokens.expire_all)
    return app

"""The application factory: settings in, FastAPI app out.

The lifespan builds one connector (and so one HTTP client, limiter and cache) per source; the
GraphQL context, with fresh loaders, is built per request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Scope

from gateway.connectors.base import ConnectorContext
from gateway.connectors.registry import vendor_module
from gateway.graphql_http import GraphQLEndpoint
from gateway.http.breaker import CircuitBreaker, Health
from gateway.middleware import RequestContext
from gateway.next_page import NextPages
from gateway.references import ReferenceStore
from gateway.response_cache import ResponseCache
from gateway.service import Gateway, SourceRuntime
from gateway.settings import Settings
from schema import Context, build_schema

log = logging.getLogger("hourglass")


def _readiness(rt: SourceRuntime) -> dict[str, Any]:
    circuit = rt.health()
    return {
        "vendor": rt.config.vendor,
        "status": circuit.health.value,
        "circuit": circuit.state.value,
        "consecutiveFailures": circuit.consecutive_failures,
        "retryAfter": circuit.retry_after,
    }


def build_gateway(
    settings: Settings, transports: Mapping[str, httpx.AsyncBaseTransport] | None = None
) -> Gateway:
    transports = transports or {}
    runtimes: dict[str, SourceRuntime] = {}
    retry, breaker_policy = settings.retry.policy(), settings.circuit_breaker.policy()
    for config in settings.sources:
        breaker = CircuitBreaker(config.name, breaker_policy)
        context = ConnectorContext(
            user_agent=settings.user_agent,
            transport=transports.get(config.name),
            retry=retry,
            breaker=breaker,
        )
        connector = vendor_module(config.vendor).create_connector(config, context)
        store = ReferenceStore(
            connector, ttl=settings.reference_ttl, maxsize=settings.reference_cache_size
        )
        runtimes[config.name] = SourceRuntime(config, connector, store, breaker)
    return Gateway(runtimes, default_lookback_days=settings.default_lookback_days)


def create_app(
    settings: Settings,
    *,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    mounts: Mapping[str, ASGIApp] | None = None,
    response_cache: ResponseCache | None = None,
) -> FastAPI:
    """``transports`` replace the network per source name (the demo's in-process simulators);
    ``mounts`` are extra ASGI apps served under a path (the demo exposes its simulators);
    ``response_cache`` replaces the one ``response_cache_ttl`` makes (tests bring a clock)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.gateway = build_gateway(settings, transports)
        log.info("ready", extra={"fields": {"sources": [s.name for s in settings.sources]}})
        try:
            yield
        finally:
            await app.state.gateway.aclose()

    def get_context(scope: Scope) -> Context:
        return Context(scope["app"].state.gateway)

    async def prepare(scope: Scope) -> None:
        await scope["app"].state.gateway.head_start()

    app = FastAPI(
        title="Hourglass",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    ttl = settings.response_cache_ttl
    if response_cache is None and ttl > 0:
        response_cache = ResponseCache(ttl)
    graphql = GraphQLEndpoint(
        build_schema(),
        get_context,
        cache=response_cache,
        prepare=prepare,
        next_pages=NextPages(),
    )
    # A plain ASGI route: no per-request framework objects (gateway/graphql_http.py).
    app.router.routes.append(Route("/graphql", graphql, include_in_schema=False))

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        gateway: Gateway | None = getattr(request.app.state, "gateway", None)
        if gateway is None:
            return JSONResponse({"status": "starting"}, status_code=503)
        sources = {name: _readiness(rt) for name, rt in gateway.sources.items()}
        # An open circuit keeps the replica in the load balancer (200, "degraded"): every
        # replica sees the same vendor, so taking this one out would only shed healthy sources.
        degraded = any(s["status"] != Health.OK.value for s in sources.values())
        return JSONResponse({"status": "degraded" if degraded else "ready", "sources": sources})

    for path, mounted in (mounts or {}).items():
        app.mount(path, mounted)
    app.add_middleware(RequestContext, deadline=settings.request_deadline)
    return app

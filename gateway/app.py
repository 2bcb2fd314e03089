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
import orjson
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp
from strawberry.fastapi import GraphQLRouter

from gateway.connectors.base import ConnectorContext
from gateway.connectors.registry import vendor_module
from gateway.http.breaker import CircuitBreaker, Health
from gateway.middleware import RequestContext
from gateway.references import ReferenceStore
from gateway.service import Gateway, SourceRuntime
from gateway.settings import Settings
from schema import Context, build_schema

log = logging.getLogger("hourglass")


class _Router(GraphQLRouter[Context, None]):
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        # A document that does not parse or validate never executed: that is the client's
        # error, so 400 (GraphQL over HTTP), with a machine-readable code on each error.
        if isinstance(response_data, dict) and _is_request_error(response_data):
            sub_response.status_code = 400
            for error in response_data["errors"]:
                code = (
                    "GRAPHQL_PARSE_FAILED"
                    if error.get("message", "").startswith("Syntax Error")
                    else "GRAPHQL_VALIDATION_FAILED"
                )
                error.setdefault("extensions", {}).setdefault("code", code)
        return super().create_response(response_data, sub_response)


def _is_request_error(data: dict[str, Any]) -> bool:
    errors = data.get("errors") or []
    return data.get("data") is None and bool(errors) and all("path" not in e for e in errors)


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
) -> FastAPI:
    """``transports`` replace the network per source name (the demo's in-process simulators);
    ``mounts`` are extra ASGI apps served under a path (the demo exposes its simulators)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.gateway = build_gateway(settings, transports)
        log.info("ready", extra={"fields": {"sources": [s.name for s in settings.sources]}})
        try:
            yield
        finally:
            await app.state.gateway.aclose()

    async def get_context(request: Request) -> Context:
        return Context(request.app.state.gateway)

    app = FastAPI(
        title="Hourglass",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.include_router(
        _Router(build_schema(), context_getter=get_context, graphql_ide="graphiql"),
        prefix="/graphql",
    )

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

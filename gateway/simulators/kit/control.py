"""Request statistics, a request log and the ``/_simulator`` control endpoints.

Every simulator calls :func:`install` once. It wraps the app in an ASGI middleware that
counts each vendor request (by method and route template), each response status and each 429,
keeps a bounded log of recent requests (method, path, query, body) so tests can check what a
connector actually asked for, applies the configured latency, and gives fault injection a
single place to hook in (``SimulatorState.before_request``).

Control endpoints (never counted):
    GET  /_simulator/stats     counters since the last reset
    GET  /_simulator/requests  the request log, oldest first
    POST /_simulator/reset     zero the counters, clear the log, reset rate windows and any
                               state the vendor registered with ``on_reset``
"""

from __future__ import annotations

import asyncio
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTROL_PREFIX = "/_simulator"
LOG_SIZE = 5000
BODY_LOG_LIMIT = 64 * 1024

BeforeHook = Callable[[Scope], Awaitable[Response | None]]


@dataclass(slots=True)
class LoggedRequest:
    method: str
    path: str
    route: str
    query: str
    body: str
    status: int = 0


@dataclass
class SimulatorState:
    """Mutable per-app state behind the control endpoints."""

    vendor: str
    latency_ms: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)
    responses: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    log: deque[LoggedRequest] = field(default_factory=lambda: deque(maxlen=LOG_SIZE))
    # Hooks run before the vendor app sees a request; the first response returned wins.
    # Fault injection plugs in here.
    before_request: list[BeforeHook] = field(default_factory=list)
    _reset_hooks: list[Callable[[], None]] = field(default_factory=list)

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def reset(self) -> None:
        self.requests.clear()
        self.responses.clear()
        self.rate_limited = 0
        self.log.clear()
        for hook in self._reset_hooks:
            hook()

    def snapshot(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "total_requests": sum(self.requests.values()),
            "requests": dict(self.requests),
            "responses": dict(self.responses),
            "rate_limited": self.rate_limited,
        }


class _StatsMiddleware:
    def __init__(self, app: ASGIApp, state: SimulatorState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _control_path(scope).startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        body, receive = await _buffer_body(receive)
        entry = LoggedRequest(
            method=scope["method"],
            path=_control_path(scope),
            route=_control_path(scope),
            query=scope.get("query_string", b"").decode("latin-1"),
            body=body[:BODY_LOG_LIMIT].decode("utf-8", "replace"),
        )
        self.state.log.append(entry)
        if self.state.latency_ms:
            await asyncio.sleep(self.state.latency_ms / 1000)

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = int(message["status"])
                self.state.responses[str(entry.status)] += 1
                if entry.status == 429:
                    self.state.rate_limited += 1
            await send(message)

        try:
            for hook in self.state.before_request:
                response = await hook(scope)
                if response is not None:
                    await response(scope, receive, counting_send)
                    return
            await self.app(scope, receive, counting_send)
        finally:
            route = scope.get("route")
            entry.route = getattr(route, "path", entry.path)
            self.state.requests[f"{entry.method} {entry.route}"] += 1


def _control_path(scope: Scope) -> str:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


async def _buffer_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole request body once and hand the app a receive that replays it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def install(app: FastAPI, state: SimulatorState) -> None:
    """Add the control endpoints and the stats middleware to a simulator app."""

    @app.get(f"{CONTROL_PREFIX}/stats", include_in_schema=False)
    async def stats() -> JSONResponse:
        return JSONResponse(state.snapshot())

    @app.get(f"{CONTROL_PREFIX}/requests", include_in_schema=False)
    async def requests_log() -> JSONResponse:
        return JSONResponse(
            [
                {
                    "method": r.method,
                    "path": r.path,
                    "route": r.route,
                    "query": r.query,
                    "body": r.body,
                    "status": r.status,
                }
                for r in state.log
            ]
        )

    @app.post(f"{CONTROL_PREFIX}/reset", include_in_schema=False)
    async def reset(request: Request) -> JSONResponse:
        state.reset()
        return JSONResponse({"reset": True})

    app.state.simulator = state
    app.add_middleware(_StatsMiddleware, state=state)

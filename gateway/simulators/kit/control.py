"""Request statistics, a request log and the ``/_simulator`` control endpoints.

Every simulator calls :func:`install` once. It wraps the app in an ASGI middleware that
counts each vendor request (by method and route template), each response status and each 429,
keeps a bounded log of recent requests (method, path, query, body, status, injected fault, and
when it arrived and was answered) so tests can check what a connector actually asked for and
benchmarks can see when the vendor was busy, applies the configured latency (every answer
takes at least that long from the request's arrival, the simulator's own work included) and the
fault plan (:mod:`gateway.simulators.kit.faults`), then runs the vendor app.

A response is counted when it completes: a dropped connection or a hang the client gave up on
has no status (0 in the log) and shows only under ``faults`` in the stats.

Control endpoints (never counted, never faulted):
    GET    /_simulator/stats     counters since the last reset
    GET    /_simulator/requests  the request log, oldest first
    POST   /_simulator/reset     zero the counters, clear the log and the fault plan, reset rate
                                 windows and any state the vendor registered with ``on_reset``
    GET    /_simulator/faults    the fault plan and how many faults each rule injected
    POST   /_simulator/faults    replace the fault plan (422 with precise messages if invalid)
    DELETE /_simulator/faults    clear the fault plan
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.simulators.kit.fault_responses import ASGICall, quiet_drop_logs
from gateway.simulators.kit.faults import FaultInjector, FaultPlanError

CONTROL_PREFIX = "/_simulator"
LOG_SIZE = 5000
BODY_LOG_LIMIT = 64 * 1024
# How long a request waits, inside its latency, for those sent with it to be stamped too.
GATHER_SECONDS = 0.001


@dataclass(slots=True)
class LoggedRequest:
    method: str
    path: str
    route: str
    query: str
    body: str
    status: int = 0
    fault: str | None = None
    # Wall-clock seconds (``time.time``), comparable across the processes of one machine: when
    # the request arrived, and when its answer started (after the latency), if it did.
    received: float = 0.0
    answered: float | None = None


@dataclass
class SimulatorState:
    """Mutable per-app state behind the control endpoints."""

    vendor: str
    latency_ms: float = 0.0
    requests: Counter[str] = field(default_factory=Counter)
    responses: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    log: deque[LoggedRequest] = field(default_factory=lambda: deque(maxlen=LOG_SIZE))
    faults: FaultInjector = field(default_factory=FaultInjector)
    _reset_hooks: list[Callable[[], None]] = field(default_factory=list)

    def on_reset(self, hook: Callable[[], None]) -> None:
        self._reset_hooks.append(hook)

    def on_expire_tokens(self, hook: Callable[[], None]) -> None:
        """``hook`` expires every live access token (the ``expired_token`` fault calls it)."""
        self.faults.on_expire_tokens(hook)

    def reset(self) -> None:
        self.requests.clear()
        self.responses.clear()
        self.rate_limited = 0
        self.log.clear()
        self.faults.clear()
        self.faults.reset_counters()
        for hook in self._reset_hooks:
            hook()

    def snapshot(self) -> dict[str, Any]:
        return {
            "vendor": self.vendor,
            "total_requests": sum(self.requests.values()),
            "requests": dict(self.requests),
            "responses": dict(self.responses),
            "rate_limited": self.rate_limited,
            "faults": dict(self.faults.kinds),
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
        path = _control_path(scope)
        entry = LoggedRequest(
            method=scope["method"],
            path=path,
            route=path,
            query=scope.get("query_string", b"").decode("latin-1"),
            body=body[:BODY_LOG_LIMIT].decode("utf-8", "replace"),
            received=time.time(),
        )
        self.state.log.append(entry)
        decision = self.state.faults.decide(entry.method, path)
        entry.fault = decision.kind
        latency = self.state.latency_ms / 1000
        answer_at = asyncio.get_running_loop().time() + latency
        if latency and decision.kind is not None:
            # A fault (a drop, a hang, a canned error) is injected after the latency, as the
            # vendor's network would delay it.
            await asyncio.sleep(latency)
        elif latency:
            # The answer is computed a moment after arrival, inside the latency, so that the
            # requests arriving with this one are stamped first. A vendor's servers work on
            # concurrent requests in parallel; this process computes on one loop, and stamped
            # only after the answers read before them were computed (~1 ms a Hubstaff page),
            # five pages asked together arrived, and were answered, up to 6 ms late.
            await asyncio.sleep(min(GATHER_SECONDS, latency))
        status = 0

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                # The latency is the vendor's response time, its own work included: the answer
                # is computed on arrival and held until then. A vendor's servers are not the
                # client's CPU; computing after the wait instead would add this process's work
                # on a shared machine to every round trip.
                left = answer_at - asyncio.get_running_loop().time()
                if left > 0:
                    await asyncio.sleep(left)
                entry.answered = time.time()
            elif not message.get("more_body", False):
                self._count(entry, status)
            await send(message)

        try:
            await self.state.faults.run(decision, ASGICall(scope, receive, counting_send, self.app))
        finally:
            # Requests answered before routing (by a fault or a vendor gate) keep their path.
            entry.route = getattr(scope.get("route"), "path", entry.path)
            self.state.requests[f"{entry.method} {entry.route}"] += 1

    def _count(self, entry: LoggedRequest, status: int) -> None:
        entry.status = status
        self.state.responses[str(status)] += 1
        if status == 429:
            self.state.rate_limited += 1


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
                    "fault": r.fault,
                    "received": r.received,
                    "answered": r.answered,
                }
                for r in state.log
            ]
        )

    @app.post(f"{CONTROL_PREFIX}/reset", include_in_schema=False)
    async def reset(request: Request) -> JSONResponse:
        state.reset()
        return JSONResponse({"reset": True})

    _install_fault_endpoints(app, state)
    quiet_drop_logs()
    app.state.simulator = state
    app.add_middleware(_StatsMiddleware, state=state)


def _install_fault_endpoints(app: FastAPI, state: SimulatorState) -> None:
    path = f"{CONTROL_PREFIX}/faults"

    @app.get(path, include_in_schema=False)
    async def show_faults() -> JSONResponse:
        return JSONResponse(state.faults.snapshot())

    @app.post(path, include_in_schema=False)
    async def set_faults(request: Request) -> JSONResponse:
        try:
            state.faults.load(await request.body())
        except FaultPlanError as exc:
            body = {"error": "invalid_fault_plan", "message": str(exc), "errors": exc.errors}
            return JSONResponse(body, status_code=422)
        return JSONResponse(state.faults.snapshot())

    @app.delete(path, include_in_schema=False)
    async def clear_faults() -> JSONResponse:
        state.faults.clear()
        return JSONResponse(state.faults.snapshot())


def state_of(app: ASGIApp) -> SimulatorState:
    """The :class:`SimulatorState` that :func:`install` attached to a simulator app."""
    state = getattr(getattr(app, "state", None), "simulator", None)
    if not isinstance(state, SimulatorState):
        raise TypeError("not a simulator app (no install()ed SimulatorState)")
    return state

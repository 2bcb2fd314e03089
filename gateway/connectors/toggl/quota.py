"""Toggl's hourly request quota, kept *before* sending, as the innermost transport layer.

Since Sept 2025 every call counts against an hourly quota (sliding 60 minutes): per user per
organisation, and a smaller one for user-scoped ``/me`` calls. Over it, Toggl answers 402.
Each answer says ``X-Toggl-Quota-Remaining`` and ``X-Toggl-Quota-Resets-In`` (seconds).
(shared/vendors/toggl.md)

The gate admits a request only if the last known ``Remaining``, less the requests still in
flight, leaves room. When it does not, it waits until ``Resets-In`` has passed if that fits
the request's deadline (and ``max_wait``), else it fails at once with ``RateBudgetExceeded``
(``Upstream`` reports it as ``UPSTREAM_RATE_LIMITED`` with ``retryAfter``). While nothing is
known yet (the first call), or once a reset time has passed, one request goes alone as a
probe and the others wait for its answer: a burst can never overshoot an unknown quota.

Why a transport rather than the ``observe`` hook: the pacing limiter hands out send slots in
advance, so a ``defer`` learned from an answer cannot stop requests that already hold a slot.
Sitting below the limiter, the gate decides at the moment of sending.

Scopes: ``/me...`` calls are one scope, everything else another. An answer sets its own
scope's budget and, to stay safe whether or not Toggl counts a call in both, takes one off
the other's; an in-flight request is held against both.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from gateway.http.deadline import remaining
from gateway.http.limiter import RateBudgetExceeded

REMAINING = "X-Toggl-Quota-Remaining"
RESETS_IN = "X-Toggl-Quota-Resets-In"
QUOTA_EXCEEDED = 402
# A 402 without a Resets-In header: assume a minute rather than retrying blindly.
UNKNOWN_RESET = 60.0


@dataclass(slots=True)
class Budget:
    """What one scope's quota looks like from here."""

    remaining: int | None = None  # from the freshest answer; None: unknown (probe first)
    resets_at: float = 0.0  # monotonic time after which the window has freed a call
    fresh: int = 0  # sequence number of the answer ``remaining`` came from
    tracked: bool = True  # False once answers stop carrying quota headers
    probe: int | None = None  # the sequence number of the probe in flight
    unanswered: set[int] = field(default_factory=set)

    def room(self) -> int | None:
        return None if self.remaining is None else self.remaining - len(self.unanswered)


def scope_of(request: httpx.Request) -> str:
    """``me`` for user-scoped calls (``.../api/v9/me...``), ``workspace`` otherwise."""
    return "me" if "me" in request.url.path.split("/") else "workspace"


class QuotaGate(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        *,
        max_wait: float = 30.0,
        attempts: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._inner = inner
        self._max_wait = max_wait
        self._attempts = attempts
        self._clock = clock
        self.budgets = {"me": Budget(), "workspace": Budget()}
        self._sent = 0
        self._changed: asyncio.Event | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        scope = scope_of(request)
        started = self._clock()
        for _ in range(self._attempts):
            seq = await self._admit(scope, started)
            _clip_timeouts(request)
            try:
                response = await self._inner.handle_async_request(request)
            except BaseException:
                self._lost(scope, seq)
                raise
            self._learn(scope, seq, response)
            if response.status_code != QUOTA_EXCEEDED:
                return response
            # Refused before it was processed, so resending is safe even for writes.
            await response.aclose()
        raise RateBudgetExceeded(self._until_reset(self.budgets[scope]))

    async def _admit(self, scope: str, started: float) -> int:
        while True:
            budget, now = self.budgets[scope], self._clock()
            room = budget.room()
            if not budget.tracked or (room is not None and room > 0):
                return self._send(None)
            if budget.probe is None and (room is None or now >= budget.resets_at):
                return self._send(scope)
            wait = self._until_reset(budget) if budget.probe is None else 0.0
            allowed = self._allowed(started)
            if wait > allowed or allowed <= 0:
                raise RateBudgetExceeded(max(wait, 1.0))
            await self._next_change(wait or allowed)

    def _send(self, probe_scope: str | None) -> int:
        self._sent += 1
        for budget in self.budgets.values():
            budget.unanswered.add(self._sent)
        if probe_scope is not None:
            self.budgets[probe_scope].probe = self._sent
        return self._sent

    def _learn(self, scope: str, seq: int, response: httpx.Response) -> None:
        own, now = self.budgets[scope], self._clock()
        left = _int(response.headers.get(REMAINING))
        resets_in = _float(response.headers.get(RESETS_IN))
        self._settle(seq)
        if response.status_code == QUOTA_EXCEEDED:
            own.tracked, own.remaining = True, 0
            wait = UNKNOWN_RESET if resets_in is None else resets_in
            own.resets_at = max(own.resets_at, now + wait)
        elif left is None:
            own.tracked = False
        elif seq > own.fresh or own.remaining is None:
            own.tracked, own.remaining, own.fresh = True, left, seq
            own.resets_at = now + (resets_in or 0.0)
        else:  # an older answer can only show that more was used than we thought
            own.remaining = min(own.remaining, left)
        for other in self.budgets.values():
            if other is not own and other.remaining is not None:
                other.remaining = max(0, other.remaining - 1)
        self._notify()

    def _lost(self, scope: str, seq: int) -> None:
        """No answer: assume the call was counted."""
        self._settle(seq)
        for budget in self.budgets.values():
            if budget.remaining is not None:
                budget.remaining = max(0, budget.remaining - 1)
        self._notify()

    def _settle(self, seq: int) -> None:
        for budget in self.budgets.values():
            budget.unanswered.discard(seq)
            if budget.probe == seq:
                budget.probe = None

    def _until_reset(self, budget: Budget) -> float:
        return max(0.0, budget.resets_at - self._clock())

    def _allowed(self, started: float) -> float:
        """How much longer this request may wait: the deadline and ``max_wait`` both bound it."""
        left = self._max_wait - (self._clock() - started)
        deadline = remaining()
        return left if deadline is None else min(left, deadline - 0.05)

    async def _next_change(self, at_most: float) -> None:
        """Sleep until an answer changes what is known, or ``at_most`` seconds."""
        if self._changed is None:
            self._changed = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), at_most)

    def _notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def aclose(self) -> None:
        await self._inner.aclose()


def _clip_timeouts(request: httpx.Request) -> None:
    """A wait here used part of the deadline: the attempt gets only what is left of it."""
    left, timeouts = remaining(), request.extensions.get("timeout")
    if left is not None and isinstance(timeouts, dict):
        cap = max(0.001, left)
        request.extensions["timeout"] = {
            k: min(v, cap) if isinstance(v, float | int) else v for k, v in timeouts.items()
        }


def _int(text: str | None) -> int | None:
    try:
        return None if text is None else int(text.strip())
    except ValueError:
        return None


def _float(text: str | None) -> float | None:
    try:
        return None if text is None else max(0.0, float(text.strip()))
    except ValueError:
        return None

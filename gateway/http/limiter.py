"""Client-side rate limiting that paces requests *before* they are sent.

Vendors state limits as "N requests per W seconds" and count them in a window. A token bucket
refilling at N/W with a burst of N can put N + 1 requests into one window and earn a 429, so
the limiter keeps a sliding log of the last N send times instead: request k may go once
request k - N is more than W old. Each caller reserves its slot up front (first come, first
served) and sleeps until it; a wait longer than the request's deadline fails fast instead.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Protocol

from gateway.http.deadline import remaining


class RateBudgetExceeded(Exception):
    """The next free slot is later than the request's deadline allows."""

    def __init__(self, wait: float) -> None:
        super().__init__(f"next request slot in {wait:.1f}s")
        self.wait = wait


class RateLimiter(Protocol):
    async def acquire(self) -> None:
        """Wait for a send slot; ``RateBudgetExceeded`` if it is past the deadline."""

    def defer(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (the vendor said so, e.g. with Retry-After)."""


class SlidingWindowLimiter:
    """At most ``limit`` sends in any ``window`` seconds, in process.

    ``margin`` stretches the window a little (fraction of it, plus 50 ms) because the vendor
    timestamps arrivals, not our sends, and network jitter can bunch arrivals together.
    """

    def __init__(self, limit: int, window: float, *, margin: float = 0.02) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window * (1 + margin) + 0.05
        self._slots: deque[float] = deque(maxlen=limit)
        self._blocked_until = 0.0

    def _next_slot(self, now: float) -> float:
        slot = max(now, self._blocked_until)
        if len(self._slots) == self.limit:
            slot = max(slot, self._slots[0] + self.window)
        return slot

    async def acquire(self) -> None:
        now = time.monotonic()
        slot = self._next_slot(now)
        left = remaining()
        if left is not None and slot - now > left:
            raise RateBudgetExceeded(slot - now)
        self._slots.append(slot)
        if slot > now:
            await asyncio.sleep(slot - now)

    def defer(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)


class Unlimited:
    """For sources whose vendor states no limit."""

    async def acquire(self) -> None:
        return None

    def defer(self, seconds: float) -> None:
        return None

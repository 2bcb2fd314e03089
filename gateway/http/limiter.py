"""Client-side rate limiting that paces requests *before* they are sent.

Vendors state limits as "N requests per W seconds" and count them in a window. A token bucket
refilling at N/W with a burst of N can put N + 1 requests into one window and earn a 429, so
the limiter keeps a sliding log of the last N send times instead: request k may go once
request k - N is more than W old. Each caller reserves its slot up front (first come, first
served) and sleeps until it; a wait longer than the request's deadline fails fast instead.
"""

from __future__ import annotations

import asyncio
import bisect
import math
import time
from collections import deque
from typing import Protocol

from gateway.http.deadline import remaining

# A wake-up later than this (the event loop was busy) moves the send's slot to its real time.
_LATE = 0.005


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
    ``max_wait`` caps a wait even without a deadline: with an hourly budget (Hubstaff) a caller
    must get "rate limited, retry after N" rather than a coroutine parked for up to an hour.
    """

    def __init__(
        self, limit: int, window: float, *, margin: float = 0.02, max_wait: float | None = None
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs limit >= 1 and window > 0")
        self.limit = limit
        self.window = window * (1 + margin) + 0.05
        self.max_wait = max_wait
        self._slots: deque[float] = deque(maxlen=limit)
        self._blocked_until = 0.0

    def allowed_wait(self) -> float | None:
        """How long a request may wait for a slot now: the deadline's rest, capped by max_wait."""
        bounds = [b for b in (remaining(), self.max_wait) if b is not None]
        return max(0.0, min(bounds)) if bounds else None

    def wait_for(self, count: int) -> float:
        """Seconds until ``count`` more sends would fit the window (0 when they fit now).

        Lets a caller that needs several requests refuse up front instead of spending part of
        the budget on work it would throw away.
        """
        now = time.monotonic()
        start = max(now, self._blocked_until)
        overflow = len(self._slots) + count - self.limit  # sends that must age out first
        if overflow <= 0:
            return start - now
        if overflow <= len(self._slots):
            return max(start, self._slots[overflow - 1] + self.window) - now
        # More than a whole budget: the last of them waits whole windows more.
        return max(start - now, 0.0) + self.window * math.ceil(overflow / self.limit)

    async def acquire(self) -> None:
        now = time.monotonic()
        wait = self.wait_for(1)
        allowed = self.allowed_wait()
        if allowed is not None and wait > allowed:
            raise RateBudgetExceeded(wait)
        slot = now + wait
        self._slots.append(slot)
        if wait > 0:
            await asyncio.sleep(wait)
        # A busy event loop wakes a sleeper late: the send happens then, not at its slot, and
        # the window of the next sends must start from when the vendor really saw this one.
        sent = time.monotonic()
        if sent - slot > _LATE and slot in self._slots:
            self._slots.remove(slot)
            bisect.insort(self._slots, sent)

    def defer(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)


class Unlimited:
    """For sources whose vendor states no limit."""

    async def acquire(self) -> None:
        return None

    def defer(self, seconds: float) -> None:
        return None

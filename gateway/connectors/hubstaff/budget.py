"""Pacing for Hubstaff's 1000 requests per hour, with room to say "not now" up front.

The core :class:`SlidingWindowLimiter` paces each request and refuses a wait longer than the
request's deadline. An hourly budget needs two things more:

- a wait is also capped without a deadline (``max_wait``): a caller with no deadline must get
  ``UpstreamRateLimited`` with ``retryAfter``, not a coroutine parked for up to an hour;
- :meth:`BudgetLimiter.wait_for` answers "when would ``n`` more requests fit?", so a query that
  needs several windows can refuse *before* it spends part of the budget on windows whose
  results would be thrown away with the query.
"""

from __future__ import annotations

import math
import time

from gateway.http.deadline import remaining
from gateway.http.limiter import RateBudgetExceeded, SlidingWindowLimiter


class BudgetLimiter(SlidingWindowLimiter):
    def __init__(self, limit: int, window: float, *, max_wait: float, margin: float = 0.02) -> None:
        super().__init__(limit, window, margin=margin)
        self.max_wait = max_wait

    def allowed_wait(self) -> float:
        """How long a request may wait for a slot now: the deadline's rest, at most ``max_wait``."""
        left = remaining()
        return self.max_wait if left is None else max(0.0, min(self.max_wait, left))

    def wait_for(self, count: int) -> float:
        """Seconds until ``count`` more sends fit the window (0 when they fit now)."""
        now = time.monotonic()
        start = max(now, self._blocked_until)
        slots = self._slots
        overflow = len(slots) + count - self.limit  # sends that must age out first
        if overflow <= 0:
            return start - now
        if overflow <= len(slots):
            return max(start, slots[overflow - 1] + self.window) - now
        # More than a whole budget: the last of them waits whole windows more.
        return max(start - now, 0.0) + self.window * math.ceil(overflow / self.limit)

    async def acquire(self) -> None:
        wait = self.wait_for(1)
        if wait > self.allowed_wait():
            raise RateBudgetExceeded(wait)
        await super().acquire()

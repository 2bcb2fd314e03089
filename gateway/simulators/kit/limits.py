"""Server-side rate limiting as vendors do it: at most ``limit`` requests in any ``window``."""

from __future__ import annotations

import math
from collections import deque

from gateway.simulators.kit.clock import Clock


class SlidingWindow:
    """A sliding-log limiter: the strictest reading of "N requests per W seconds".

    ``hit()`` records an allowed request and returns ``None``, or returns the whole seconds
    until one more would be allowed (the ``Retry-After`` a vendor sends) without recording.
    """

    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._sent: deque[float] = deque()

    def hit(self) -> int | None:
        now = self._clock.monotonic()
        while self._sent and self._sent[0] <= now - self.window:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            self._sent.append(now)
            return None
        return max(1, math.ceil(self._sent[0] + self.window - now))

    def remaining(self) -> int:
        now = self._clock.monotonic()
        return self.limit - sum(1 for t in self._sent if t > now - self.window)

    def reset(self) -> None:
        self._sent.clear()

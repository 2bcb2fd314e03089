"""Toggl's two server-side limits: the per-token leaky bucket (429) and the hourly quota (402).

The kit's ``SlidingWindow`` is a sliding log; Toggl describes its short-term limit as a leaky
bucket ("safe pace 1 request/s"), which lets a burst through and then drains one request per
second, so that one is implemented here as GCRA. ``config.rate_limit`` replaces it with the
kit's ``SlidingWindow``; both answer ``hit() -> None | seconds to wait``.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Protocol

from gateway.simulators.kit import Clock

QUOTA_WINDOW = 3600.0


class Limiter(Protocol):
    def hit(self) -> int | None: ...

    def reset(self) -> None: ...


class LeakyBucket:
    """``burst`` requests at once, then one every ``interval`` seconds (GCRA)."""

    def __init__(self, burst: int, interval: float, clock: Clock) -> None:
        self._tolerance = (burst - 1) * interval
        self._interval = interval
        self._clock = clock
        self._tat = -math.inf  # theoretical arrival time of the next conforming request

    def hit(self) -> int | None:
        now = self._clock.monotonic()
        tat = max(self._tat, now)
        if tat - now > self._tolerance:
            return max(1, math.ceil(tat - now - self._tolerance))
        self._tat = tat + self._interval
        return None

    def reset(self) -> None:
        self._tat = -math.inf


class HourlyQuota:
    """A sliding 60-minute quota of ``limit`` requests.

    ``resets_in`` is the whole seconds until the oldest counted request leaves the window,
    i.e. until at least one more request is allowed (0 when nothing is counted).
    """

    def __init__(self, limit: int, clock: Clock) -> None:
        self.limit = limit
        self._clock = clock
        self._sent: deque[float] = deque()

    def _trim(self) -> float:
        now = self._clock.monotonic()
        while self._sent and self._sent[0] <= now - QUOTA_WINDOW:
            self._sent.popleft()
        return now

    def take(self) -> bool:
        self._trim()
        if len(self._sent) >= self.limit:
            return False
        self._sent.append(self._clock.monotonic())
        return True

    def remaining(self) -> int:
        self._trim()
        return max(0, self.limit - len(self._sent))

    def resets_in(self) -> int:
        now = self._trim()
        if not self._sent:
            return 0
        return max(1, math.ceil(self._sent[0] + QUOTA_WINDOW - now))

"""Hub Planner's rate limits: 2 requests per second per account (seed 002, the stricter of the
two documented limits), plus the newer README's 50 per 5 s burst and 6000 per day with
``X-RateLimit-Limit``/``-Remaining``/``-Reset`` headers and ``Retry-After`` on 429.

The limiter paces the 2 rps before sending; 429 + ``Retry-After`` is handled by the shared
rate-limit and retry layers. This observer adds the headers: when the vendor says the budget
is spent (``Remaining: 0``) for longer than our own pacing window covers (another client
sharing the account, the daily quota), every request of the source waits for the reset.
"""

from __future__ import annotations

import time

import httpx

from gateway.http import RateLimiter
from gateway.http.pacing import ResponseObserver

# ``X-RateLimit-Reset`` above this is an epoch timestamp, not seconds to wait.
_EPOCH_THRESHOLD = 1_000_000_000


def reset_seconds(value: str | None, now: float) -> float | None:
    """``X-RateLimit-Reset`` as seconds from ``now`` (delta seconds or epoch seconds)."""
    try:
        reset = float(value) if value is not None else None
    except ValueError:
        return None
    if reset is None:
        return None
    return max(0.0, reset - now if reset > _EPOCH_THRESHOLD else reset)


def quota_observer(window: float) -> ResponseObserver:
    """Defer the limiter when the vendor's spent budget resets later than ``window`` from now.

    A reset within our own window is already respected by the pacing (the header is rounded
    up to whole seconds, so deferring on it would halve the throughput for nothing).
    """

    def observe(response: httpx.Response, limiter: RateLimiter) -> None:
        remaining = response.headers.get("x-ratelimit-remaining")
        if remaining is None or not remaining.strip().lstrip("-").isdigit() or int(remaining) > 0:
            return
        wait = reset_seconds(response.headers.get("x-ratelimit-reset"), time.time())
        if wait is not None and wait > window:
            limiter.defer(wait)

    return observe

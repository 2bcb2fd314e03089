"""The sliding-log limiter: never more than N sends in any window, fail fast past the deadline."""

from __future__ import annotations

import asyncio
import time

import pytest

from gateway.http import SlidingWindowLimiter, deadline_scope
from gateway.http.limiter import RateBudgetExceeded


async def test_no_window_ever_holds_more_than_the_limit() -> None:
    limiter = SlidingWindowLimiter(5, 0.2, margin=0)
    sent: list[float] = []

    async def one() -> None:
        await limiter.acquire()
        sent.append(time.monotonic())

    await asyncio.gather(*(one() for _ in range(16)))
    sent.sort()
    for i in range(len(sent) - 5):
        assert sent[i + 5] - sent[i] >= 0.2, "six sends inside one window"
    assert sent[-1] - sent[0] >= 3 * 0.2


async def test_a_wait_longer_than_the_deadline_fails_at_once() -> None:
    limiter = SlidingWindowLimiter(1, 60.0)
    await limiter.acquire()
    started = time.monotonic()
    with deadline_scope(1.0), pytest.raises(RateBudgetExceeded) as raised:
        await limiter.acquire()
    assert time.monotonic() - started < 0.1
    assert raised.value.wait > 59


async def test_defer_holds_everyone_back() -> None:
    limiter = SlidingWindowLimiter(100, 1.0)
    limiter.defer(0.15)
    started = time.monotonic()
    await limiter.acquire()
    assert time.monotonic() - started >= 0.14

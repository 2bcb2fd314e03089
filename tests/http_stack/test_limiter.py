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


@pytest.mark.parametrize(
    ("used", "asking", "expected"),
    [
        pytest.param(0, 3, 0.0, id="fits"),
        pytest.param(2, 1, 0.0, id="fits-exactly"),
        pytest.param(3, 1, 102.05, id="waits-for-the-oldest-to-age-out"),
        pytest.param(1, 3, 102.05, id="waits-for-the-first-of-its-own"),
        pytest.param(0, 7, 204.1, id="more-than-a-whole-budget"),
    ],
)
async def test_budget_arithmetic(used: int, asking: int, expected: float) -> None:
    limiter = SlidingWindowLimiter(3, 100.0, max_wait=10.0)
    for _ in range(used):
        await limiter.acquire()
    assert limiter.wait_for(asking) == pytest.approx(expected, abs=0.05)


async def test_the_budget_never_parks_a_caller_past_its_deadline_or_max_wait() -> None:
    limiter = SlidingWindowLimiter(1, 100.0, max_wait=10.0)
    await limiter.acquire()
    assert limiter.allowed_wait() == 10.0
    with pytest.raises(RateBudgetExceeded) as raised:
        await limiter.acquire()  # no deadline: still refused, not an hour's sleep
    assert raised.value.wait == pytest.approx(102.05, abs=0.05)
    with deadline_scope(2.0):
        assert limiter.allowed_wait() == pytest.approx(2.0, abs=0.01)

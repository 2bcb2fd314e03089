"""The limiter's window starts at the real send, even when a busy event loop wakes it late."""

from __future__ import annotations

import asyncio
import time

from gateway.http import SlidingWindowLimiter


def hold_the_loop(seconds: float) -> None:
    """What CPU-bound work (a big GraphQL result) does to every coroutine waiting on the loop."""
    time.sleep(seconds)


async def test_a_send_woken_late_pushes_the_next_one_back() -> None:
    limiter = SlidingWindowLimiter(1, 0.2, margin=0)  # 0.25 s with the fixed 50 ms
    await limiter.acquire()
    sent: list[float] = []

    async def send() -> None:
        await limiter.acquire()
        sent.append(time.monotonic())

    late = asyncio.create_task(send())  # its slot is 0.25 s from now
    await asyncio.sleep(0.05)
    hold_the_loop(0.35)  # past that slot: the send goes out late
    await late
    await send()
    assert sent[1] - sent[0] >= limiter.window - 0.01, "two sends inside one window"

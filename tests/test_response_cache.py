"""The response cache on its own: keys, bounds, TTL, single-flight, invalidation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from gateway.response_cache import Outcome, ResponseCache, cache_key

OK = Outcome(200, b'{"data":{}}', cacheable=True)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def produce_counting(
    outcome: Outcome = OK, delay: float = 0.0
) -> tuple[list[int], Callable[[], Awaitable[Outcome]]]:
    calls: list[int] = []

    async def produce() -> Outcome:
        calls.append(1)
        await asyncio.sleep(delay)
        return outcome

    return calls, produce


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(("{a}", None, {"x": 1, "y": 2}), ("{a}", None, {"y": 2, "x": 1}), True,
                     id="variable-order-irrelevant"),
        pytest.param(("{a}", None, None), ("{a}", None, {}), True, id="no-variables-is-empty"),
        pytest.param(("{a}", None, {"x": 1}), ("{a}", None, {"x": 2}), False, id="variables"),
        pytest.param(("{a}", "A", None), ("{a}", "B", None), False, id="operation-name"),
        pytest.param(("{a}", None, None), ("{b}", None, None), False, id="document"),
    ],
)  # fmt: skip
def test_key_holds_what_changes_the_result(
    a: tuple[Any, ...], b: tuple[Any, ...], same: bool
) -> None:
    assert (cache_key(*a) == cache_key(*b)) is same


async def test_entries_expire_after_the_ttl_and_report_their_age() -> None:
    clock = Clock()
    cache = ResponseCache(10, clock=clock)
    await cache.refresh(b"k", produce_counting()[1])
    clock.now += 9.5
    assert cache.lookup(b"k") == (OK.body, 9.5)
    clock.now += 0.5
    assert cache.lookup(b"k") is None


@pytest.mark.parametrize(
    ("outcome", "stored"),
    [
        pytest.param(OK, True, id="success"),
        pytest.param(Outcome(200, b'{"errors":[]}', cacheable=False), False, id="with-errors"),
    ],
)
async def test_only_cacheable_outcomes_are_stored(outcome: Outcome, stored: bool) -> None:
    cache = ResponseCache(10)
    await cache.refresh(b"k", produce_counting(outcome)[1])
    assert (cache.lookup(b"k") is not None) is stored


def test_bounded_by_entries_and_bytes() -> None:
    by_count = ResponseCache(10, max_entries=3)
    by_bytes = ResponseCache(10, max_bytes=3 * (1000 + 256), max_entry_bytes=2000)
    for i in range(5):
        by_count._put(b"%d" % i, b"x")
        by_bytes._put(b"%d" % i, b"x" * 1000)
    by_bytes._put(b"huge", b"x" * 2001)
    assert len(by_count) == 3 and by_count.lookup(b"4") is not None
    assert len(by_bytes) == 3 and by_bytes.lookup(b"huge") is None


async def test_concurrent_identical_misses_execute_once() -> None:
    cache = ResponseCache(10)
    calls, produce = produce_counting(delay=0.05)
    results = await asyncio.gather(*(cache.shared(b"k", produce) for _ in range(10)))
    assert len(calls) == 1
    assert sorted(shared for _, shared in results) == [False] + [True] * 9
    assert all(outcome == OK for outcome, _ in results)


async def test_a_waiter_executes_itself_when_the_leader_fails() -> None:
    cache = ResponseCache(10)
    calls: list[int] = []

    async def failing() -> Outcome:
        calls.append(1)
        await asyncio.sleep(0.02)
        raise RuntimeError("boom")

    async def fine() -> Outcome:
        calls.append(1)
        return OK

    leader = asyncio.create_task(cache.shared(b"k", failing))
    await asyncio.sleep(0)
    waiter = await cache.shared(b"k", fine)
    with pytest.raises(RuntimeError):
        await leader
    assert waiter == (OK, False) and len(calls) == 2


async def test_a_mutation_keeps_queries_running_across_it_from_being_stored() -> None:
    cache = ResponseCache(10)
    cache._put(b"old", OK.body)
    running = asyncio.create_task(cache.refresh(b"k", produce_counting(delay=0.02)[1]))
    await asyncio.sleep(0)
    cache.invalidate()
    assert await running == OK
    assert cache.lookup(b"old") is None and cache.lookup(b"k") is None

"""ContinuationStore: taken at most once, bounded in size and age, closes what it lets go."""

from __future__ import annotations

import asyncio

from gateway.continuations import ContinuationStore


class Kept:
    def __init__(self) -> None:
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True


async def settle() -> None:
    await asyncio.sleep(0)  # closes are scheduled on the loop, never awaited by put/take
    await asyncio.sleep(0)


async def test_a_continuation_is_taken_at_most_once() -> None:
    store: ContinuationStore[Kept] = ContinuationStore()
    kept = Kept()
    store.put("k", kept)
    assert store.take("other") is None
    assert store.take("k") is kept and store.take("k") is None
    await settle()
    assert not kept.closed  # taken, so the taker owns it


async def test_the_oldest_is_evicted_and_closed() -> None:
    store: ContinuationStore[Kept] = ContinuationStore(maxsize=2)
    values = [Kept() for _ in range(3)]
    for n, value in enumerate(values):
        store.put(n, value)
    await settle()
    assert [v.closed for v in values] == [True, False, False]
    assert store.take(0) is None and store.take(2) is values[2]


async def test_an_expired_continuation_is_closed_not_taken() -> None:
    now = [0.0]
    store: ContinuationStore[Kept] = ContinuationStore(ttl=10, clock=lambda: now[0])
    old, young = Kept(), Kept()
    store.put("old", old)
    now[0] = 5
    store.put("young", young)
    now[0] = 10
    assert store.take("old") is None and store.take("young") is young
    await settle()
    assert old.closed and not young.closed


async def test_replacing_or_a_disabled_store_closes_at_once() -> None:
    store: ContinuationStore[Kept] = ContinuationStore()
    first, second = Kept(), Kept()
    store.put("k", first)
    store.put("k", second)
    disabled: ContinuationStore[Kept] = ContinuationStore(maxsize=0)
    refused = Kept()
    disabled.put("k", refused)
    await settle()
    assert first.closed and refused.closed and not second.closed
    assert disabled.take("k") is None


async def test_closing_the_store_closes_everything_kept() -> None:
    store: ContinuationStore[Kept] = ContinuationStore()
    values = [Kept(), Kept()]
    for n, value in enumerate(values):
        store.put(n, value)
    await store.aclose()
    assert all(v.closed for v in values) and len(store) == 0


def test_a_continuation_from_an_ended_event_loop_is_not_used() -> None:
    store: ContinuationStore[Kept] = ContinuationStore(ttl=0.01)

    async def put() -> None:
        store.put("k", Kept())

    async def take_then_idle() -> tuple[Kept | None, Kept]:
        found = store.take("k")
        kept = Kept()
        store.put("k", kept)
        await asyncio.sleep(0.05)  # the expiry timer runs on this loop too
        return found, kept

    asyncio.run(put())
    found, kept = asyncio.run(take_then_idle())
    assert found is None and kept.closed

"""merge: one global order across sources, lazily, with a failing source flagged, not fatal."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Sequence

import pytest

from gateway.connectors.base import Order
from gateway.errors import UpstreamUnavailable
from gateway.listing import Merge, SourceOutcome, SourceStream, merge

Item = tuple[int, str]  # (day, id): the coarse key a sorted source sorts by, then a tie-break


async def _items(
    items: Sequence[Item], read: list[Item], fail_after: int | None
) -> AsyncIterator[Item]:
    for index, item in enumerate(items):
        if fail_after is not None and index == fail_after:
            raise UpstreamUnavailable("s", "down")
        read.append(item)
        yield item


def _stream(
    name: str,
    items: Sequence[Item],
    *,
    sorted_: bool,
    read: list[Item],
    fail_after: int | None = None,
) -> SourceStream[Item]:
    return SourceStream(
        SourceOutcome(name),
        _items(items, read, fail_after),
        sorted_by=(lambda item: item[0]) if sorted_ else None,
    )


A = [
    (5, "a1"),
    (5, "a0"),
    (3, "a2"),
    (1, "a3"),
    (0, "a4"),
]  # by day, descending (ids unordered in a day)
B = [(4, "b0"), (2, "b1")]
C = [(2, "c0"), (6, "c1"), (0, "c2")]  # not sorted at all


@pytest.mark.parametrize(
    ("limit", "fail_after", "expected", "has_next"),
    [
        pytest.param(
            20,
            None,
            ["c1", "a1", "a0", "b0", "a2", "c0", "b1", "a3", "c2", "a4"],
            False,
            id="everything",
        ),
        pytest.param(3, None, ["c1", "a1", "a0"], True, id="first-page"),
        pytest.param(0, None, [], True, id="empty-page"),
        pytest.param(20, 2, ["c1", "a1", "a0", "b0", "c0", "b1", "c2"], False, id="a-fails"),
    ],
)
def test_merge_orders_across_sources(
    limit: int, fail_after: int | None, expected: list[str], has_next: bool
) -> None:
    read: list[Item] = []
    streams = [
        _stream("a", A, sorted_=True, read=read, fail_after=fail_after),
        _stream("b", B, sorted_=True, read=[]),
        _stream("c", C, sorted_=False, read=[]),
    ]
    listing = asyncio.run(
        merge(streams, key=lambda i: i, order=Order.DESC, keep=lambda _: True, limit=limit)
    )
    assert [i[1] for i in listing.items] == expected
    assert listing.keys == listing.items and listing.has_next is has_next
    failed = [o.source for o in listing.outcomes if not o.complete]
    assert failed == (["a"] if fail_after is not None else [])


def test_a_sorted_source_is_read_no_further_than_the_page_needs() -> None:
    read: list[Item] = []
    listing = asyncio.run(
        merge(
            [_stream("a", A, sorted_=True, read=read)],
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda item: item[1] != "a1",
            limit=1,
        )
    )
    assert [i[1] for i in listing.items] == ["a0"] and listing.has_next
    # Day 5 (a0) and day 3 (a2, which answers has_next) are complete once the next day shows
    # up; nothing after that day is read.
    assert read == [(5, "a1"), (5, "a0"), (3, "a2"), (1, "a3")]


@pytest.mark.parametrize("order", [Order.DESC, Order.ASC])
@pytest.mark.parametrize("seed", range(20))
def test_paged_merge_equals_one_sort_of_everything(order: Order, seed: int) -> None:
    """Random sources (sorted by day or not, long runs of one source, sparse days), read
    page by page with random page sizes: the pages together are every item, each once, in
    exactly the order one sort of all of them gives."""
    rng = random.Random(seed)
    reverse = order is Order.DESC
    sources: dict[str, list[Item]] = {}
    for name in "abcde"[: rng.randint(1, 5)]:
        days = sorted(rng.sample(range(60), rng.randint(0, 12)), reverse=reverse)
        sources[name] = [
            (day, f"{name}{day}.{n}") for day in days for n in range(rng.randint(1, 30))
        ]
        if rng.random() < 0.3:  # a source read whole (no order by day)
            rng.shuffle(sources[name])
    by_day = {
        n: items == sorted(items, key=lambda i: i[0], reverse=reverse)
        for n, items in sources.items()
    }
    merged = Merge(
        [_stream(n, items, sorted_=by_day[n], read=[]) for n, items in sources.items()],
        key=lambda i: i,
        order=order,
        keep=lambda _: True,
    )

    async def pages() -> list[Item]:
        out: list[Item] = []
        try:
            while True:
                listing = await merged.page(rng.randint(1, 40))
                out += listing.items
                if not listing.has_next:
                    return out
        finally:
            await merged.aclose()

    everything = [item for items in sources.values() for item in items]
    assert asyncio.run(pages()) == sorted(everything, reverse=reverse)

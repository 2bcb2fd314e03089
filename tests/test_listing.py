"""merge: one global order across sources, lazily, with a failing source flagged, not fatal."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from datetime import date, datetime

import pytest

from gateway.connectors.base import Cuts, Frontier, Order
from gateway.errors import UpstreamUnavailable
from gateway.listing import Merge, SourceOutcome, SourceStream, merge

Item = tuple[int, str]  # (day, id): the coarse key a sorted source sorts by, then a tie-break


async def _items(
    items: Sequence[Item],
    read: list[Item],
    fail_after: int | None,
    cuts: Cuts | None = None,
    cut_at: Collection[int] | Mapping[int, int | None] = (),
) -> AsyncIterator[Item]:
    for index, item in enumerate(items):
        if fail_after is not None and index == fail_after:
            raise UpstreamUnavailable("s", "down")
        read.append(item)
        if cuts is not None and index in cut_at:
            # As a connector does before the last entry of a window, saying how far the window
            # reached (a day, here) when it knows.
            day = cut_at.get(index) if isinstance(cut_at, Mapping) else None
            cuts.mark(None if day is None else (date.fromordinal(day + 1), datetime.min))
        yield item


# Sorts after every id: (day, _LAST) is past every item of the day, descending.
_LAST = "\U0010ffff"


def _frontier(order: Order) -> Frontier:
    """``Cuts``' frontier for ``Item`` keys: every later item is of that day or beyond."""
    tail = _LAST if order is Order.DESC else ""
    return lambda day, _: (day.toordinal() - 1, tail)  # ordinals start at 1, days at 0


def _stream(
    name: str,
    items: Sequence[Item],
    *,
    sorted_: bool,
    read: list[Item],
    fail_after: int | None = None,
    cut_at: Collection[int] | Mapping[int, int | None] | None = None,
    order: Order = Order.DESC,
) -> SourceStream[Item]:
    """``cut_at``: the indexes of the items before which the source marks a cut (mapped to
    the day every item after it is of or beyond, where it says)."""
    cuts = Cuts(_frontier(order)) if cut_at is not None else None
    return SourceStream(
        SourceOutcome(name),
        _items(items, read, fail_after, cuts, cut_at or ()),
        sorted_by=(lambda item: item[0]) if sorted_ else None,
        cuts=cuts,
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
    # Day 5 (a0) is complete once day 3 shows up, and a2 answers has_next: day 3 is not
    # read to its end, and nothing after it.
    assert read == [(5, "a1"), (5, "a0"), (3, "a2")]


# Day 5 in two windows, in exact order (later ids first within the day), then day 4: a
# source like Hubstaff, cutting where a window ends.
WINDOWED = [(5, "a9"), (5, "a8"), (5, "a7"), (4, "a6")]


@pytest.mark.parametrize("cut", [True, False])
def test_a_cut_gives_the_merge_what_is_read_without_reading_the_next_window(cut: bool) -> None:
    read: list[Item] = []
    rival = [(6, "b1"), (6, "b0"), (3, "b2")]
    listing = asyncio.run(
        merge(
            [
                _stream("a", WINDOWED, sorted_=True, read=read, cut_at={1} if cut else None),
                _stream("b", rival, sorted_=True, read=[]),
            ],
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda _: True,
            limit=3,
        )
    )
    assert [i[1] for i in listing.items] == ["b1", "b0", "a9"] and listing.has_next
    # With the cut, the first window (a9, a8) is all the page reads of `a`; without it,
    # day 5 is whole only once day 4 shows up, past the second window.
    assert read == (WINDOWED[:2] if cut else WINDOWED)


def test_a_cut_marked_before_an_item_the_merge_does_not_keep_still_closes_the_group() -> None:
    read: list[Item] = []
    listing = asyncio.run(
        merge(
            [
                _stream("a", WINDOWED, sorted_=True, read=read, cut_at={1}),
                _stream("b", [(6, "b0"), (3, "b1")], sorted_=True, read=[]),
            ],
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda item: item[1] != "a8",
            limit=2,
        )
    )
    assert [i[1] for i in listing.items] == ["b0", "a9"] and listing.has_next
    assert read == WINDOWED[:2]


def test_a_cut_before_an_item_not_kept_with_nothing_kept_since_closes_nothing() -> None:
    # The mark promises an order after the item it was made before; the items kept after it
    # (one day, in any order within it) need not come in order among themselves.
    items = [(5, "x"), (4, "a1"), (4, "a3"), (4, "a2")]
    listing = asyncio.run(
        merge(
            [_stream("a", items, sorted_=True, read=[], cut_at={0})],
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda item: item[1] != "x",
            limit=10,
        )
    )
    assert listing.items == [(4, "a3"), (4, "a2"), (4, "a1")]


def test_a_source_past_its_frontier_is_not_read_while_another_holds_items_before_it() -> None:
    # `a`'s window ends with a9 and reached down to day 5. Once a9, b8 and c7 are taken, `c`
    # is read on, but not `a`: b6, which `b` still holds, comes before anything `a` has left,
    # and the page is full with it.
    read: list[Item] = []
    a = _stream("a", [(9, "a9"), (4, "a4"), (1, "a1")], sorted_=True, read=read, cut_at={0: 5})
    b = _stream("b", [(8, "b8"), (6, "b6"), (3, "b3")], sorted_=True, read=[], cut_at={1})
    c = _stream("c", [(7, "c7"), (0, "c0")], sorted_=True, read=[])
    listing = asyncio.run(
        merge([a, b, c], key=lambda i: i, order=Order.DESC, keep=lambda _: True, limit=4)
    )
    assert [i[1] for i in listing.items] == ["a9", "b8", "c7", "b6"] and listing.has_next
    assert read == [(9, "a9")]


@pytest.mark.parametrize("frontier", [True, False])
def test_a_frontier_lets_the_page_take_other_items_without_reading_the_next_window(
    frontier: bool,
) -> None:
    # `a`'s first window ends with a9 and reached down to day 7: every later item of `a` is of
    # day 7 or before. The page's next item, b8, comes before all of them.
    read: list[Item] = []
    a = _stream("a", [(9, "a9"), (7, "a7"), (2, "a2")], sorted_=True, read=read,
                cut_at={0: 7 if frontier else None})  # fmt: skip
    b = _stream("b", [(8, "b8"), (8, "b7"), (3, "b3")], sorted_=True, read=[])
    listing = asyncio.run(
        merge([a, b], key=lambda i: i, order=Order.DESC, keep=lambda _: True, limit=2)
    )
    assert [i[1] for i in listing.items] == ["a9", "b8"] and listing.has_next
    # Without the frontier, `a` is read on as soon as a9 is taken, to its whole next day.
    assert read == ([(9, "a9")] if frontier else [(9, "a9"), (7, "a7"), (2, "a2")])


@pytest.mark.parametrize("order", [Order.DESC, Order.ASC])
@pytest.mark.parametrize("seed", range(10))
def test_paged_merge_with_frontiers_equals_one_sort_of_everything(order: Order, seed: int) -> None:
    """Sources in exact order, cut anywhere, each cut with a frontier anywhere it may be (from
    the cut item's day to the next item's), and one source read whole (a group spanning every
    day): pages read with resumes are one sort of all."""
    rng = random.Random(seed)
    sources = _in_exact_order(rng, order)
    streams = []
    for name, items in sources.items():
        cut_at: dict[int, int | None] = {}
        for index in rng.sample(range(len(items)), 8):
            near, far = items[index][0], items[min(index + 1, len(items) - 1)][0]
            cut_at[index] = rng.randint(min(near, far), max(near, far))
        streams.append(_stream(name, items, sorted_=True, read=[], cut_at=cut_at, order=order))
    sources["d"] = [(rng.randrange(20), f"{rng.randrange(10**6):06}d") for _ in range(30)]
    streams.append(_stream("d", sources["d"], sorted_=False, read=[]))
    _assert_pages_are_one_sort(streams, sources, order, lambda: rng.randint(1, 25))


async def test_a_source_reading_on_gets_the_item_a_full_page_would_end_on_as_its_floor() -> None:
    # `a` asks the merge how far the page still needs items when it is about to read its
    # second window, as Hubstaff's growing windows do (``Floor``).
    seen: list[Item | None] = []

    async def windows(cuts: Cuts) -> AsyncIterator[Item]:
        cuts.mark()
        yield (9, "a9")
        seen.append(merged.floor())
        yield (7, "a7")

    b = [(8, "b3"), (8, "b2"), (8, "b1"), (6, "b0"), (4, "b4")]
    for limit, floor in [(3, (8, "b2")), (4, (8, "b1")), (5, None)]:
        cuts = Cuts()
        a = SourceStream(SourceOutcome("a"), windows(cuts), lambda i: i[0], cuts=cuts)
        merged = Merge(
            [a, _stream("b", b, sorted_=True, read=[])],
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda _: True,
        )
        try:
            await merged.page(limit)
        finally:
            await merged.aclose()
        # a9 taken, b's day 8 held: with 3 a page, its last item is b2, whatever `a` has
        # left; with 5, what is held does not fill the page, and nothing bounds it yet.
        assert seen.pop() == floor


@pytest.mark.parametrize("order", [Order.DESC, Order.ASC])
@pytest.mark.parametrize("seed", range(10))
def test_paged_merge_with_cuts_equals_one_sort_of_everything(order: Order, seed: int) -> None:
    """Sources in exact order, cut anywhere (several days in a window, a day across two),
    read page by page: every item once, in the order one sort of all of them gives."""
    rng = random.Random(seed)
    sources = _in_exact_order(rng, order)
    streams = [
        _stream(n, items, sorted_=True, read=[], cut_at=set(rng.sample(range(60), 8)))
        for n, items in sources.items()
    ]
    _assert_pages_are_one_sort(streams, sources, order, lambda: rng.randint(1, 25))


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
    streams = [_stream(n, items, sorted_=by_day[n], read=[]) for n, items in sources.items()]
    _assert_pages_are_one_sort(streams, sources, order, lambda: rng.randint(1, 40))


def _in_exact_order(rng: random.Random, order: Order) -> dict[str, list[Item]]:
    """Three sources of 60 random items each, every one sorted in ``order``; the id's random
    part comes first, so sources interleave within a day, as starts do."""
    return {
        name: sorted(
            {(rng.randrange(20), f"{rng.randrange(10**6):06}{name}") for _ in range(60)},
            reverse=order is Order.DESC,
        )
        for name in "abc"
    }


def _assert_pages_are_one_sort(
    streams: list[SourceStream[Item]],
    sources: dict[str, list[Item]],
    order: Order,
    size: Callable[[], int],
) -> None:
    """The merge of ``streams`` (of ``sources``' items) read in pages of ``size()``, each
    resumed as a continuation is: every item once, in the order one sort of all gives."""
    merged = Merge(streams, key=lambda i: i, order=order, keep=lambda _: True)

    async def pages() -> list[Item]:
        out: list[Item] = []
        try:
            while True:
                listing = await merged.page(size())
                out += listing.items
                if not listing.has_next:
                    return out
                merged.resume(lambda _: True)
        finally:
            await merged.aclose()

    everything = [item for items in sources.values() for item in items]
    assert asyncio.run(pages()) == sorted(everything, reverse=order is Order.DESC)


async def _slow(items: Sequence[Item], delay: float, log: list[Item]) -> AsyncIterator[Item]:
    await asyncio.sleep(delay)  # a vendor still answering
    for item in items:
        log.append(item)
        yield item


DAYS = [(day, f"b{day}.{n}") for day in range(30, 0, -1) for n in range(2)]  # 60, by day


def _read_ahead_merge(
    log: list[Item], *, read_ahead: bool, fail_after: int | None = None
) -> Merge[Item]:
    a_items = [(40, "a0"), (0, "a1")]
    a = SourceStream(SourceOutcome("a"), _slow(a_items, 0.05, log), lambda i: i[0])
    b = _stream("b", DAYS, sorted_=True, read=log, fail_after=fail_after)
    b.read_ahead = read_ahead
    return Merge([a, b], key=lambda i: i, order=Order.DESC, keep=lambda _: True)


@pytest.mark.parametrize("read_ahead", [True, False])
async def test_a_stream_is_read_ahead_while_the_merge_waits_by_at_most_a_page(
    read_ahead: bool,
) -> None:
    log: list[Item] = []  # every item read, in the order it was read
    merged = _read_ahead_merge(log, read_ahead=read_ahead)
    try:
        listing = await merged.page(7)
    finally:
        await merged.aclose()
    assert [i[1] for i in listing.items] == [
        *("a0", "b30.1", "b30.0", "b29.1", "b29.0", "b28.1", "b28.0")
    ]
    b_read = [i for i in log if i[1].startswith("b")]
    early = log[: log.index((40, "a0"))]  # what was read while `a` was still answering
    if read_ahead:  # days read until at least 7 items were held (8), + the one closing them
        assert len(early) == 9 and b_read == early
    else:  # only the first day, and the next one's first item that closed it
        assert early == [(30, "b30.0"), (30, "b30.1"), (29, "b29.0")]
        # Then the page's, and the item that closed its last day, which answers has_next.
        assert b_read[3:] == [(29, "b29.1"), (28, "b28.0"), (28, "b28.1"), (27, "b27.0")]


async def test_a_failure_met_reading_ahead_is_flagged_on_the_page_that_reaches_it() -> None:
    merged = _read_ahead_merge([], read_ahead=True, fail_after=7)  # b fails on day 27
    try:
        first = await merged.page(3)
        assert [o.complete for o in first.outcomes] == [True, True]  # days 30-29 complete
        assert merged.complete
        merged.resume(lambda _: True)
        second = await merged.page(10)
    finally:
        await merged.aclose()
    assert [i[1] for i in second.items] == ["b29.1", "b29.0", "b28.1", "b28.0", "b27.0", "a1"]
    assert [(o.source, o.complete) for o in second.outcomes] == [("a", True), ("b", False)]


@pytest.mark.parametrize("read_ahead", [True, False])
async def test_a_stream_failing_before_its_first_item_is_flagged(read_ahead: bool) -> None:
    merged = _read_ahead_merge([], read_ahead=read_ahead, fail_after=0)
    try:
        listing = await merged.page(5)
    finally:
        await merged.aclose()
    assert [i[1] for i in listing.items] == ["a0", "a1"] and not listing.has_next
    assert [(o.source, o.complete) for o in listing.outcomes] == [("a", True), ("b", False)]


async def test_closing_a_merge_stops_a_read_ahead_in_flight() -> None:
    closed = asyncio.Event()

    async def endless() -> AsyncIterator[Item]:
        try:
            for day in range(1000, 0, -1):
                await asyncio.sleep(0.001)
                yield (day, f"c{day}")
        finally:
            closed.set()

    slow = SourceStream(SourceOutcome("a"), _slow([(2000, "a0")], 0.02, []), lambda i: i[0])
    c = SourceStream(SourceOutcome("c"), endless(), lambda i: i[0], read_ahead=True)
    merged = Merge([slow, c], key=lambda i: i, order=Order.DESC, keep=lambda _: True)
    listing = await merged.page(1)
    assert [i[1] for i in listing.items] == ["a0"]
    await merged.aclose()
    assert closed.is_set()


async def test_a_page_cancelled_while_a_source_is_read_returns_once_that_read_has_stopped() -> None:
    # A request cancelled (its client gone, its deadline passed) while the merge waits on a
    # source: the read is ended, its generator's cleanup run, before the cancellation goes on.
    asked, ended = asyncio.Event(), asyncio.Event()

    async def hanging() -> AsyncIterator[Item]:
        asked.set()
        try:
            await asyncio.Event().wait()
            yield (1, "never")
        finally:
            await asyncio.sleep(0)  # a cleanup that awaits, as closing a response does
            ended.set()

    quick = SourceStream(SourceOutcome("a"), _items(A, [], None), lambda i: i[0])
    slow = SourceStream(SourceOutcome("b"), hanging(), lambda i: i[0])
    merged = Merge([quick, slow], key=lambda i: i, order=Order.DESC, keep=lambda _: True)
    page = asyncio.ensure_future(merged.page(3))
    await asyncio.wait_for(asked.wait(), 5)
    page.cancel()
    with pytest.raises(asyncio.CancelledError):
        await page
    assert ended.is_set()
    await merged.aclose()


async def test_groups_read_ahead_are_taken_without_a_pass_of_the_event_loop_each() -> None:
    # `b` is read ahead (a page's worth: 20 days) while `a` answers; once `a` has, the merge
    # moves through the days held in memory (``_Head.advance``) without a pass of the event
    # loop each: a background task gets a handful, not one or more a day.
    passes = 0

    async def count() -> None:
        nonlocal passes
        while True:
            passes += 1
            await asyncio.sleep(0)

    answered: list[int] = []

    async def a_items() -> AsyncIterator[Item]:
        await asyncio.sleep(0.05)
        answered.append(passes)
        yield (40, "a0")

    a = SourceStream(SourceOutcome("a"), a_items(), lambda i: i[0])
    b = SourceStream(SourceOutcome("b"), _items(DAYS, [], None), lambda i: i[0], read_ahead=True)
    merged = Merge([a, b], key=lambda i: i, order=Order.DESC, keep=lambda _: True)
    counter = asyncio.ensure_future(count())
    try:
        listing = await merged.page(41)
    finally:
        counter.cancel()
        await merged.aclose()
    assert listing.items == [(40, "a0"), *sorted(DAYS[:40], reverse=True)]
    assert passes - answered[0] < 20  # 20 days held, a group each: 8 passes here, 68 before


def test_each_group_read_is_prepared_and_a_failing_prepare_costs_nothing_else(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # ``prepare`` sees every kept item as its group is read (here, the whole of each
    # source); one that fails is logged, and the page is the one a merge without it gives.
    prepared: list[Item] = []

    def prepare(items: list[Item]) -> None:
        prepared.extend(items)
        if any(item[1] == "c1" for item in items):
            raise RuntimeError("a bug in preparing")

    async def page(with_prepare: bool) -> list[Item]:
        streams = [
            _stream("a", A, sorted_=True, read=[]),
            _stream("b", B, sorted_=True, read=[]),
            _stream("c", C, sorted_=False, read=[]),
        ]
        merged = Merge(
            streams,
            key=lambda i: i,
            order=Order.DESC,
            keep=lambda item: item[1] != "a3",
            prepare=prepare if with_prepare else None,
        )
        try:
            listing = await merged.page(20)
        finally:
            await merged.aclose()
        assert (listing.prepared_by is prepare) is with_prepare
        return listing.items

    assert asyncio.run(page(True)) == asyncio.run(page(False))
    assert sorted(prepared) == sorted(i for i in A + B + C if i[1] != "a3")
    assert "preparing a listing's items failed" in caplog.text

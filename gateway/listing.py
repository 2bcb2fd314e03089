"""Listing across sources: fan out, merge in one global order, page by keyset cursors.

Every source is read concurrently. A source whose connector yields entries sorted by date in
the requested direction is consumed lazily (entries of one date are buffered and sorted by the
full key), so "the 50 most recent entries" stops after the first page; any other source is read
whole and sorted. A page stops at ``first`` items and looks at the next one only to answer
``hasNextPage``; the merge is then closed, which stops the sources' pagination, or kept as a
continuation (``Merge``, gateway/continuations.py) that the next page resumes.

Sources and the merge tell each other where a listing may stop (gateway/connectors/base.py):
a source marks cuts (all it yields afterwards comes later, and from a frontier on, where it
knows one), so the merge need not read it on to order what it has; the merge says how far the
page still needs entries (``Floor``), so a source reading in windows need read no further.

Order is total and stable: (date, start, source, native id), ascending or descending. A cursor
is that key of the last item returned, so pages never skip or repeat an entry even when
entries are added between requests.
"""

from __future__ import annotations

import asyncio
import base64
import heapq
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

import orjson

from gateway import heap
from gateway.connectors.base import Cuts, Order
from gateway.errors import UpstreamError, UserInputError, unreadable
from gateway.lane import Slices
from gateway.tasks import cancel_and_wait

log = logging.getLogger("hourglass.listing")
T = TypeVar("T")
SortKey = tuple[Any, ...]
# Work on a merge's items as they are read, before any page takes them (``Merge``).
Prepare = Callable[[list[T]], None]
# Items prepared at a time, between which the work may pause for the lane (~0.2 ms of
# rendering ahead here): a call per chunk costs little, a slice is several chunks.
PREPARE_CHUNK = 100

# A sorted group of a source's (key, item) pairs, with the failure that ended the source
# after it, if one did, whether an item is known to follow it, and the key every later item
# of the source comes after, if the source said so (``_ordered``).
_Group = tuple[list[tuple[SortKey, T]], UpstreamError | None, bool, SortKey | None]


@dataclass(slots=True)
class SourceOutcome:
    """How one source fared in one listing."""

    source: str
    supported: bool = True
    complete: bool = True
    error: UpstreamError | None = None


@dataclass(slots=True)
class Listing(Generic[T]):
    items: list[T]
    keys: list[SortKey]
    has_next: bool
    outcomes: list[SourceOutcome] = field(default_factory=list)
    # What prepared the items as the merge read them (``Merge``'s ``prepare``), if anything.
    prepared_by: Prepare[T] | None = None


def encode_cursor(key: SortKey) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> SortKey:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise UserInputError(f"{cursor!r} is not a cursor from this connection") from exc
    if not isinstance(value, list):
        raise UserInputError(f"{cursor!r} is not a cursor from this connection")
    return tuple(value)


@dataclass(frozen=True, slots=True)
class Boundary:
    """Yielded by a sorted stream between its items: every item it yields afterwards comes
    after ``until`` (a sort key) in the listing's order, so the items before it are a whole
    group, and the merge may take the other streams' items down to ``until`` before reading
    this one on. ``gateway.recent`` yields one between the near days and the rest: the rest,
    a year of a vendor's entries, is then read only if the page reaches past the near days."""

    until: SortKey


@dataclass(slots=True)
class SourceStream(Generic[T]):
    """One source's contribution: its items and whether they already come in order."""

    outcome: SourceOutcome
    items: AsyncIterator[T | Boundary]
    sorted_by: Callable[[T], Any] | None = None  # the coarse key the source sorts by, if any
    # May be read ahead of the merge (at most a page's worth) while the merge waits for
    # another source: set where a client reads on that far anyway (service.py), so reading
    # early costs no call it would not make, and the stream's mapping and sorting happen
    # while the event loop would otherwise wait for the network.
    read_ahead: bool = False
    # Where the source says it may be cut (one yielding in the listing's order only): the group
    # read so far is then given to the merge, whole date or not (``_ordered``); without
    # ``sorted_by``, only there (``Capabilities.entries_by_window``).
    cuts: Cuts | None = None


async def merge(
    streams: Sequence[SourceStream[T]],
    *,
    key: Callable[[T], SortKey],
    order: Order,
    keep: Callable[[T], bool],
    limit: int,
) -> Listing[T]:
    """Merge ``streams`` in ``order``, keep items passing ``keep``: one page of ``limit``."""
    merged = Merge(streams, key=key, order=order, keep=keep)
    try:
        return await merged.page(limit)
    finally:
        await merged.aclose()


class Merge(Generic[T]):
    """A merge of ``streams`` that pages on from where it stopped.

    ``page`` consumes exactly the items it returns: the one after them, which answers
    ``has_next``, is only looked at. So a later ``page`` (after ``resume``) returns what a
    fresh merge from the first page's end cursor would, without reading upstream again.
    ``aclose`` ends every stream (and so its pagination); a merge not paged on must be closed.

    ``prepare`` is called with each group of items as it is read (a chunk at a time, behind
    the lane), while the merge may still be waiting on a slower stream (the GraphQL layer
    renders them ahead: ``RenderAhead``); a source may call it sooner, on items it maps long
    before it yields them (``guarded``, ``TimeEntryQuery.ahead``). A failure there is logged
    and costs nothing else.
    """

    __slots__ = ("_heads", "_limit", "_reading_on", "_reverse", "_taken", "prepare", "streams")

    def __init__(
        self,
        streams: Sequence[SourceStream[T]],
        *,
        key: Callable[[T], SortKey],
        order: Order,
        keep: Callable[[T], bool],
        prepare: Prepare[T] | None = None,
    ) -> None:
        self.streams = list(streams)
        self.prepare = prepare
        self._reverse = order is Order.DESC
        self._heads = [_Head(s, key, self._reverse, keep, prepare) for s in self.streams]
        # The page being read (``floor``): its size and what it has taken so far.
        self._limit = 0
        self._taken: list[T] = []
        self._reading_on: asyncio.Task[None] | None = None  # ``read_on``, between pages

    @property
    def complete(self) -> bool:
        """No stream has failed so far (a failed one ended early: resuming would lose it)."""
        return all(s.outcome.complete for s in self.streams)

    async def page(self, limit: int) -> Listing[T]:
        self._stop_reading_on()
        self._park_spent()  # used up while resuming (``resume`` skips what a cursor passed)
        items: list[T] = []
        keys: list[SortKey] = []
        self._limit, self._taken = limit, items
        while True:
            full = len(items) >= limit
            if full and any(h.more_known for h in self._heads):
                # ``has_next`` is answered by what the streams hold or have seen: refilling
                # would read a used-up stream's next group whole (for a sorted source, its
                # next date; for Hubstaff, maybe its next window) only to say "yes".
                self._park_spent()
                return self._listing(items, keys, True)
            # Only a stream whose buffered group is used up is read on; all of those at once.
            # One with a group read already (or nothing left) moves on to it here: no task and
            # no pass of the event loop per group.
            wanting = [h for h in self._heads if h.wants_more and not h.advance()]
            if wanting and not full:
                wanting = self._needed(wanting)
            if wanting:
                await self._refill(wanting, limit)
            live = [h for h in self._heads if h.pos < len(h.group)]
            if full:
                break
            if not live:
                # An empty group is the end of its stream, or a ``Boundary`` with more after
                # it: that stream is read on, the others have ended.
                if any(h.wants_more for h in self._heads):
                    continue
                break
            waiting = [h.frontier for h in self._heads if h.wants_more and h.frontier]
            if len(live) == 1 and not waiting:
                # One stream left: its group is already in order, take it in one slice.
                live[0].take(limit - len(items), items, keys)
                continue
            self._take_merged(live, waiting, limit - len(items), items, keys)
        self._park_spent()
        return self._listing(items, keys, bool(live))

    def _listing(self, items: list[T], keys: list[SortKey], has_next: bool) -> Listing[T]:
        outcomes = [s.outcome for s in self.streams]
        return Listing(items, keys, has_next, outcomes, self.prepare)

    def _park_spent(self) -> None:
        """Hand the groups used up so far to ``heap.release_when_idle``. Their entries are on
        this page or the ones before it, which are answered with their own references: the
        groups are freed when the process is idle, not while a later page is read (the
        month's page 1: ~110,000 memory blocks), and a merge kept for a next page that never
        comes does not hold them until it expires."""
        if spent := [h.spent for h in self._heads if h.spent]:
            heap.release_when_idle(spent)
            for head in self._heads:
                head.spent = []

    def _needed(self, wanting: list[_Head[T]]) -> list[_Head[T]]:
        """``wanting`` without the streams that need no read yet: those whose frontier (every
        item they have not read comes after it) comes after an item another stream holds,
        which the page can take first."""
        held = [h.first_key() for h in self._heads if h.pos < len(h.group)]
        if not held:
            return wanting
        best, reverse = _earliest(held, reverse=self._reverse), self._reverse
        return [h for h in wanting if h.frontier is None or _before(h.frontier, best, reverse)]

    def floor(self) -> T | None:
        """The item the page being read would end on if the streams held nothing more than
        they have read: every item it takes comes at or before this one (``Floor``)."""
        need = self._limit - len(self._taken)
        if need <= 0:
            return self._taken[-1] if self._taken else None
        held = [pair for h in self._heads for pair in h.held()]
        if len(held) < need:
            return None
        pick = heapq.nlargest if self._reverse else heapq.nsmallest
        return pick(need, held, key=_first)[-1][1]

    def _take_merged(
        self,
        live: list[_Head[T]],
        frontiers: list[SortKey],
        most: int,
        items: list[T],
        keys: list[SortKey],
    ) -> None:
        """Take, in order, at most ``most`` of the items that come before anything the
        streams have not read yet: those up to the earliest of the live groups' ends and of
        the ``frontiers`` of the streams left unread for now (``_needed``).

        Every later item of a stream comes after its group's end (or after its frontier, if
        that is further), so nothing unread can come before that bound. The groups' items up
        to it are sorted together, in one C-level sort of already sorted runs, instead of a
        Python step per run of one source: the streams of a month interleave every few items.
        At least the first item held is taken (``_needed`` left no frontier before it).
        """
        reverse = self._reverse
        bound = _earliest([h.reach(reverse) for h in live] + frontiers, reverse)
        cuts = [h.upto(bound, reverse) for h in live]
        chunk = [pair for h, cut in zip(live, cuts, strict=True) for pair in h.group[h.pos : cut]]
        chunk.sort(key=_first, reverse=reverse)
        if len(chunk) > most:
            # Only part of it fits: each stream gives what it has up to the last one taken.
            del chunk[most:]
            last = chunk[-1][0]
            cuts = [h.upto(last, reverse) for h in live]
        for head, cut in zip(live, cuts, strict=True):
            head.pos = cut
        keys.extend(pair[0] for pair in chunk)
        items.extend(pair[1] for pair in chunk)

    async def _refill(self, wanting: list[_Head[T]], limit: int) -> None:
        """Refill ``wanting``; meanwhile read ahead, up to ``limit`` items each, the streams
        that allow it and are not (or no longer) waited for."""
        refills = {head: asyncio.ensure_future(head.refill()) for head in wanting}
        try:
            while waits := [task for task in refills.values() if not task.done()]:
                for head in self._heads:
                    if head not in refills or refills[head].done():
                        pull = head.read_ahead(limit)
                        if pull is not None:
                            waits.append(pull)
                await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            # Waited for, not only cancelled: each refill's read stops (its source's
            # generator runs its cleanup) before this page's failure or cancellation goes on.
            await cancel_and_wait(*refills.values())
            raise
        for task in refills.values():
            task.result()

    def resume(self, past: Callable[[SortKey], bool]) -> None:
        """Ready the merge for its next page, asked for with a cursor ``past`` tests against.

        Each source gets a fresh outcome, so a failure while resuming is flagged on the page
        it happens on, as a fresh merge would flag it. Buffered items not ``past`` the cursor
        (a source listing one entry twice) are dropped, as a fresh merge's ``keep`` would.
        """
        for stream in self.streams:
            stream.outcome = SourceOutcome(stream.outcome.source, stream.outcome.supported)
        for head in self._heads:
            head.skip_until(past)

    def read_on(self, limit: int) -> None:
        """Between pages: read ahead, up to ``limit`` items each, the streams that allow it,
        while the client reads the page just sent and asks for the next.

        The streams' reads go on as ``page`` would drive them while it waits for a slower
        source, on the same terms (``SourceStream.read_ahead``: a range the client reads
        through). A month's second page found ~950 entries still to map, filter and render
        (~25 ms here), all after the client had asked for it; now they are mostly done in the
        time the client takes to decode the first (~10 ms) and ask again. ``page`` takes over
        the reads in flight; ``aclose`` stops them."""
        if self._reading_on is None:
            self._reading_on = asyncio.ensure_future(self._read_ahead_only(limit))

    async def _read_ahead_only(self, limit: int) -> None:
        while pulls := [p for h in self._heads if (p := h.read_ahead(limit)) is not None]:
            await asyncio.wait(pulls, return_when=asyncio.FIRST_COMPLETED)

    def _stop_reading_on(self) -> None:
        # Only the driver: the read it started, if any, is the stream's one read in flight,
        # which ``page`` awaits or ``aclose`` cancels.
        if self._reading_on is not None:
            self._reading_on.cancel()
            self._reading_on = None

    async def aclose(self) -> None:
        self._stop_reading_on()
        for head in self._heads:
            await head.aclose()


class _Head(Generic[T]):
    """One source's ordered stream, the sorted group of it being consumed, and the groups
    read ahead of it (``read_ahead``).

    A failure of the stream is flagged on the source's outcome when the merge takes the
    group it ended (empty if the failure came first), not when it happened: a stream read ahead
    fails on the page that reaches the failure, as one read only when needed would.
    """

    __slots__ = (
        "ahead",
        "ahead_items",
        "done",
        "ended",
        "followed",
        "frontier",
        "group",
        "pos",
        "prepare",
        "pull",
        "source",
        "spent",
        "stream",
    )

    def __init__(
        self,
        source: SourceStream[T],
        key: Callable[[T], SortKey],
        reverse: bool,
        keep: Callable[[T], bool],
        prepare: Prepare[T] | None,
    ) -> None:
        self.source = source
        self.prepare = prepare
        self.stream = _ordered(source, key, reverse, keep)
        self.group: list[tuple[SortKey, T]] = []
        self.pos = 0
        self.done = False  # the group is used up and nothing follows
        self.followed = False  # an item is known to follow the group (it closed it)
        # Every item of the stream after the group comes after this key, if the source said
        # how far (``Cuts``): until then the merge may take the other streams' items.
        self.frontier: SortKey | None = None
        # Groups read, each with the failure that ended the stream after it (if it did).
        self.ahead: deque[_Group[T]] = deque()
        self.ahead_items = 0
        self.ended = False  # the stream has no group left (``ahead`` may still hold some)
        # The one read of the stream in flight: a generator is read by one task at a time.
        self.pull: asyncio.Task[None] | None = None
        self.spent: list[list[tuple[SortKey, T]]] = []  # groups used up (``Merge.page``)

    @property
    def wants_more(self) -> bool:
        return not self.done and self.pos >= len(self.group)

    async def refill(self) -> None:
        if not self.advance():
            await (self.pull or self._start_pull())
            self._next_group()

    def advance(self) -> bool:
        """``refill`` when it needs no read: move on to the group read ahead, or find the
        stream ended. Whether it did."""
        if not self.ahead and not self.ended:
            return False
        self._next_group()
        return True

    @property
    def more_known(self) -> bool:
        """An item is known to come after what was consumed, without reading on."""
        return self.pos < len(self.group) or self.ahead_items > 0 or self.followed

    def read_ahead(self, limit: int) -> asyncio.Task[None] | None:
        """The read in flight, started if this stream may be read ahead and holds fewer
        than ``limit`` unconsumed items; ``None`` when there is nothing to wait for."""
        if self.pull is not None:
            return self.pull
        held = self.ahead_items + len(self.group) - self.pos
        if not self.source.read_ahead or self.ended or held >= limit:
            return None
        return self._start_pull()

    def _start_pull(self) -> asyncio.Task[None]:
        self.pull = asyncio.ensure_future(self._pull())
        return self.pull

    async def _pull(self) -> None:
        try:
            read = await anext(self.stream, None)
            if read is not None and self.prepare is not None and read[0]:
                await _prepared(self.prepare, [item for _, item in read[0]])
        finally:
            self.pull = None
        if read is None:
            self.ended = True
        else:
            self.ahead.append(read)
            self.ahead_items += len(read[0])

    def _next_group(self) -> None:
        """Move on to the next group read (or find the stream ended), flagging the failure
        that ended the stream after it, if one did."""
        if self.group:
            self.spent.append(self.group)
        if self.ahead:
            group, failure, self.followed, self.frontier = self.ahead.popleft()
            self.ahead_items -= len(group)
            self.group = group
        else:
            self.group, self.done, failure, self.followed = [], True, None, False
            self.frontier = None
        self.pos = 0
        if failure is not None:
            self.source.outcome.complete = False
            self.source.outcome.error = failure

    def skip_until(self, past: Callable[[SortKey], bool]) -> None:
        """Drop buffered items that are not ``past`` (the first ones, in order)."""
        while True:
            while self.pos < len(self.group) and not past(self.first_key()):
                self.pos += 1
            if self.pos < len(self.group) or not self.ahead:
                return
            self._next_group()

    async def aclose(self) -> None:
        """Stop a read in flight (it is not needed), then end the stream."""
        if self.pull is not None:
            await cancel_and_wait(self.pull)
        await self.stream.aclose()

    def first_key(self) -> SortKey:
        return self.group[self.pos][0]

    def reach(self, reverse: bool) -> SortKey:
        """The key every item of the stream not in its group comes after: the group's last,
        or its frontier where that is further."""
        last = self.group[-1][0]
        if self.frontier is None or _before(self.frontier, last, reverse):
            return last
        return self.frontier

    def held(self) -> Iterator[tuple[SortKey, T]]:
        """The items read and not yet taken, the group's and those read ahead."""
        yield from self.group[self.pos :]
        for group, *_ in self.ahead:
            yield from group

    def upto(self, bound: SortKey, reverse: bool) -> int:
        """The index in the group just past its unconsumed items that come no later than
        ``bound`` in the merge's order (a binary search: the group is sorted)."""
        group, low, high = self.group, self.pos, len(self.group)
        while low < high:
            mid = (low + high) // 2
            key = group[mid][0]
            if key >= bound if reverse else key <= bound:
                low = mid + 1
            else:
                high = mid
        return low

    def take(self, count: int, items: list[T], keys: list[SortKey]) -> None:
        chunk = self.group[self.pos : self.pos + count]
        self.pos += len(chunk)
        keys.extend(pair[0] for pair in chunk)
        items.extend(pair[1] for pair in chunk)


async def _ordered(
    stream: SourceStream[T],
    key: Callable[[T], SortKey],
    reverse: bool,
    keep: Callable[[T], bool],
) -> AsyncGenerator[_Group[T], None]:
    """The stream's kept items in exact order, in sorted groups, as lazily as its order allows.

    A source sorted by a coarse key (the date) yields one group per coarse key as soon as the
    next key shows up; any other source yields one group once it is read whole. Groups, not
    single items, so the merge pays one async step per group rather than per item.

    Each group comes with ``None``, or with the failure that ended the stream after it (the
    last group, empty if the failure came first). An upstream failure never raises into the
    merge, so the other sources' items are still returned. And with whether it was closed
    by a kept item of the next coarse key: then something follows it, known without reading on.

    A group is also closed, with nothing known to follow it, where the source marks a cut:
    every item after it comes after the group's, even of the same date; and where it yields a
    ``Boundary``, then with the boundary's frontier, even if nothing is in it (the merge then
    knows how far this stream holds nothing without reading it on).
    """
    group: list[tuple[SortKey, T]] = []
    failure: UpstreamError | None = None
    group_key: Any = object()
    sorted_by, cuts = stream.sorted_by, stream.cuts
    # A source's page is mapped item by item as this reads it (1,000 entries: ~10-25 ms here):
    # in slices, behind any chained request's turn (``lane``).
    slices = Slices()
    try:
        try:
            async for item in stream.items:
                if slices.due():
                    await slices.pause()
                if isinstance(item, Boundary):
                    yield _in_order(group, reverse), None, False, item.until
                    group, group_key = [], object()
                    continue
                if keep(item):
                    if sorted_by is not None:
                        coarse = sorted_by(item)
                        if coarse != group_key and group:
                            yield _in_order(group, reverse), None, True, None
                            group = []
                        group_key = coarse
                    group.append((key(item), item))
                # A mark on an item the merge does not keep, with nothing kept since the last
                # group, closes nothing: the items kept after it need not come after each other.
                if cuts is not None and (mark := cuts.take()) is not None and group:
                    yield _in_order(group, reverse), None, False, mark.until
                    group, group_key = [], object()
        except UpstreamError as exc:
            failure = exc
        except Exception:
            log.exception(
                "reading a source failed", extra={"fields": {"source": stream.outcome.source}}
            )
            failure = unreadable(stream.outcome.source)
        if group or failure is not None:
            yield _in_order(group, reverse), failure, False, None
    finally:
        # Stops the source's pagination when the merge needs no more of it.
        closer = getattr(stream.items, "aclose", None)
        if closer is not None:
            await closer()


async def _prepared(prepare: Prepare[T], items: list[T]) -> None:
    """``prepare`` the group's ``items`` a chunk at a time, in slices behind any chained
    request's turn (``lane``): rendering a group of 1,000 entries ahead takes ~2-3 ms here, and
    in one piece it held up the turns that came during it, as mapping did."""
    slices = Slices()
    for start in range(0, len(items), PREPARE_CHUNK):
        if start and slices.due():
            await slices.pause()
        _prepare(prepare, items[start : start + PREPARE_CHUNK])


def guarded(prepare: Prepare[T]) -> Prepare[T]:
    """``prepare`` for a source to call on items it will yield later (``TimeEntryQuery.ahead``),
    failing as it does here: logged, and costing nothing else."""
    return partial(_prepare, prepare)


def _prepare(prepare: Prepare[T], items: list[T]) -> None:
    try:
        prepare(items)
    except Exception:  # a bug there must cost the head start, never a listing
        log.exception("preparing a listing's items failed")


def _in_order(group: list[tuple[SortKey, T]], reverse: bool) -> list[tuple[SortKey, T]]:
    """``group`` sorted in place by the full key: a coarse key's items come in any order."""
    group.sort(key=_first, reverse=reverse)
    return group


def _earliest(keys: list[SortKey], reverse: bool) -> SortKey:
    return max(keys) if reverse else min(keys)


def _before(a: SortKey, b: SortKey, reverse: bool) -> bool:
    """Whether ``a`` comes before ``b`` in the merge's order."""
    return a > b if reverse else a < b


def _first(pair: tuple[SortKey, Any]) -> SortKey:
    return pair[0]

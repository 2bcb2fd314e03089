"""Bulk CPU work in one lane: its slices run one at a time, each behind the loop's other work.

A cold month report is a race between two kinds of work on the one event loop. Hubstaff's
activities come as chains of pages, each asked for once the page before it has answered:
those ~8 turns in a row are the query's critical path, and each turn is a few short steps
(read the answer, send the next request). Everything else (decoding the other vendors'
pages, mapping their ~7,000 entries, merging them) is needed only once the last chain has
ended, and there is time for it while the chains wait on the network. But the loop runs its
ready callbacks first come, first served: an answer that arrived while a source's 1,000
entries were being mapped (one step, up to ~25 ms here) waited for all of it, and so did the
request it unblocks; Hubstaff's requests left 10-20 ms after the answers they followed.
Cutting that work into slices alone does not help: each busy task's slice still runs ahead of
the answer, as many as there are tasks, in every loop pass the chain needs.

So bulk work waits for the lane (``pause``, ``call``) between slices of about a millisecond
(``Slices``), and the lane lets one waiter go per loop pass (a callback runs then, a task in
the pass after): a chain's step then waits for a slice or two of it, whatever the number of
sources. The work still runs whenever the loop has nothing else to do, and in the order it
asked. Nothing here blocks: a lane with waiters always has its next release scheduled.

One step of a chain is not in the loop's ready queue yet when it matters most: its answer
is on the wire. Five Hubstaff windows' pages, asked a fraction of a millisecond apart, answer
as far apart; a slice begun between two of them held the next one's bytes until it ended, a
slice or two each (the simulators' answers reached the connector 3.7 ms after they were sent,
median, a cold month). So the network tells the lane when it sends a request and when the
answer is in (``awaiting``), and the lane, before a slice, waits for an answer due within a
slice's length, or overdue by at most ``OVERDUE_SECONDS``; due is as long after its send as
the origin's latest answer took. One hold at a time, then a slice before the next, so bulk
work goes on at a third of its pace at worst however many answers are due.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager

# A slice's length: long enough that the lane's own cost (one loop pass per slice, some
# microseconds) is lost in it, short enough that a chain's step hardly waits.
SLICE_SECONDS = 0.001
# How near an expected answer holds the lane (``Lane.expect``): one due within a slice's
# length, or overdue by at most ``OVERDUE_SECONDS``, is waited for before the next slice.
OVERDUE_SECONDS = 0.002


class Lane:
    """The waiters of one event loop, let go one per loop pass, in the order they came."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiting: deque[Callable[[], object]] = deque()
        self._scheduled = False
        self._expected: dict[object, tuple[Hashable, float]] = {}  # ticket -> (origin, sent)
        self._round_trips: dict[Hashable, float] = {}  # origin -> its latest answer's
        self._held: asyncio.TimerHandle | None = None  # the release that ends a hold
        self._may_hold = True  # a hold, then at least one slice before the next

    def expect(self, origin: Hashable) -> object:
        """A request to ``origin`` is sent now: its answer is expected as long after as the
        origin's latest one took. Call ``arrived`` with the ticket once it is in."""
        ticket = object()
        self._expected[ticket] = (origin, self._loop.time())
        return ticket

    @contextmanager
    def awaiting(self, origin: Hashable) -> Iterator[None]:
        """The block sends a request to ``origin`` and reads its answer (``expect`` on entry,
        ``arrived`` on exit, with ``answered=False`` if the block raised)."""
        ticket = self.expect(origin)
        try:
            yield
        except BaseException:
            self.arrived(ticket, answered=False)
            raise
        self.arrived(ticket)

    def arrived(self, ticket: object, *, answered: bool = True) -> None:
        """The answer ``expect`` gave ``ticket`` for is in, or (``answered=False``) the request
        ended without one. Only an answer sets its origin's round trip: a refused connection
        fails in a millisecond, and the next request there would be held for as if its answer
        were due that soon."""
        found = self._expected.pop(ticket, None)
        if found is None:
            return
        origin, sent = found
        if answered:
            self._round_trips[origin] = self._loop.time() - sent
        if self._held is not None and self._due() is None:
            self._held.cancel()
            self._held = None
            self._loop.call_soon(self._release)

    def _due(self) -> float | None:
        """Until when the lane waits for an answer about to arrive; None: none is."""
        now = self._loop.time()
        near = [
            due
            for origin, sent in self._expected.values()
            if (took := self._round_trips.get(origin)) is not None
            and now - OVERDUE_SECONDS <= (due := sent + took) <= now + SLICE_SECONDS
        ]
        return max(near) + OVERDUE_SECONDS if near else None

    def expecting(self) -> int:
        """How many answers are expected now."""
        return len(self._expected)

    def round_trip(self, origin: Hashable) -> float | None:
        """How long ``origin``'s latest answer took, in seconds; None before its first."""
        return self._round_trips.get(origin)

    def call(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` (bulk work that needs no task: one slice) in its turn."""
        self._waiting.append(callback)
        if not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._release)

    async def pause(self) -> None:
        """Return in this task's turn: after what is ready now, and after the waiters before it
        have had theirs."""
        turn: asyncio.Future[None] = self._loop.create_future()

        def go() -> None:
            if not turn.done():  # done: the task was cancelled while it waited
                turn.set_result(None)

        self.call(go)
        await turn

    def _release(self) -> None:
        self._held = None
        if self._may_hold and (until := self._due()) is not None:
            self._may_hold = False  # ended by ``arrived``, or at ``until`` whatever comes
            self._held = self._loop.call_at(until, self._release)
            return
        self._may_hold = True
        # The next release is scheduled before the waiter runs: a callback that raises must not
        # stall the ones after it (the loop reports the error, as for any callback).
        waiter = self._waiting.popleft()
        if self._waiting:
            self._loop.call_soon(self._release)
        else:
            self._scheduled = False
        waiter()


_lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Lane] = weakref.WeakKeyDictionary()


def lane() -> Lane:
    """The running loop's lane."""
    loop = asyncio.get_running_loop()
    found = _lanes.get(loop)
    if found is None:
        found = _lanes[loop] = Lane(loop)
    return found


class Slices:
    """A task's bulk work cut into slices: ``due`` once the current one has run its length,
    then ``pause`` waits for the lane and starts the next."""

    __slots__ = ("_since",)

    def __init__(self) -> None:
        self._since = time.perf_counter()

    def due(self) -> bool:
        return time.perf_counter() - self._since >= SLICE_SECONDS

    async def pause(self) -> None:
        await lane().pause()
        self._since = time.perf_counter()

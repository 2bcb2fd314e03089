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
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable

# A slice's length: long enough that the lane's own cost (one loop pass per slice, some
# microseconds) is lost in it, short enough that a chain's step hardly waits.
SLICE_SECONDS = 0.001


class Lane:
    """The waiters of one event loop, let go one per loop pass, in the order they came."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._waiting: deque[Callable[[], object]] = deque()
        self._scheduled = False

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

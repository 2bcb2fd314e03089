"""Continuations: the live state of a listing kept between its pages, in this process.

A client paging through a listing sends back the cursor of the last page. Re-reading upstream
from that cursor is always correct, but a vendor that is read whole, or in windows, pays its
calls again for every page. A continuation keeps what the page before left (the merge's
generators, paused where they stopped) so the next page takes up from there: one pass over
the range however many pages.

The store is a cache, never a source of truth: a continuation is taken at most once, and one
that is missing (expired, evicted, taken by a concurrent request, kept by another replica, or
made on another event loop) means only that the caller re-reads. Whatever leaves the store
without being taken is closed on the event loop, so its upstream pagination ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

log = logging.getLogger("hourglass.continuations")

# 64 listings paged at once by one replica is a busy BI sync; a client that waits two minutes
# between pages has gone away (or will be served by re-reading).
DEFAULT_MAXSIZE = 64
DEFAULT_TTL = 120.0


class Closable(Protocol):
    async def aclose(self) -> None: ...


V = TypeVar("V", bound=Closable)


@dataclass(slots=True)
class _Kept(Generic[V]):
    value: V
    expires: float
    loop: asyncio.AbstractEventLoop


class ContinuationStore(Generic[V]):
    """At most ``maxsize`` continuations, each for at most ``ttl`` seconds; ``maxsize=0``
    disables the store (every ``put`` closes its value at once).

    ``put`` and ``take`` must run on an event loop; neither ever waits: closing what is
    evicted or expired is scheduled on the loop.
    """

    def __init__(
        self,
        maxsize: int = DEFAULT_MAXSIZE,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maxsize = maxsize
        self.ttl = ttl
        self._clock = clock
        self._kept: OrderedDict[Hashable, _Kept[V]] = OrderedDict()
        self._closing: set[asyncio.Task[None]] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def put(self, key: Hashable, value: V) -> bool:
        """Keep ``value`` under ``key`` (replacing and closing what was there); whether it is
        kept (a disabled store closes it at once)."""
        loop = asyncio.get_running_loop()
        old = self._kept.pop(key, None)
        if old is not None:
            self._close(old)
        if self.maxsize <= 0 or self.ttl <= 0:
            self._close(_Kept(value, 0.0, loop))
            return False
        self._kept[key] = _Kept(value, self._clock() + self.ttl, loop)
        self._expire()
        while len(self._kept) > self.maxsize:
            self._close(self._kept.popitem(last=False)[1])
        self._arm(loop)
        return True

    def take(self, key: Hashable) -> V | None:
        """The continuation under ``key``, removed from the store; ``None`` if there is none
        (any more). Never both callers of a concurrent pair get it: there is no await here."""
        self._expire()
        kept = self._kept.pop(key, None)
        if kept is None:
            return None
        if kept.loop is not asyncio.get_running_loop():
            # Made on a loop that has ended (asyncio.run closed its generators): unusable.
            return None
        return kept.value

    async def aclose(self) -> None:
        """Close everything kept (the app's shutdown) and wait for pending closes."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        while self._kept:
            self._close(self._kept.popitem(last=False)[1])
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)

    def _expire(self) -> None:
        now = self._clock()
        while self._kept:
            oldest = next(iter(self._kept.values()))
            if oldest.expires > now:
                break
            self._close(self._kept.popitem(last=False)[1])

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """One timer for the oldest entry, so an idle store still lets go of its state."""
        if (self._timer is not None and self._timer_loop is loop) or not self._kept:
            return
        oldest = next(iter(self._kept.values()))
        delay = max(0.0, oldest.expires - self._clock())
        self._timer, self._timer_loop = loop.call_later(delay, self._tick, loop), loop

    def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        self._timer = None
        self._expire()
        self._arm(loop)

    def _close(self, kept: _Kept[V]) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if kept.loop is not running:
            return  # made on a loop that has ended: it finalised its generators itself
        task = running.create_task(_close_quietly(kept.value))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)


async def _close_quietly(value: Closable) -> None:
    try:
        await value.aclose()
    except Exception:
        log.exception("closing a continuation failed")

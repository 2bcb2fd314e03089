"""One upstream listing read on behalf of several parents, each pulling only as far as it needs.

Nested lists (``clients { projects { timeEntries(first: 10) } }``) would otherwise cost one
upstream listing per parent. A :class:`Demux` wraps ONE source iterator whose entries belong to
many parents (a project-id filter pushed down with every parent's id, or the whole range read
once) and hands each parent its own async iterator of just its entries, in the source's order.
Consumers pull lazily: the shared iterator advances only when some parent has nothing queued,
so the listing stops paging as soon as every parent has what it asked for (or the source ends).

A failure of the shared iterator is replayed to every parent still reading, so each parent's
listing is flagged exactly as a standalone listing of that source would be.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Demux(Generic[T]):
    """Split ``source`` by ``route(item)`` among ``parents``; items of no parent are dropped."""

    def __init__(
        self,
        source: AsyncIterator[T],
        route: Callable[[T], Hashable],
        parents: Iterable[Hashable],
    ) -> None:
        self._source = source
        self._route = route
        self._queues: dict[Hashable, deque[T]] = {p: deque() for p in parents}
        self._lock = asyncio.Lock()
        self._done = False
        self._error: Exception | None = None

    async def stream(self, parent: Hashable) -> AsyncIterator[T]:
        """``parent``'s items in source order; raises the source's error after them."""
        queue = self._queues[parent]
        try:
            while True:
                if queue:
                    yield queue.popleft()
                    continue
                if self._done:
                    if self._error is not None:
                        raise self._error
                    return
                async with self._lock:  # one puller at a time; the others wait for its item
                    if not queue and not self._done:
                        await self._pull()
        finally:
            # A parent that has enough stops collecting: its later items are dropped.
            self._queues.pop(parent, None)

    async def _pull(self) -> None:
        try:
            item = await anext(self._source)
        except StopAsyncIteration:
            self._done = True
            return
        except Exception as exc:  # replayed to every parent (each flags its own listing)
            self._done = True
            self._error = exc
            return
        queue = self._queues.get(self._route(item))
        if queue is not None:
            queue.append(item)

    async def aclose(self) -> None:
        """Stop the shared listing (its pagination) once no parent needs more."""
        closer = getattr(self._source, "aclose", None)
        if closer is not None:
            await closer()

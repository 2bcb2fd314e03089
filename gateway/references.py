"""Reference data per source (users, projects, clients, tasks): cached, single-flight.

Reference data changes rarely and is asked for constantly (every entry names a user and a
project), so each source keeps it in cachetools TTL caches. Two strategies, chosen by the
connector's capabilities:

- ``list``: one listing of the whole kind answers every id (Harvest: 15 users, one call);
- ``ids``: look up only the missing ids, cached one by one (vendors with huge directories or
  no cheap listing).

Identical in-flight loads are coalesced: concurrent requests share one upstream listing.
A failed load is never cached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from cachetools import TTLCache

from gateway.connectors.base import Connector
from gateway.models import Kind, Reference

T = TypeVar("T")


class SingleFlight:
    """Share one running coroutine among concurrent callers with the same key."""

    def __init__(self) -> None:
        self._running: dict[object, asyncio.Future[Any]] = {}

    async def run(self, key: object, make: Callable[[], Awaitable[T]]) -> T:
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(make())
            self._running[key] = task
            task.add_done_callback(lambda _: self._running.pop(key, None))
        # shield: one caller giving up (its request was cancelled) must not cancel the others
        result: T = await asyncio.shield(task)
        return result


class ReferenceStore:
    def __init__(self, connector: Connector, *, ttl: float, maxsize: int) -> None:
        self._connector = connector
        self._ttl = ttl
        self._lists: TTLCache[Kind, dict[str, Reference]] = TTLCache(maxsize=8, ttl=max(ttl, 0.001))
        self._by_id: TTLCache[tuple[Kind, str], Reference | None] = TTLCache(
            maxsize=maxsize, ttl=max(ttl, 0.001)
        )
        self._flight = SingleFlight()

    async def all(self, kind: Kind) -> Mapping[str, Reference]:
        """Every object of ``kind`` in the source, from cache when fresh."""
        cached = self._lists.get(kind)
        if cached is not None:
            return cached
        return await self._flight.run(("list", kind), lambda: self._load_all(kind))

    async def _load_all(self, kind: Kind) -> dict[str, Reference]:
        loaded = {ref.id: ref async for ref in self._connector.references(kind)}
        if self._ttl > 0:
            self._lists[kind] = loaded
        return loaded

    async def get_many(self, kind: Kind, ids: Sequence[str]) -> list[Reference | None]:
        """The objects for ``ids`` in order; ``None`` where the source has no such object."""
        if self._connector.capabilities.reference_lookup == "list":
            everything = await self.all(kind)
            return [everything.get(i) for i in ids]
        known = {i: self._by_id[(kind, i)] for i in set(ids) if (kind, i) in self._by_id}
        missing = sorted(set(ids) - known.keys())
        if missing:
            found = await self._flight.run(
                ("ids", kind, tuple(missing)),
                lambda: self._connector.references_by_id(kind, missing),
            )
            for native_id in missing:
                known[native_id] = found.get(native_id)
                if self._ttl > 0:
                    self._by_id[(kind, native_id)] = known[native_id]
        return [known.get(i) for i in ids]

    def invalidate(self, kind: Kind | None = None) -> None:
        if kind is None:
            self._lists.clear()
            self._by_id.clear()
        else:
            self._lists.pop(kind, None)
            for key in [k for k in self._by_id if k[0] is kind]:
                self._by_id.pop(key, None)

"""A response cache for GraphQL queries: encoded bytes in, encoded bytes out, single-flight.

The shape of Hive Gateway's / GraphQL Mesh's ``useResponseCache`` and Apollo's response cache,
in process: a query whose result came back with no ``errors`` at all is kept, as the exact
bytes that were sent, for ``ttl`` seconds, so a repeat costs one dict lookup and one send.
Identical queries arriving while one is executing wait for it instead of executing again.

What the key holds, and why nothing else needs to:

- the document text, ``operationName`` and the variables as canonical JSON (sorted keys):
  everything a client sends that can change the result;
- not the request deadline: it decides only *whether* upstream calls finish in time, and a
  result that missed it carries errors, so it is never stored;
- not the date that ``timeEntries`` counts its default look-back from: an entry lives for
  seconds, so at most ``ttl`` seconds past midnight may still show yesterday's window;
- no caller identity: Hourglass serves every client the same data today. Per-caller
  authorisation must join the key the day it exists.

A mutation invalidates everything (``invalidate``) before and after it runs; a query that
was executing meanwhile is not stored (a generation counter), so no pre-mutation result
outlives the mutation.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from cachetools import TTLCache

# What one stored entry costs beyond its body: the key, the entry, the cache's bookkeeping.
_ENTRY_OVERHEAD = 256


@dataclass(frozen=True, slots=True)
class Outcome:
    """A finished response: its status, encoded body, and whether it may be stored."""

    status: int
    body: bytes
    cacheable: bool


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes
    stored_at: float


def cache_key(query: str, operation_name: str | None, variables: Mapping[str, Any] | None) -> bytes:
    """A digest of everything in the request that can change a query's result."""
    canonical = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
    digest = hashlib.blake2b(query.encode(), digest_size=16)
    digest.update(b"\0" + (operation_name or "").encode() + b"\0" + canonical)
    return digest.digest()


class ResponseCache:
    """Stored responses bounded by entries and by total bytes, with a TTL and single-flight.

    ``clock`` (seconds, monotonic) is injectable so tests can expire entries without waiting.
    """

    def __init__(
        self,
        ttl: float,
        *,
        max_entries: int = 2048,
        max_bytes: int = 64 << 20,
        max_entry_bytes: int = 4 << 20,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl
        self._clock = clock
        self._max_entries = max_entries
        self._max_entry_bytes = min(max_entry_bytes, max_bytes - _ENTRY_OVERHEAD)
        self._store: TTLCache[bytes, Entry] = TTLCache(
            maxsize=max_bytes,
            ttl=ttl,
            timer=clock,
            getsizeof=lambda entry: len(entry.body) + _ENTRY_OVERHEAD,
        )
        self._flights: dict[bytes, asyncio.Future[Outcome | None]] = {}
        self._generation = 0

    def __len__(self) -> int:
        return len(self._store)

    def lookup(self, key: bytes) -> tuple[bytes, float] | None:
        """The stored body and its age in seconds, or ``None``."""
        entry = self._store.get(key)
        if entry is None:
            return None
        return entry.body, self._clock() - entry.stored_at

    async def shared(
        self, key: bytes, produce: Callable[[], Awaitable[Outcome]]
    ) -> tuple[Outcome, bool]:
        """Produce the response for ``key`` once for all concurrent callers; store it if it may be.

        Returns the outcome and whether this caller waited for another's execution. A caller
        that joins an execution that then fails (raises) produces the response itself.
        """
        flight = self._flights.get(key)
        if flight is not None:
            # Shielded: one waiter cancelled (its client gone) must not cancel the others.
            joined = await asyncio.shield(flight)
            if joined is not None:
                return joined, True
        mine: asyncio.Future[Outcome | None] = asyncio.get_running_loop().create_future()
        self._flights[key] = mine
        outcome: Outcome | None = None
        try:
            outcome = await self.refresh(key, produce)
            return outcome, False
        finally:
            if self._flights.get(key) is mine:
                del self._flights[key]
            # Waiters get ``None`` (produce it yourselves) if this execution raised.
            mine.set_result(outcome)

    async def refresh(self, key: bytes, produce: Callable[[], Awaitable[Outcome]]) -> Outcome:
        """Produce the response now (no waiting on others) and store it if it may be."""
        generation = self._generation
        outcome = await produce()
        if outcome.cacheable and generation == self._generation:
            self._put(key, outcome.body)
        return outcome

    def invalidate(self) -> None:
        """Drop every stored response, and keep any executing now from being stored."""
        self._generation += 1
        self._store.clear()
        self._flights.clear()

    def _put(self, key: bytes, body: bytes) -> None:
        if self.ttl <= 0 or len(body) > self._max_entry_bytes:
            return
        self._store.pop(key, None)
        while len(self._store) >= self._max_entries:
            self._store.popitem()
        self._store[key] = Entry(body, self._clock())

"""Per-request dataloaders: references by (source, native id), and nested time-entry listings.

Created fresh for every GraphQL request (a loader caches for its request only; the longer-lived
cache is each source's ``ReferenceStore``). A key whose source failed gets that source's error
as its value, so one vendor failing never fails the keys of another (Strawberry's and
aiodataloader's contract: a value or an exception per key).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Iterable, Mapping
from functools import partial
from typing import Any, TypeVar

from aiodataloader import DataLoader

from gateway.errors import HourglassError, unreadable
from gateway.listing import Listing
from gateway.models import Kind, Reference, TimeEntry
from gateway.service import EntryGroup, Gateway, ParentPage

log = logging.getLogger("hourglass.loaders")

RefKey = tuple[str, str]  # (source, native id)
REFERENCE_KINDS = (Kind.USER, Kind.PROJECT, Kind.CLIENT, Kind.TASK)
T = TypeVar("T")


class Loaders:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._by_kind = {
            kind: DataLoader(batch_load_fn=partial(self._batch, kind)) for kind in REFERENCE_KINDS
        }
        self.entries = EntryBatches(gateway)
        # Whole listings started ahead of the ids (``start_listings``), by (kind, source).
        self._listed: dict[tuple[Kind, str], asyncio.Future[Mapping[str, Reference]]] = {}

    def of(self, kind: Kind) -> DataLoader[RefKey, Any]:
        return self._by_kind[kind]

    async def load_many(
        self, kind: Kind, keys: Iterable[RefKey]
    ) -> dict[RefKey, Reference | Exception | None]:
        distinct = list(dict.fromkeys(keys))
        values: list[Any] = await asyncio.gather(
            *(self.of(kind).load(k) for k in distinct), return_exceptions=True
        )
        return dict(zip(distinct, values, strict=True))

    def start_listings(self, kind: Kind, sources: Iterable[str]) -> None:
        """Start reading ``kind`` whole from each of ``sources`` that answers any id of it with
        one listing (``reference_lookup="list"``), before the ids are known: the loads of this
        request that come one round trip later (clients, once the projects name them) are
        answered from it, its failure included, instead of reading again."""
        for source in sources:
            runtime = self._gateway.sources.get(source)
            if runtime is None or (kind, source) in self._listed:
                continue
            able = runtime.connector.capabilities
            if kind in able.kinds and able.reference_lookup == "list":
                listed = asyncio.ensure_future(self._read(source, runtime.references.all(kind)))
                # Read by the loads; a request that failed first leaves nothing unretrieved.
                listed.add_done_callback(_retrieved)
                self._listed[(kind, source)] = listed

    async def _batch(self, kind: Kind, keys: list[RefKey]) -> list[Reference | Exception | None]:
        by_source: dict[str, list[str]] = defaultdict(list)
        for source, native_id in keys:
            by_source[source].append(native_id)
        names = list(by_source)
        results = await asyncio.gather(
            *(self._one_source(kind, name, by_source[name]) for name in names),
            return_exceptions=True,
        )
        found: dict[RefKey, Reference | Exception | None] = {}
        for name, result in zip(names, results, strict=True):
            if isinstance(result, BaseException) and not isinstance(result, Exception):
                raise result  # cancellation and the like are not per-key outcomes
            for index, native_id in enumerate(by_source[name]):
                found[(name, native_id)] = (
                    result if isinstance(result, Exception) else result[index]
                )
        return [found[key] for key in keys]

    async def _one_source(self, kind: Kind, source: str, ids: list[str]) -> list[Reference | None]:
        runtime = self._gateway.sources.get(source)
        if runtime is None or kind not in runtime.connector.capabilities.kinds:
            return [None] * len(ids)
        listed = self._listed.get((kind, source))
        if listed is not None:
            # Shielded: one load giving up must not cancel the listing the others read.
            everything = await asyncio.shield(listed)
            return [everything.get(i) for i in ids]
        return await self._read(source, runtime.references.get_many(kind, ids))

    async def _read(self, source: str, reading: Awaitable[T]) -> T:
        """``reading``, a failure that is not Hourglass's own error logged and reported as
        the source being unreadable."""
        try:
            return await reading
        except HourglassError:
            raise
        except Exception as exc:
            log.exception("reading a source failed", extra={"fields": {"source": source}})
            raise unreadable(source) from exc


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


# How many event-loop turns must pass with no new parent joining before a batch is sent.
# Sibling lists (every client's projects) finish a few turns apart, because each sits behind
# its own chain of awaits (gather, shielded single-flight, prefetch); 8 turns cost ~0.1 ms and
# were enough in every shape of query measured (tests/e2e/test_call_plan.py asserts it).
QUIET_TURNS = 8


class EntryBatches:
    """Nested ``timeEntries`` of many parents (projects, users) gathered into one listing.

    ``load(group, page)`` waits until the event loop has gone ``QUIET_TURNS`` turns with no new
    page for the same group, then asks the gateway once for all of them
    (``Gateway.time_entries_by_parent``: one upstream listing per source) and hands each caller
    its own page. aiodataloader dispatches after a single turn, which splits siblings whose
    resolvers finish a turn or two apart into separate listings; hence this small batcher.
    """

    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._pending: dict[EntryGroup, list[tuple[ParentPage, asyncio.Future[Any]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def load(self, group: EntryGroup, page: ParentPage) -> Listing[TimeEntry]:
        """``page`` of ``group``; raises the page's own error (a bad cursor, say)."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        waiting = self._pending.setdefault(group, [])
        waiting.append((page, future))
        if len(waiting) == 1:
            task = asyncio.create_task(self._dispatch(group))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        result: Listing[TimeEntry] | HourglassError = await future
        if isinstance(result, HourglassError):
            raise result
        return result

    async def _dispatch(self, group: EntryGroup) -> None:
        seen = 0
        while seen != len(self._pending[group]):
            seen = len(self._pending[group])
            for _ in range(QUIET_TURNS):
                await asyncio.sleep(0)
        batch = self._pending.pop(group)
        try:
            results = await self._gateway.time_entries_by_parent(group, [p for p, _ in batch])
        except Exception as exc:  # the whole batch failed (an unknown source): every page fails
            if not isinstance(exc, HourglassError):
                log.exception("nested listing failed", extra={"fields": {"source": group.source}})
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

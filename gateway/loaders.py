"""Per-request dataloaders for references: (source, native id) -> object, batched and cached.

Created fresh for every GraphQL request (a loader caches for its request only; the longer-lived
cache is each source's ``ReferenceStore``). A key whose source failed gets that source's error
as its value, so one vendor failing never fails the keys of another (Strawberry's and
aiodataloader's contract: a value or an exception per key).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import Any

from aiodataloader import DataLoader

from gateway.errors import HourglassError, unreadable
from gateway.models import Kind, Reference
from gateway.service import Gateway

log = logging.getLogger("hourglass.loaders")

RefKey = tuple[str, str]  # (source, native id)
REFERENCE_KINDS = (Kind.USER, Kind.PROJECT, Kind.CLIENT, Kind.TASK)


class Loaders:
    def __init__(self, gateway: Gateway) -> None:
        self._gateway = gateway
        self._by_kind = {
            kind: DataLoader(batch_load_fn=partial(self._batch, kind)) for kind in REFERENCE_KINDS
        }

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
        try:
            return await runtime.references.get_many(kind, ids)
        except HourglassError:
            raise
        except Exception as exc:
            log.exception("reading a source failed", extra={"fields": {"source": source}})
            raise unreadable(source) from exc

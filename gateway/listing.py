"""Listing across sources: fan out, merge in one global order, page by keyset cursors.

Every source is read concurrently. A source whose connector yields entries sorted by date in
the requested direction is consumed lazily (entries of one date are buffered and sorted by the
full key), so "the 50 most recent entries" stops after the first page; any other source is read
whole and sorted. The merged stream stops at ``first + 1`` items (the extra one only answers
``hasNextPage``) and closes the rest, which stops their pagination.

Order is total and stable: (date, start, source, native id), ascending or descending. A cursor
is that key of the last item returned, so pages never skip or repeat an entry even when
entries are added between requests.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import orjson

from gateway.connectors.base import Order
from gateway.errors import UpstreamError, UserInputError, unreadable

log = logging.getLogger("hourglass.listing")
T = TypeVar("T")
SortKey = tuple[Any, ...]


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


@dataclass(slots=True)
class SourceStream(Generic[T]):
    """One source's contribution: its items and whether they already come in order."""

    outcome: SourceOutcome
    items: AsyncIterator[T]
    sorted_by: Callable[[T], Any] | None = None  # the coarse key the source sorts by, if any


async def merge(
    streams: Sequence[SourceStream[T]],
    *,
    key: Callable[[T], SortKey],
    order: Order,
    keep: Callable[[T], bool],
    limit: int,
) -> Listing[T]:
    """Merge ``streams`` in ``order``, keep items passing ``keep``, stop after ``limit + 1``."""
    reverse = order is Order.DESC
    ordered = [_ordered(s, key, reverse, keep) for s in streams]  # async generators
    heads: list[tuple[SortKey, T] | None] = list(
        await asyncio.gather(*(_next(it) for it in ordered))
    )
    items: list[T] = []
    keys: list[SortKey] = []
    try:
        while len(items) <= limit:
            live = [i for i, head in enumerate(heads) if head is not None]
            if not live:
                break
            pick = (max if reverse else min)(live, key=lambda i: heads[i][0])  # type: ignore[index]
            head = heads[pick]
            assert head is not None
            keys.append(head[0])
            items.append(head[1])
            heads[pick] = await _next(ordered[pick])
    finally:
        for it in ordered:
            await it.aclose()
    has_next = len(items) > limit
    return Listing(items[:limit], keys[:limit], has_next, [s.outcome for s in streams])


async def _next(it: AsyncIterator[tuple[SortKey, T]]) -> tuple[SortKey, T] | None:
    return await anext(it, None)


async def _ordered(
    stream: SourceStream[T], key: Callable[[T], SortKey], reverse: bool, keep: Callable[[T], bool]
) -> AsyncGenerator[tuple[SortKey, T], None]:
    """The stream's kept items in exact order, as lazily as its own order allows.

    An upstream failure ends this stream and marks the source incomplete; it never raises into
    the merge, so the other sources' items are still returned.
    """
    group: list[tuple[SortKey, T]] = []
    group_key: Any = object()
    try:
        try:
            async for item in stream.items:
                if not keep(item):
                    continue
                coarse = stream.sorted_by(item) if stream.sorted_by else None
                if stream.sorted_by and coarse != group_key and group:
                    group.sort(key=lambda pair: pair[0], reverse=reverse)
                    for pair in group:
                        yield pair
                    group = []
                group_key = coarse
                group.append((key(item), item))
        except UpstreamError as exc:
            stream.outcome.complete = False
            stream.outcome.error = exc
        except Exception:
            log.exception(
                "reading a source failed", extra={"fields": {"source": stream.outcome.source}}
            )
            stream.outcome.complete = False
            stream.outcome.error = unreadable(stream.outcome.source)
        group.sort(key=lambda pair: pair[0], reverse=reverse)
        for pair in group:
            yield pair
    finally:
        # Stops the source's pagination when the merge needs no more of it.
        closer = getattr(stream.items, "aclose", None)
        if closer is not None:
            await closer()

"""The per-request GraphQL context: the gateway, fresh loaders, and the error collector."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from graphql import GraphQLError
from strawberry.fastapi import BaseContext
from strawberry.types import Info as _Info

from gateway.errors import HourglassError, UpstreamError
from gateway.loaders import Loaders, RefKey
from gateway.models import EmbeddedRef, Kind, Reference
from gateway.service import Gateway
from schema.ahead import FindPlan, RenderAhead

RefCacheKey = tuple[Kind, str, str]
HeldKey = tuple[Kind, int]  # (kind, id() of the entry or partial project holding it)


@dataclass
class Problems:
    """Errors raised while resolving, one per (source, code, field) rather than one per item.

    Resolvers record here instead of raising, so a failing source yields a single GraphQL error
    while every other source's data still comes back.
    """

    errors: list[GraphQLError] = field(default_factory=list)
    _seen: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, exc: HourglassError, path: list[str | int], field_name: str) -> None:
        source = exc.source if isinstance(exc, UpstreamError) else ""
        key = (source, exc.code, field_name)
        if key in self._seen:
            return
        self._seen.add(key)
        extensions: dict[str, Any] = {"code": exc.code}
        if source:
            extensions["source"] = source
        if isinstance(exc, UpstreamError) and exc.retry_after is not None:
            extensions["retryAfter"] = exc.retry_after
        self.errors.append(GraphQLError(str(exc), path=path, extensions=extensions))


class Context(BaseContext):
    def __init__(self, gateway: Gateway) -> None:
        super().__init__()
        self.gateway = gateway
        self.loaders = Loaders(gateway)
        self.problems = Problems()
        self.prefetched: dict[RefCacheKey, Reference | None] = {}
        # Embedded (partial) references chosen for a page whose selection they cover. Never in
        # ``prefetched``: another field may read more of the same reference. Keyed by the
        # holder's identity, so the choice stays with the objects of that page; the value keeps
        # the holder alive, so its id cannot be reused meanwhile.
        self.embedded: dict[HeldKey, tuple[object, Reference]] = {}
        # Set by the compiled executor before the root fields resolve: a root connection's
        # ``nodes`` plan, by its response path, where it may complete items ahead.
        self.plans_ahead: FindPlan | None = None
        # Lists whose items were completed ahead, by id(): the list (alive, so the id stays
        # its own) and what completed them (``RenderAhead``).
        self.rendered_ahead: dict[int, tuple[list[Any], RenderAhead]] = {}

    def render_ahead(self, info: Info) -> RenderAhead | None:
        """A ``RenderAhead`` for the root connection ``info`` resolves, if the executor
        offers plans (the compiled one does)."""
        if self.plans_ahead is None:
            return None
        path = tuple(str(key) for key in info.path.as_list())
        return RenderAhead(self.plans_ahead, path, self.gateway)

    def rendered(self, items: list[Any], by: object) -> None:
        """``items`` is a list ``by`` may have completed ahead (``Listing.prepared_by``)."""
        if isinstance(by, RenderAhead):
            self.rendered_ahead[id(items)] = (items, by)

    async def prefetch(self, kind: Kind, keys: Iterable[RefKey], info: Info) -> None:
        """Load references for a whole list at once, so each item resolves them synchronously."""
        wanted = [k for k in keys if (kind, *k) not in self.prefetched]
        if not wanted:
            return
        for (source, native_id), value in (await self.loaders.load_many(kind, wanted)).items():
            if isinstance(value, HourglassError):
                self.problems.add(value, info.path.as_list(), f"{kind.value}.{source}")
                value = None
            elif isinstance(value, Exception):
                raise value
            self.prefetched[(kind, source, native_id)] = value

    def serve_embedded(self, kind: Kind, holder: object, ref: EmbeddedRef) -> None:
        """Answer ``holder``'s ``kind`` field with ``ref`` (and its links with theirs).

        Only for a selection ``ref`` covers (``selection.covers``)."""
        self.embedded[(kind, id(holder))] = (holder, ref.value)
        for link_kind, link in ref.links.items():
            self.serve_embedded(link_kind, ref.value, link)

    def withdraw_embedded(self, kind: Kind, holder: object) -> None:
        """``holder`` is on a page whose selection needs the full reference: serve that."""
        self.embedded.pop((kind, id(holder)), None)

    def held_reference(
        self, kind: Kind, holder: Any, native_id: str | None, info: Info
    ) -> Reference | Awaitable[Reference | None] | None:
        """``holder``'s reference of ``kind``: the embedded one chosen for its page, if any,
        else ``reference``."""
        if native_id is None:
            return None
        found = self.embedded.get((kind, id(holder)))
        if found is not None:
            return found[1]
        return self.reference(kind, holder.source, native_id, info)

    def reference(
        self, kind: Kind, source: str, native_id: str | None, info: Info
    ) -> Reference | Awaitable[Reference | None] | None:
        if native_id is None:
            return None
        key = (kind, source, native_id)
        if key in self.prefetched:
            return self.prefetched[key]
        return self._load(kind, source, native_id, info)

    async def _load(self, kind: Kind, source: str, native_id: str, info: Info) -> Reference | None:
        try:
            value: Reference | None = await self.loaders.of(kind).load((source, native_id))
        except HourglassError as exc:
            self.problems.add(exc, info.path.as_list(), f"{kind.value}.{source}")
            return None
        self.prefetched[(kind, source, native_id)] = value
        return value


Info: TypeAlias = _Info[Context, None]

"""Hustle v3: endpoints, pagination, limits and capabilities.

- Hustle has no time data: the source serves users (agents), clients (organizations) and
  projects (groups) and says so in its capabilities; time-entry calls are not supported.
- Lists page with ``{items, cursor, hasMore}`` (``limit`` up to 1000).
- 25 requests per second on resource routes, answered over the limit with an undocumented
  error (a 429 without ``Retry-After``): paced before sending, retried with backoff.
- Bearer JWTs from the client-credentials grant (see ``auth.py`` for the lockout rules).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, NoReturn

from gateway import errors
from gateway.connectors.base import Capabilities, ConnectorContext, TimeEntryQuery
from gateway.connectors.hustle import mapping
from gateway.connectors.hustle.auth import TOKEN_STATUSES, ClientCredentialsProvider
from gateway.connectors.hustle.config import DEFAULT_BASE_URL, HustleSource
from gateway.connectors.paging import items_at, iterate_items
from gateway.http import (
    BearerTokenAuth,
    SlidingWindowLimiter,
    StatusTable,
    Upstream,
)
from gateway.http.limiter import Unlimited
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.cursor_has_more import CursorHasMorePaginator

RATE_LIMIT = (25, 1.0)

# The documented error statuses (400, 401, 404, 422, 500, and 429 when over the rate limit);
# a 401 reaching this table already survived one token renewal.
STATUSES: StatusTable = {
    400: errors.UpstreamBadResponse,
    401: errors.UpstreamAuthError,
    404: errors.UpstreamNotFound,
    422: errors.UpstreamBadResponse,
    429: errors.UpstreamRateLimited,
}

_REFERENCES: dict[Kind, tuple[str, Callable[[str, Any], Reference]]] = {
    Kind.USER: ("agents", mapping.user),
    Kind.CLIENT: ("organizations", mapping.client),
    Kind.PROJECT: ("groups", mapping.project),
}


class HustleConnector:
    vendor = "hustle"
    capabilities = Capabilities(kinds=frozenset(_REFERENCES))

    def __init__(self, config: HustleSource, upstream: Upstream, token_upstream: Upstream) -> None:
        self.source = config.name
        self._client_id = config.client_id
        self._page_size = config.page_size
        self._upstream = upstream
        self._token_upstream = token_upstream

    def time_entries(self, query: TimeEntryQuery) -> NoReturn:
        raise errors.NotSupported(
            self.source, f"source {self.source!r} (Hustle) has no time entries"
        )

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        return None

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        path, to_domain = self._endpoint(kind)
        async for raw in self._list(PageRequest(path).with_params(limit=self._page_size)):
            yield to_domain(self.source, raw)

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        # The list routes take an ``id`` filter (the spec's only documented lookup by id).
        path, to_domain = self._endpoint(kind)

        async def one(native_id: str) -> list[Reference]:
            first = PageRequest(path).with_params(id=native_id, limit=1)
            try:
                return [to_domain(self.source, raw) async for raw in self._list(first)]
            except errors.UpstreamNotFound:
                return []

        found = await asyncio.gather(*(one(i) for i in dict.fromkeys(ids)))
        wanted = set(ids)
        return {ref.id: ref for refs in found for ref in refs if ref.id in wanted}

    async def whoami(self) -> str:
        first = (await self._upstream.get("organizations", params={"limit": 1})).body
        items = first.get("items") if isinstance(first, dict) else None
        name = items[0].get("name") if isinstance(items, list) and items else None
        return f"{self._client_id} ({name})" if name else self._client_id

    def _list(self, first: PageRequest) -> AsyncIterator[Any]:
        return iterate_items(self._upstream, first, CursorHasMorePaginator(), items_at("items"))

    def _endpoint(self, kind: Kind) -> tuple[str, Callable[[str, Any], Reference]]:
        try:
            return _REFERENCES[kind]
        except KeyError:
            raise errors.NotSupported(
                self.source, f"source {self.source!r} (Hustle) has no {kind.value} objects"
            ) from None

    async def aclose(self) -> None:
        await asyncio.gather(self._upstream.aclose(), self._token_upstream.aclose())


def create_connector(
    config: HustleSource,
    context: ConnectorContext,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> HustleConnector:
    """``clock`` (monotonic seconds) times token expiry and the auth cool-down."""
    limit = config.rate_limit
    requests, window = (limit.requests, limit.per_seconds) if limit else RATE_LIMIT
    base_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/"
    # Token requests get their own client: no bearer auth on it, and no retries at all (a
    # repeated failed attempt counts towards Hustle's lockout). The 25 rps limit is for
    # resource routes only.
    token_client = context.build_client(
        base_url,
        config.timeout,
        limiter=Unlimited(),
        retry=replace(context.retry, max_attempts=1),
    )
    token_upstream = Upstream(config.name, token_client, statuses=TOKEN_STATUSES)
    provider = ClientCredentialsProvider(
        token_upstream,
        config.client_id,
        config.client_secret,
        cooldown=config.auth_failure_cooldown,
        clock=clock,
    )
    client = context.build_client(
        base_url,
        config.timeout,
        limiter=SlidingWindowLimiter(requests, window),
        auth=BearerTokenAuth(provider),
    )
    return HustleConnector(config, Upstream(config.name, client, statuses=STATUSES), token_upstream)

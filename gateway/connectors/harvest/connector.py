"""Harvest: endpoints, pagination styles, limits and filter push-down.

- 100 requests per 15 s per token: paced before sending.
- ``/time_entries`` pages by number (``next_page`` in the envelope), sorted by spent_date
  descending; ``/users``, ``/projects``, ``/clients`` and ``/tasks`` use cursor links that
  must be followed as given (``links.next``).
- ``per_page`` up to 2000 (the default), so a month of a small team is one call.
- Filters ``from``/``to`` (on spent_date), ``updated_since``, ``is_running`` and a single
  ``user_id``/``project_id``/``client_id`` are pushed down; several ids are filtered locally.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from gateway.connectors.base import (
    Capabilities,
    ConnectorContext,
    Order,
    TimeEntryQuery,
)
from gateway.connectors.harvest import mapping
from gateway.connectors.harvest.config import DEFAULT_BASE_URL, HarvestSource
from gateway.connectors.paging import items_at, iterate_items
from gateway.errors import UpstreamNotFound
from gateway.http import HeaderAuth, SlidingWindowLimiter, Upstream
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import LinkNextPaginator, PageNumberPaginator, PageRequest

RATE_LIMIT = (100, 15.0)
PER_PAGE = 2000

_REFERENCES: dict[Kind, tuple[str, str, Callable[[str, Any], Reference]]] = {
    Kind.USER: ("users", "users", mapping.user),
    Kind.PROJECT: ("projects", "projects", mapping.project),
    Kind.CLIENT: ("clients", "clients", mapping.client),
    Kind.TASK: ("tasks", "tasks", mapping.task),
}
_SINGULAR = {Kind.USER: "user", Kind.PROJECT: "project", Kind.CLIENT: "client", Kind.TASK: "task"}


class HarvestConnector:
    vendor = "harvest"
    capabilities = Capabilities(
        kinds=frozenset(Kind),
        time_entry_order=Order.DESC,
        pushed_filters=frozenset(
            {"from", "to", "updatedSince", "running", "userIds", "projectIds", "clientIds"}
        ),
        writes=False,
    )

    def __init__(self, config: HarvestSource, upstream: Upstream) -> None:
        self.source = config.name
        self._zone = ZoneInfo(config.timezone)
        self._upstream = upstream

    def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        first = PageRequest("time_entries").with_params(
            per_page=PER_PAGE, **_time_entry_params(query)
        )
        return self._entries(first)

    async def _entries(self, first: PageRequest) -> AsyncIterator[TimeEntry]:
        extract, memo = items_at("time_entries"), mapping.EntryMemo()
        async for raw in iterate_items(self._upstream, first, PageNumberPaginator(), extract):
            yield mapping.time_entry(self.source, raw, self._zone, None, memo)

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        path, key, to_domain = _REFERENCES[kind]
        first = PageRequest(path).with_params(per_page=PER_PAGE)
        async for raw in iterate_items(self._upstream, first, LinkNextPaginator(), items_at(key)):
            yield to_domain(self.source, raw)

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        path, _, to_domain = _REFERENCES[kind]

        async def one(native_id: str) -> Reference | None:
            try:
                response = await self._upstream.get(f"{path}/{native_id}")
            except UpstreamNotFound:
                return None
            return to_domain(self.source, response.body)

        found = await asyncio.gather(*(one(i) for i in ids))
        return {ref.id: ref for ref in found if ref is not None}

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        try:
            response = await self._upstream.get(f"time_entries/{native_id}")
        except UpstreamNotFound:
            return None
        return mapping.time_entry(self.source, response.body, self._zone)

    async def whoami(self) -> str:
        me = (await self._upstream.get("users/me")).body
        return (
            f"{me.get('first_name', '')} {me.get('last_name', '')} <{me.get('email', '')}>".strip()
        )

    async def aclose(self) -> None:
        await self._upstream.aclose()


def _time_entry_params(query: TimeEntryQuery) -> dict[str, str | int | None]:
    def single(ids: frozenset[str] | None) -> str | None:
        return next(iter(ids)) if ids is not None and len(ids) == 1 else None

    return {
        "from": query.date_from.isoformat() if query.date_from else None,
        "to": query.date_to.isoformat() if query.date_to else None,
        "updated_since": query.updated_since.isoformat().replace("+00:00", "Z")
        if query.updated_since
        else None,
        "is_running": None if query.running is None else str(query.running).lower(),
        "user_id": single(query.user_ids),
        "project_id": single(query.project_ids),
        "client_id": single(query.client_ids),
    }


def create_connector(config: HarvestSource, context: ConnectorContext) -> HarvestConnector:
    requests, window = (
        (config.rate_limit.requests, config.rate_limit.per_seconds)
        if config.rate_limit
        else RATE_LIMIT
    )
    base_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/"
    client = context.build_client(
        base_url,
        config.timeout,
        limiter=SlidingWindowLimiter(requests, window),
        auth=HeaderAuth(
            {
                "Authorization": f"Bearer {config.token.get_secret_value()}",
                "Harvest-Account-Id": config.account_id,
            }
        ),
    )
    return HarvestConnector(config, Upstream(config.name, client))

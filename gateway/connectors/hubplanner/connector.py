"""Hub Planner: endpoints, pagination, limits and filter push-down.

- 2 requests per second per account: paced before sending (``quota`` reads the headers).
- Every list is ``page`` (from 0) / ``limit`` with bare arrays; a short page is the last
  (:class:`ShortPagePaginator`). ``limit`` up to 1000, so most listings are one call.
- Time entries always go through ``POST /timeentry/search``: the date range (``date``
  ``$gte``/``$lte``), users (``resource``), projects (``project``), ``updatedSince``
  (``updatedDate`` ``$gte``) and "no ``EMPTY`` padding" are in the body, and the result is
  sorted by date (``sort=-date``, then ``createdDate`` for a stable order across pages) so the
  service can stop after the first page of a "most recent" listing. Clients are filtered
  locally (entries name no client); there are no timers, so ``running: true`` costs no call.
- Writes: ``POST /timeentry``; ``PUT /timeentry/{id}`` needs the whole object, so an update
  reads the entry first; ``DELETE /timeentry/{id}``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeGuard

from gateway.connectors.base import (
    Capabilities,
    ConnectorContext,
    Order,
    TimeEntryDraft,
    TimeEntryQuery,
)
from gateway.connectors.hubplanner import mapping
from gateway.connectors.hubplanner.config import DEFAULT_BASE_URL, HubPlannerSource
from gateway.connectors.hubplanner.payloads import TimeEntryPayload
from gateway.connectors.hubplanner.quota import quota_observer
from gateway.connectors.hubplanner.statuses import status_table
from gateway.connectors.paging import iterate_items
from gateway.errors import NotSupported, UpstreamBadResponse, UpstreamNotFound, UserInputError
from gateway.http import HeaderAuth, SlidingWindowLimiter, Upstream
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.short_page import ShortPagePaginator

RATE_LIMIT = (2, 1.0)
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}

_REFERENCES: dict[Kind, tuple[str, Callable[[str, Any], Reference]]] = {
    Kind.USER: ("resource", mapping.user),
    Kind.PROJECT: ("project", mapping.project),
    Kind.CLIENT: ("client", mapping.client),
}


def bare_array(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise TypeError("expected a JSON array")
    return body


class HubPlannerConnector:
    vendor = "hubplanner"
    capabilities = Capabilities(
        kinds=frozenset({Kind.USER, Kind.PROJECT, Kind.CLIENT, Kind.TIME_ENTRY}),
        time_entry_order=Order.DESC,
        pushed_filters=frozenset(
            {"from", "to", "updatedSince", "userIds", "projectIds", "running"}
        ),
        writes=True,
    )

    def __init__(self, config: HubPlannerSource, upstream: Upstream) -> None:
        self.source = config.name
        self._upstream = upstream
        self._page_size = config.page_size

    # --- reads ---------------------------------------------------------------------------

    def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        body = search_body(query)
        if body is None:
            return _nothing()
        sign = "" if query.order is Order.ASC else "-"
        sort = (("sort", f"{sign}date"), ("sort", f"{sign}createdDate"))
        first = PageRequest("timeentry/search", params=(*self._paging(), *sort), method="POST")
        return self._entries(first.with_json(body))

    async def _entries(self, first: PageRequest) -> AsyncIterator[TimeEntry]:
        seen: set[str] = set()  # a row moved by a concurrent write can reappear on the next page
        async for raw in iterate_items(self._upstream, first, ShortPagePaginator(), bare_array):
            entry = mapping.time_entry(self.source, raw)  # EMPTY rows still count for the page size
            if entry is not None and entry.id not in seen:
                seen.add(entry.id)
                yield entry

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        path, to_domain = self._reference(kind)
        first = PageRequest(path, params=self._paging())
        async for raw in iterate_items(self._upstream, first, ShortPagePaginator(), bare_array):
            yield to_domain(self.source, raw)

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        path, to_domain = self._reference(kind)

        async def one(native_id: str) -> Reference | None:
            raw = await self._get_one(f"{path}/{native_id}")
            return None if raw is None else to_domain(self.source, raw)

        wanted = [i for i in dict.fromkeys(ids) if mapping.is_object_id(i)]
        found = await asyncio.gather(*(one(i) for i in wanted))
        return {ref.id: ref for ref in found if ref is not None}

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        if not mapping.is_object_id(native_id):
            return None
        raw = await self._get_one(f"timeentry/{native_id}")
        return None if raw is None else mapping.time_entry(self.source, raw)

    async def whoami(self) -> str:
        await self._upstream.get("resource", params={"page": 0, "limit": 1})
        return "Hub Planner account API key (keys belong to the account, not to a person)"

    # --- writes (TimeEntryWriter) -------------------------------------------------------

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        body = mapping.new_entry(draft)
        response = await self._upstream.request("POST", "timeentry", json=body, idempotent=False)
        return self._written(response.body)

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> TimeEntry:
        _check_id(native_id)
        changes = mapping.entry_changes(draft)
        current = await self._get_one(f"timeentry/{native_id}")
        if current is None or current.get("status") == mapping.EMPTY:
            raise UpstreamNotFound(
                self.source, f"source {self.source!r} has no time entry {native_id!r}"
            )
        # PUT replaces the whole object: read-modify-write (a concurrent edit in between is lost;
        # the API offers no version check).
        body = mapping.updated_entry(current, changes)
        response = await self._upstream.request("PUT", f"timeentry/{native_id}", json=body)
        return self._written(response.body)

    async def delete_time_entry(self, native_id: str) -> None:
        _check_id(native_id)
        await self._upstream.request("DELETE", f"timeentry/{native_id}", expect_json=False)

    async def aclose(self) -> None:
        await self._upstream.aclose()

    # --- helpers ------------------------------------------------------------------------

    def _paging(self) -> tuple[tuple[str, str], ...]:
        return (("page", "0"), ("limit", str(self._page_size)))

    def _reference(self, kind: Kind) -> tuple[str, Callable[[str, Any], Reference]]:
        try:
            return _REFERENCES[kind]
        except KeyError:
            raise NotSupported(
                self.source, f"source {self.source!r} (Hub Planner) has no {kind.value} objects"
            ) from None

    async def _get_one(self, path: str) -> Any:
        try:
            return (await self._upstream.get(path)).body
        except UpstreamNotFound:
            return None

    def _written(self, raw: Any) -> TimeEntry:
        entry = mapping.time_entry(self.source, raw) if _is_entry(raw) else None
        if entry is None:
            raise UpstreamBadResponse(
                self.source, f"source {self.source!r} answered a write without the entry"
            )
        return entry


def search_body(query: TimeEntryQuery) -> dict[str, Any] | None:
    """The ``/timeentry/search`` body for ``query``, or ``None`` when nothing can match."""
    id_filters = (("resource", query.user_ids), ("project", query.project_ids))
    if query.running or any(ids is not None and not ids for _, ids in id_filters):
        return None  # no timers in Hub Planner; an empty id filter names nothing
    body: dict[str, Any] = {"status": {"$nin": [mapping.EMPTY]}}
    bounds = (("$gte", query.date_from), ("$lte", query.date_to))
    day_range = {op: day.isoformat() for op, day in bounds if day}
    if day_range:
        body["date"] = day_range
    if query.updated_since is not None:
        body["updatedDate"] = {"$gte": _timestamp(query.updated_since)}
    for key, ids in id_filters:
        if ids is not None:
            body[key] = next(iter(ids)) if len(ids) == 1 else {"$in": sorted(ids)}
    return body


def _timestamp(moment: datetime) -> str:
    """Hub Planner's format, to the millisecond (floored, so ``$gte`` stays a superset)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _is_entry(raw: Any) -> TypeGuard[TimeEntryPayload]:
    return isinstance(raw, dict) and isinstance(raw.get("_id"), str)


def _check_id(native_id: str) -> None:
    if not mapping.is_object_id(native_id):
        raise UserInputError(f"{native_id!r} is not a Hub Planner time entry id")


async def _nothing() -> AsyncIterator[TimeEntry]:
    return
    yield


def create_connector(config: HubPlannerSource, context: ConnectorContext) -> HubPlannerConnector:
    limit = config.rate_limit
    requests, window = (limit.requests, limit.per_seconds) if limit else RATE_LIMIT
    api_key = config.api_key.get_secret_value()
    client = context.build_client(
        (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/",
        config.timeout,
        limiter=SlidingWindowLimiter(requests, window),
        auth=HeaderAuth({"Authorization": api_key}),
        observe=quota_observer(window),
    )
    client.headers.update(JSON_HEADERS)  # the README: both on every request, GETs included
    upstream = Upstream(config.name, client, statuses=status_table(api_key))
    return HubPlannerConnector(config, upstream)

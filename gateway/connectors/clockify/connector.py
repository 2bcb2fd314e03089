"""Clockify: endpoints, pagination, limits, filter push-down and the listing strategy.

- 50 requests/second per workspace (vendor sheet): paced before sending, one budget shared by
  the API host and the reports host.
- Lists are bare arrays paged by ``page`` (from 1) and ``page-size``, ended by ``Last-Page``.
- Time entries are listed per user only; :mod:`plan` picks the per-user fan-out or the
  detailed report (on ``reports_url``, at most 31 days a call) by counting calls.
- Unknown or deleted ids answer **400** (``code`` 501), not 404: lookups by id go through a
  second ``Upstream`` whose table reads 400 as "not found", so a dangling reference (an entry
  naming a deleted project) resolves to ``None`` with no error. Listings keep 400 as a refused
  request, which is what it means there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from gateway import errors
from gateway.connectors.base import Capabilities, ConnectorContext, Order, TimeEntryQuery
from gateway.connectors.clockify import mapping, plan
from gateway.connectors.clockify.config import DEFAULT_BASE_URL, ClockifySource
from gateway.connectors.clockify.writes import ClockifyWrites
from gateway.connectors.paging import collect_items
from gateway.http import HeaderAuth, SlidingWindowLimiter, Upstream
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.body_page_number import BodyPageNumberPaginator
from gateway.pagination.last_page_header import LastPageHeaderPaginator

T = TypeVar("T")
# A listed entry before it is mapped: its sort key (start, id) and what maps it. Rows are sorted
# by that key and mapped only as the listing reads them: the dashboard's merge takes the 50
# latest of a week's ~650 report rows. What the key reads (id, start) is read for every row, so
# a row without them fails the listing up front; a row is otherwise read only if it is reached.
_Pending = tuple[tuple[datetime, str], Callable[[], TimeEntry]]

RATE_LIMIT = (50, 1.0)
ENTRY_PAGE_SIZE = 5000  # the largest page the time-entry listing takes
LIST_PAGE_SIZE = 1000  # users, projects, clients, tasks; in-progress caps at 1000 too
REPORT_PAGE_SIZE = 1000  # detailedFilter.pageSize maximum
# How old a users walk may be when reused: for the plan's member count (a few members more or
# less only shifts which plan is cheaper, never what it returns), and for the user listing or
# a fan-out (which must reach every member, so only a walk made moments ago is reused).
MEMBER_COUNT_AGE = 300.0
USERS_REUSE_AGE = 5.0

Params = Mapping[str, str | int | None]
_LIST: Params = {"page-size": LIST_PAGE_SIZE}
_USERS: Params = {"page-size": LIST_PAGE_SIZE, "status": "ALL"}  # former members have entries too

_REFERENCES: dict[Kind, tuple[str, Callable[[str, Any], Reference]]] = {
    Kind.USER: ("users", mapping.user),
    Kind.PROJECT: ("projects", mapping.project),
    Kind.CLIENT: ("clients", mapping.client),
}
_BY_ID = {Kind.PROJECT: "projects", Kind.CLIENT: "clients"}


def _bare_array(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise TypeError("expected a bare JSON array")
    return body


def _report_items(body: Any) -> list[Any]:
    items = body.get("timeEntries") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise TypeError("expected timeEntries")
    return items


def _report_total(body: Any) -> int | None:
    totals = body.get("totals") if isinstance(body, dict) else None
    if isinstance(totals, list) and totals and isinstance(totals[0], dict):
        count = totals[0].get("entriesCount")
        return count if isinstance(count, int) else None
    return None


class ClockifyConnector(ClockifyWrites):
    vendor = "clockify"
    capabilities = Capabilities(
        kinds=frozenset(Kind),
        time_entry_order=Order.DESC,
        pushed_filters=frozenset({"from", "to", "userIds", "projectIds", "clientIds", "running"}),
        reference_lookup="list",  # workspace listings are one cheap call each
        writes=True,
        timers=True,
    )

    def __init__(
        self,
        config: ClockifySource,
        upstream: Upstream,
        lookups: Upstream,
        *,
        concurrency: int = RATE_LIMIT[0],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = config.name
        self._zone = ZoneInfo(config.timezone)
        self._upstream = upstream
        self._lookups = lookups
        self._ws = f"workspaces/{config.workspace_id}"
        self._report_url = f"{config.reports_url}/workspaces/{config.workspace_id}/reports/detailed"
        self._gate = asyncio.Semaphore(concurrency)
        self._now = now
        self._me: str | None = None
        self.last_strategy: plan.Strategy | None = None  # for benchmarks and tests
        self._users_cache: tuple[float, list[Any]] | None = None
        self._users_flight: asyncio.Future[list[Any]] | None = None

    # -- walking lists ---------------------------------------------------------------------

    async def _walk(self, path: str, params: Params, upstream: Upstream | None = None) -> list[Any]:
        first = PageRequest(path).with_params(page=1, **params)
        async with self._gate:
            return await collect_items(
                upstream or self._upstream, first, LastPageHeaderPaginator(), _bare_array
            )

    # -- time entries ----------------------------------------------------------------------

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        pending = await self._collect(query)
        pending.sort(key=_sort_key, reverse=True)
        for _, entry in pending:
            yield entry()

    async def _collect(self, query: TimeEntryQuery) -> list[_Pending]:
        today = self._now().astimezone(self._zone).date()
        last = query.date_to or today
        windows = plan.windows(query.date_from, last, self._zone) if query.date_from else []
        members = sorted(query.user_ids) if query.user_ids is not None else None
        count = len(members) if members is not None else None
        walk = 0
        if members is None and plan.needs_count(len(windows) or None, running=query.running):
            # Only the count matters to the choice; a recent one is as good as a fresh one. The
            # fan-out walks again unless the walk that gave it is recent enough to reuse.
            count = len(await self._users(max_age=MEMBER_COUNT_AGE))
            walk = 0 if self._users_within(USERS_REUSE_AGE) else 1
        strategy = plan.choose(count, len(windows) or None, running=query.running, walk=walk)
        self.last_strategy = strategy
        if strategy is plan.Strategy.IN_PROGRESS:
            return [_mapped(e) for e in await self._running(query)]
        if strategy is plan.Strategy.REPORT:
            return await self._by_report(query, windows)
        if members is None:  # the fan-out must reach every member: a walk seconds old at most
            members = [u["id"] for u in await self._users(max_age=USERS_REUSE_AGE)]
        return await self._fan_out(query, members, from_query=query.user_ids is not None)

    async def _users(self, *, max_age: float) -> list[Any]:
        """The workspace's users (raw), reusing a walk at most ``max_age`` seconds old.

        One cold dashboard asks twice within a second: the plan (how many members?) and the
        users reference listing (names for the page). Sharing the walk saves that call, and a
        warm request's plan reuses the count instead of walking the users again.
        """
        cached = self._users_cache
        if cached is not None and self._users_within(max_age):
            return cached[1]
        if self._users_flight is None:
            self._users_flight = asyncio.ensure_future(self._walk(f"{self._ws}/users", _USERS))
            self._users_flight.add_done_callback(self._users_walked)
        return await asyncio.shield(self._users_flight)

    def _users_within(self, max_age: float) -> bool:
        cached = self._users_cache
        return cached is not None and time.monotonic() - cached[0] <= max_age

    def _users_walked(self, flight: asyncio.Future[list[Any]]) -> None:
        self._users_flight = None
        if not flight.cancelled() and flight.exception() is None:
            self._users_cache = (time.monotonic(), flight.result())

    async def _fan_out(
        self, query: TimeEntryQuery, members: Sequence[str], *, from_query: bool
    ) -> list[_Pending]:
        params = _entry_params(query, self._zone)
        # Ids a caller named may be unknown (400): that member simply has no entries. Ids from
        # the users listing are real, so a 400 there is a refused request and is reported.
        upstream = self._lookups if from_query else self._upstream

        async def one(user_id: str) -> list[Any]:
            try:
                return await self._walk(f"{self._ws}/user/{user_id}/time-entries", params, upstream)
            except errors.UpstreamNotFound:
                return []

        pages = await _gather(one(u) for u in members)
        now = self._now()
        return [
            self._pending(mapping.time_entry, raw, raw["id"], now)
            for items in pages
            for raw in items
        ]

    async def _by_report(
        self, query: TimeEntryQuery, windows: Sequence[plan.Window]
    ) -> list[_Pending]:
        paginator = BodyPageNumberPaginator(path=("detailedFilter",), total=_report_total)

        async def one(window: plan.Window) -> list[Any]:
            first = PageRequest(self._report_url, method="POST").with_json(
                _report_body(query, window)
            )
            async with self._gate:
                return await collect_items(self._upstream, first, paginator, _report_items)

        calls = [one(w) for w in windows]
        running = self._running(query) if query.running is None else _nothing()
        *reports, live = await asyncio.gather(*calls, running)
        now = self._now()
        rows = {raw["_id"]: raw for r in reports for raw in r}  # windows may repeat a row
        # The report leaves running timers out; the in-progress listing brings them back, with
        # ids only: the rows of the same report name most of them (``mapping.names_from``).
        # Indexing thousands of rows is worth it only when there is a timer to name.
        timers = [e for e in live if e.id not in rows]
        if timers:
            names = mapping.names_from(self.source, rows.values(), timers)
            timers = [mapping.with_names(e, names) for e in timers]
        memo = mapping.ReportMemo(self.source)
        found = [
            self._pending(mapping.report_entry, raw, i, now, memo=memo) for i, raw in rows.items()
        ]
        return found + [_mapped(e) for e in timers]

    def _pending(
        self,
        to_entry: Callable[..., TimeEntry],
        raw: Any,
        native_id: str,
        now: datetime,
        **options: Any,
    ) -> _Pending:
        """``raw`` keyed by its start and id, and mapped by ``to_entry`` (given ``options``)
        only when read."""
        start = mapping.start_of(raw)
        to_domain = partial(to_entry, self.source, raw, self._zone, now, start=start, **options)
        return (start, native_id), to_domain

    async def _running(self, query: TimeEntryQuery) -> list[TimeEntry]:
        raws = await self._walk(f"{self._ws}/time-entries/status/in-progress", _LIST)
        now = self._now()
        return [
            e
            for e in (mapping.time_entry(self.source, raw, self._zone, now) for raw in raws)
            if (query.user_ids is None or e.user_id in query.user_ids)
            and (query.project_ids is None or e.project_id in query.project_ids)
            and (query.date_from is None or e.date >= query.date_from)
            and (query.date_to is None or e.date <= query.date_to)
        ]

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        raw = await self._raw_entry(native_id)
        return (
            None if raw is None else mapping.time_entry(self.source, raw, self._zone, self._now())
        )

    async def _raw_entry(self, native_id: str) -> Any:
        try:
            return (await self._lookups.get(f"{self._ws}/time-entries/{native_id}")).body
        except errors.UpstreamNotFound:
            return None

    # -- references ------------------------------------------------------------------------

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        for ref in await self._all(kind):
            yield ref

    async def _all(self, kind: Kind) -> list[Reference]:
        if kind is Kind.TASK:
            return await self._tasks()
        path, to_domain = _REFERENCES[kind]
        if kind is Kind.USER:
            raws = await self._users(max_age=USERS_REUSE_AGE)
        else:
            raws = await self._walk(f"{self._ws}/{path}", _LIST)
        return [to_domain(self.source, raw) for raw in raws]

    async def _tasks(self) -> list[Reference]:
        projects = await self._walk(f"{self._ws}/projects", _LIST)
        lists = await _gather(
            self._walk(f"{self._ws}/projects/{p['id']}/tasks", _LIST) for p in projects
        )
        return [mapping.task(self.source, raw) for items in lists for raw in items]

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        path = _BY_ID.get(kind)
        if path is None:  # no by-id endpoint (users, tasks without their project): the listing
            wanted = set(ids)
            return {r.id: r for r in await self._all(kind) if r.id in wanted}
        _, to_domain = _REFERENCES[kind]

        async def one(native_id: str) -> Reference | None:
            try:
                async with self._gate:
                    response = await self._lookups.get(f"{self._ws}/{path}/{native_id}")
            except errors.UpstreamNotFound:
                return None  # Clockify's 400 for an unknown or deleted id
            return to_domain(self.source, response.body)

        found = await _gather(one(i) for i in dict.fromkeys(ids))
        return {ref.id: ref for ref in found if ref is not None}

    async def whoami(self) -> str:
        me = (await self._upstream.get("user")).body
        return f"{me.get('name', '')} <{me.get('email', '')}>".strip()

    async def aclose(self) -> None:
        await self._upstream.aclose()


def _mapped(entry: TimeEntry) -> _Pending:
    assert entry.start is not None  # every Clockify entry has one
    return (entry.start, entry.id), lambda: entry


def _sort_key(pending: _Pending) -> tuple[datetime, str]:
    return pending[0]


async def _gather(calls: Iterable[Awaitable[T]]) -> list[T]:
    return list(await asyncio.gather(*calls))


async def _nothing() -> list[TimeEntry]:
    return []


def _entry_params(query: TimeEntryQuery, zone: ZoneInfo) -> Params:
    first = (
        plan.day_range(query.date_from, query.date_from, zone).start if query.date_from else None
    )
    last = plan.day_range(query.date_to, query.date_to, zone).end if query.date_to else None
    projects = query.project_ids
    return {
        "start": mapping.instant(first) if first else None,
        "end": mapping.instant(last) if last else None,
        "project": next(iter(projects)) if projects is not None and len(projects) == 1 else None,
        "in-progress": None if query.running is None else str(query.running).lower(),
        "page-size": ENTRY_PAGE_SIZE,
    }


def _report_body(query: TimeEntryQuery, window: plan.Window) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dateRangeStart": mapping.instant(window.start),
        "dateRangeEnd": mapping.instant(window.end),
        "detailedFilter": {"page": 1, "pageSize": REPORT_PAGE_SIZE},
        "sortOrder": "DESCENDING",
        "exportType": "JSON",
    }
    for key, ids in (
        ("users", query.user_ids),
        ("projects", query.project_ids),
        ("clients", query.client_ids),
    ):
        if ids is not None:
            body[key] = {"ids": sorted(ids), "contains": "CONTAINS", "status": "ALL"}
    return body


def create_connector(config: ClockifySource, context: ConnectorContext) -> ClockifyConnector:
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
        auth=HeaderAuth({"X-Api-Key": config.api_key.get_secret_value()}),
    )
    lookups = Upstream(config.name, client, statuses={400: errors.UpstreamNotFound})
    return ClockifyConnector(config, Upstream(config.name, client), lookups, concurrency=requests)

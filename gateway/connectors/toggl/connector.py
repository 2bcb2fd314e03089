"""Toggl Track: endpoints, route choice, limits and filter push-down.

- 1 request/s per token (a leaky bucket; over it 429): paced before sending.
- An hourly quota (402 when used up) kept by :class:`~.quota.QuotaGate` from the quota headers.
- Time entries: ``/me/time_entries`` for a short recent range of the token's own user, the
  Reports API v3 (header cursor, 366-day windows, rows flattened) for everything else; see
  :mod:`.plan`. Dates and user/project/client ids are pushed down.
- Users and clients are single unpaginated arrays; projects page by ``page``/``per_page``
  (bare arrays, short page = last); tasks the same inside a ``{data, ...}`` envelope.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx

from gateway.connectors.base import (
    Capabilities,
    ConnectorContext,
    Order,
    TimeEntryDraft,
    TimeEntryQuery,
)
from gateway.connectors.paging import Extract, items_at, iterate_items
from gateway.connectors.toggl import drafts, mapping, plan
from gateway.connectors.toggl.config import DEFAULT_BASE_URL, TogglSource
from gateway.connectors.toggl.errors import STATUSES, TogglConflict, reason_of
from gateway.connectors.toggl.quota import QuotaGate
from gateway.errors import UpstreamBadResponse, UpstreamNotFound, UserInputError
from gateway.http import SlidingWindowLimiter, Upstream
from gateway.http.network import default_network
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.header_cursor import HeaderCursorPaginator
from gateway.pagination.short_page import ShortPagePaginator
from gateway.tasks import cancel_and_wait

RATE_LIMIT = (1, 1.0)
PER_PAGE = 200  # projects and tasks: Toggl's maximum
REPORT_PAGE_SIZE = 1000
TAGS_TTL = 600.0

Now = Callable[[], datetime]
# An item of the report before it is mapped: its start (what the listing is sorted by) and
# what maps it.
_Pending = tuple[datetime, Callable[[], TimeEntry]]


def _bare_list(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise TypeError("expected a JSON array")
    return body


# kind: (path under the workspace, params, paged, extract, to_domain)
_Endpoint = tuple[str, dict[str, str | int], bool, Extract, Callable[[str, Any], Reference]]
_REFERENCES: dict[Kind, _Endpoint] = {
    Kind.USER: ("users", {}, False, _bare_list, mapping.user),
    Kind.CLIENT: ("clients", {"status": "both"}, False, _bare_list, mapping.client),
    Kind.PROJECT: ("projects", {"active": "both"}, True, _bare_list, mapping.project),
    Kind.TASK: ("tasks", {}, True, items_at("data"), mapping.task),
}


class TogglConnector:
    """One Toggl workspace. Also a ``TimeEntryWriter`` and a ``TimerControl``."""

    vendor = "toggl"
    capabilities = Capabilities(
        kinds=frozenset(Kind),
        time_entry_order=Order.DESC,
        pushed_filters=frozenset({"from", "to", "userIds", "projectIds", "clientIds", "running"}),
        writes=True,
        timers=True,
    )

    def __init__(
        self,
        config: TogglSource,
        upstream: Upstream,
        *,
        created_with: str,
        now: Now | None = None,
        report_page_size: int = REPORT_PAGE_SIZE,
    ) -> None:
        self.source = config.name
        self._upstream = upstream
        self._wid = config.workspace_id
        self._reports = f"{config.reports_url}/workspace/{config.workspace_id}/search/time_entries"
        self._created_with = created_with
        self._now = now or (lambda: datetime.now(UTC))
        self._page_size = report_page_size
        self._me: asyncio.Task[str] | None = None
        self._tags: tuple[float, dict[int, str]] | None = None

    # -- reads ---------------------------------------------------------------------------

    def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        return self._time_entries(query)

    async def _time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        today = self._now().date()
        # Learning who the token belongs to costs a call: only when it can change the route.
        me = await self._my_id() if (plan.only_user(query) or "").isdigit() else None
        chosen = plan.route(query, today, me)
        if chosen is plan.Route.CURRENT:
            current = await self._current()
            if current is not None:
                yield current
            return
        if chosen is plan.Route.ME:
            mine = await self._my_entries(query)
            if mine is not None:
                for entry in mine:
                    yield entry
                return
        if chosen is not plan.Route.NOTHING:
            for _, to_entry in await self._report_entries(query):
                yield to_entry()

    async def _my_entries(self, query: TimeEntryQuery) -> list[TimeEntry] | None:
        """Newest first; ``None`` when Toggl's cap of ~1000 entries may have cut the answer
        short."""
        params = plan.me_params(query, self._now().date())
        body = (await self._upstream.get("me/time_entries", params=params)).body
        raws = self._shape(_bare_list, body)
        if len(raws) >= plan.ME_MAX_ENTRIES:
            return None
        now = self._now()
        kept = [r for r in raws if not r.get("server_deleted_at")]
        mine: list[TimeEntry] = [self._map(mapping.time_entry, r, now) for r in kept]
        return sorted(mine, key=_started, reverse=True)

    async def _current(self) -> TimeEntry | None:
        body = (await self._upstream.get("me/time_entries/current")).body
        return self._map(mapping.time_entry, body, self._now()) if body else None

    async def _report_entries(self, query: TimeEntryQuery) -> list[_Pending]:
        """Every item of the report, newest first, each mapped only when it is read.

        Rows group entries of any dates, and a window's entries are dated by Toggl in the
        user's zone but here by UTC: no part of the report is in order before all of it is
        read. So it is read whole (as a listing of an unordered source would read it), its
        items sorted by start alone, and the merge maps only the ones it takes. Each item's
        start is read up front (a row without one fails the listing before any entry is
        yielded); anything else wrong in an item surfaces when the listing reaches it.
        """
        tags = await self._tag_names() if query.wants("tags") else {}
        rows: list[Any] = []
        for window in plan.report_windows(query, self._now().date()):
            body = plan.report_body(query, window, self._page_size)
            first = PageRequest(self._reports, method="POST").with_json(body)
            pages = iterate_items(self._upstream, first, HeaderCursorPaginator(), _bare_list)
            rows.extend([row async for row in pages])
        now, memo = self._now(), mapping.RowMemo(self.source, tags)
        to_entry = mapping.report_entry
        pending: list[_Pending] = [
            (start, partial(self._read, to_entry, self.source, row, item, start, tags, now, memo))
            for row in rows
            for start, item in self._read(mapping.report_starts, row)
        ]
        pending.sort(key=_first, reverse=True)
        return pending

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        path, params, paged, extract, to_domain = _REFERENCES[kind]
        url = f"workspaces/{self._wid}/{path}"
        if not paged:
            body = (await self._upstream.get(url, params=params or None)).body
            for raw in self._shape(extract, body):
                yield self._map(to_domain, raw)
            return
        first = PageRequest(url).with_params(**params, page=1, per_page=PER_PAGE)
        paginator = ShortPagePaginator(page_param="page", limit_param="per_page")
        async for raw in iterate_items(self._upstream, first, paginator, extract):
            yield self._map(to_domain, raw)

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        wanted = set(ids)
        return {ref.id: ref async for ref in self.references(kind) if ref.id in wanted}

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        """Toggl reads single entries only as the token's user (``/me/time_entries/{id}``)."""
        if not native_id.isdigit():
            return None
        try:
            body = (await self._upstream.get(f"me/time_entries/{native_id}")).body
        except UpstreamNotFound:
            return None
        return self._map(mapping.time_entry, body, self._now()) if body else None

    async def whoami(self) -> str:
        me = (await self._upstream.get("me")).body
        return f"{me.get('fullname', '')} <{me.get('email', '')}>".strip()

    # -- writes and timers ---------------------------------------------------------------

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        body = drafts.create_body(draft, self._wid, self._created_with)
        return await self._write("POST", f"workspaces/{self._wid}/time_entries", body)

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> TimeEntry:
        url = f"workspaces/{self._wid}/time_entries/{_entry_id(native_id)}"
        return await self._write("PUT", url, drafts.update_body(draft))

    async def delete_time_entry(self, native_id: str) -> None:
        url = f"workspaces/{self._wid}/time_entries/{_entry_id(native_id)}"
        await self._upstream.request("DELETE", url, expect_json=False)

    async def start_timer(self, draft: TimeEntryDraft) -> TimeEntry:
        body = drafts.timer_body(draft, self._wid, self._created_with, self._now())
        return await self._write("POST", f"workspaces/{self._wid}/time_entries", body)

    async def stop_timer(
        self, native_id: str | None = None, *, user_id: str | None = None
    ) -> TimeEntry:
        if native_id is None:
            if user_id is not None and user_id != await self._my_id():
                raise UserInputError("Toggl stops another user's timer only by the entry's id")
            current = await self._current()
            if current is None:
                raise UserInputError("no timer is running")
            native_id = current.id
        url = f"workspaces/{self._wid}/time_entries/{_entry_id(native_id)}/stop"
        try:
            return await self._write("PATCH", url, None)
        except TogglConflict as exc:
            raise UserInputError("the time entry is already stopped") from exc

    async def _write(self, method: str, url: str, body: dict[str, Any] | None) -> TimeEntry:
        response = await self._upstream.request(method, url, json=body)
        entry: TimeEntry = self._map(mapping.time_entry, response.body, self._now())
        return entry

    # -- helpers -------------------------------------------------------------------------

    async def _my_id(self) -> str:
        """The token's own user id: one ``/me`` call per connector, shared by concurrent callers."""
        if self._me is None or (self._me.done() and self._me.exception() is not None):
            self._me = asyncio.ensure_future(self._fetch_me())
        return await asyncio.shield(self._me)

    async def _fetch_me(self) -> str:
        return str((await self._upstream.get("me")).body["id"])

    async def _tag_names(self) -> dict[int, str]:
        """Reports rows carry ``tag_ids`` only; names come from the workspace's tags (cached)."""
        if self._tags is not None and time.monotonic() - self._tags[0] < TAGS_TTL:
            return self._tags[1]
        try:
            body = (await self._upstream.get(f"workspaces/{self._wid}/tags")).body
        except (UpstreamNotFound, UpstreamBadResponse):
            body = []
        tags = [t for t in body or () if isinstance(t, dict) and "id" in t and "name" in t]
        names = {int(t["id"]): str(t["name"]) for t in tags}
        self._tags = (time.monotonic(), names)
        return names

    def _shape(self, extract: Extract, body: Any) -> list[Any]:
        try:
            return extract(body)
        except (TypeError, KeyError) as exc:
            raise self._bad_shape() from exc

    def _map(self, to_domain: Callable[..., Any], *args: Any) -> Any:
        return self._read(to_domain, self.source, *args)

    def _read(self, read: Callable[..., Any], *args: Any) -> Any:
        try:
            return read(*args)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise self._bad_shape() from exc

    def _bad_shape(self) -> UpstreamBadResponse:
        message = f"source {self.source!r} answered an object of an unexpected shape"
        return UpstreamBadResponse(self.source, message)

    async def aclose(self) -> None:
        if self._me is not None:
            # Ended before the client it calls through is closed, and its failure retrieved.
            await cancel_and_wait(self._me)
        await self._upstream.aclose()


def _started(entry: TimeEntry) -> datetime:
    assert entry.start is not None  # a Toggl entry without one fails its mapping
    return entry.start


def _first(pending: _Pending) -> datetime:
    return pending[0]


def _entry_id(native_id: str) -> int:
    if not native_id.isdigit():
        raise UserInputError("not a Toggl time entry id")
    return int(native_id)


def create_connector(
    config: TogglSource,
    context: ConnectorContext,
    *,
    now: Now | None = None,
    report_page_size: int = REPORT_PAGE_SIZE,
) -> TogglConnector:
    limit = config.rate_limit
    requests, window = (limit.requests, limit.per_seconds) if limit else RATE_LIMIT
    # The quota gate sits under the whole stack, on the same network every source uses.
    network = context.transport or default_network(10)
    client = context.build_client(
        (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/",
        config.timeout,
        limiter=SlidingWindowLimiter(requests, window),
        auth=httpx.BasicAuth(config.api_token.get_secret_value(), "api_token"),
        transport=QuotaGate(network),
    )
    return TogglConnector(
        config,
        Upstream(config.name, client, statuses=STATUSES, reason=reason_of),
        created_with=context.user_agent,
        now=now,
        report_page_size=report_page_size,
    )

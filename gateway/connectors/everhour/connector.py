"""Everhour: endpoints, pagination, limits, filter push-down, time writes and timers.

- About 20 requests per 10 s per key, then 429 with ``Retry-After``: paced before sending;
  the retry layer waits out a ``Retry-After`` it still gets.
- ``/projects``, ``/projects/{id}/tasks`` and ``/team/time`` page with ``page`` (from 1) and
  ``limit`` over bare arrays with no totals: a short page is the last
  (:class:`~gateway.pagination.short_page.ShortPagePaginator`). ``/clients``, ``/team/users``
  and ``/team/timers`` are single answers.
- ``/team/time`` has no sort parameter and its order is not documented, so the range is read
  in windows of ``WINDOW_DAYS`` newest (or oldest) first, each sorted here: entries come out
  in date order and "the latest 50" stops after the first window.
- Running timers (``/team/timers``) are surfaced as running entries next to the records.
- ``from``/``to`` and ``running`` are pushed down; user/project/client ids are filtered by
  the service. The sheet also names ``/users/{id}/time`` and ``/projects/{id}/time`` but
  documents neither their parameters nor their paging, so they are not used.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from gateway.connectors.base import (
    Capabilities,
    ConnectorContext,
    Order,
    TimeEntryDraft,
    TimeEntryQuery,
    marked,
)
from gateway.connectors.everhour import mapping
from gateway.connectors.everhour.config import DEFAULT_BASE_URL, EverhourSource
from gateway.connectors.paging import iterate_items
from gateway.errors import (
    NotSupported,
    UpstreamAuthError,
    UpstreamBadResponse,
    UpstreamNotFound,
    UserInputError,
)
from gateway.http import (
    HeaderAuth,
    SlidingWindowLimiter,
    StatusTable,
    Upstream,
)
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.short_page import ShortPagePaginator
from gateway.tasks import cancel_and_wait

RATE_LIMIT = (20, 10.0)
# The simulator's maximum; a larger page means fewer calls against a tight rate limit.
PAGE_LIMIT = 1000
WINDOW_DAYS = 31
# A listed entry before it is mapped: its date (what a window is sorted by) and what maps it.
# A window's records are sorted by the date alone and mapped only as the listing reads them,
# so "the latest 50" maps about 50 of a week's records. The date is read for every record (one
# without a readable date fails the listing up front); the rest only if the record is reached.
_Pending = tuple[date, Callable[[], TimeEntry]]

STATUSES: StatusTable = {
    401: UpstreamAuthError,  # {"code": 401, "message": "Unauthorized"}: a bad or revoked key
    404: UpstreamNotFound,
    405: NotSupported,  # a route that exists without this method
    422: UpstreamBadResponse,  # {"code": 422, "errors": {field: [...]}}: drafts are checked first
}


def _bare_array(body: Any) -> list[Any]:
    if not isinstance(body, list):
        raise TypeError("expected a bare JSON array")
    return body


def _segment(native_id: str) -> str:
    """A prefixed id (``ev:123``, ``jr:372268-10297``) as one path segment, kept as is."""
    return quote(native_id, safe=":")


class EverhourConnector:
    vendor = "everhour"
    capabilities = Capabilities(
        kinds=frozenset(Kind),
        time_entry_order=Order.DESC,
        pushed_filters=frozenset({"from", "to", "running"}),
        reference_lookup="list",
        writes=True,
        timers=True,
    )

    def __init__(
        self,
        config: EverhourSource,
        upstream: Upstream,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.source = config.name
        self._zone = ZoneInfo(config.timezone)
        self._upstream = upstream
        self._now = now or (lambda: datetime.now(self._zone))
        self._me: str | None = None

    # -- time entries -------------------------------------------------------------------

    def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        return self._entries(query)

    async def _entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        today = self._now().astimezone(self._zone).date()
        newest_first = query.order is Order.DESC
        spans = windows(query.date_from, query.date_to, today=today, newest_first=newest_first)
        if not spans:
            return
        # The timers call is independent of the records: in flight while the first window is
        # read, so a listing costs one round trip where it would cost two in a row.
        timers = asyncio.create_task(self._timers()) if _wants_timers(query, today) else None
        try:
            for low, high in spans:
                records: list[_Pending] = []
                if query.running is not True:
                    records = [pending async for pending in self._records(low, high)]
                running = await timers if timers is not None else []
                batch = [_mapped(t) for t in running if _within(t.date, low, high)] + records
                batch.sort(key=_first, reverse=newest_first)
                # The windows after this one hold only days beyond its far end: the merge
                # may take this window's entries at once.
                for _, to_entry in marked(batch, query.cuts):
                    yield to_entry()
        finally:
            # Closed early or failed by its records: nothing left running, no error unretrieved.
            if timers is not None:
                await cancel_and_wait(timers)

    async def _records(self, low: date | None, high: date | None) -> AsyncIterator[_Pending]:
        """The window's records by date, each mapped only when the listing reads it."""
        first = PageRequest("team/time").with_params(
            **{"from": low.isoformat() if low else None, "to": high.isoformat() if high else None},
            limit=PAGE_LIMIT,
            page=1,
        )
        async for raw in iterate_items(self._upstream, first, ShortPagePaginator(), _bare_array):
            yield (
                mapping.record_date(raw),
                partial(mapping.time_record, self.source, raw, self._zone),
            )

    async def _timers(self) -> list[TimeEntry]:
        body = _bare_array_or_bad(self.source, (await self._upstream.get("team/timers")).body)
        entries = (mapping.timer(self.source, raw, self._zone, self._now()) for raw in body)
        return [e for e in entries if e.running]

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        if not native_id.startswith(mapping.TIMER_PREFIX):
            # Records are read by date range only: the sheet documents no lookup by id.
            message = f"source {self.source!r} cannot look up a time record by id"
            raise NotSupported(self.source, message)
        return next((t for t in await self._timers() if t.id == native_id), None)

    # -- references ---------------------------------------------------------------------

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        for ref in await self._references(kind):
            yield ref

    async def _references(self, kind: Kind) -> list[Reference]:
        zone, source = self._zone, self.source
        if kind is Kind.USER:
            return [mapping.user(source, raw, zone) for raw in await self._single("team/users")]
        if kind is Kind.CLIENT:
            return [mapping.client(source, raw, zone) for raw in await self._single("clients")]
        projects = [mapping.project(source, raw, zone) async for raw in self._paged("projects")]
        if kind is Kind.PROJECT:
            return list(projects)
        if kind is Kind.TASK:
            return await self._tasks([p.id for p in projects])
        raise NotSupported(source, f"source {source!r} has no {kind.value} references")

    async def _tasks(self, project_ids: Sequence[str]) -> list[Reference]:
        async def of(project_id: str) -> list[Any]:
            return [raw async for raw in self._paged(f"projects/{_segment(project_id)}/tasks")]

        async with asyncio.TaskGroup() as group:
            jobs = [group.create_task(of(p)) for p in project_ids]
        # A task on several projects is listed under each; keep it once.
        unique = {str(raw["id"]): raw for job in jobs for raw in job.result()}
        return [mapping.task(self.source, raw) for raw in unique.values()]

    async def _single(self, path: str) -> list[Any]:
        return _bare_array_or_bad(self.source, (await self._upstream.get(path)).body)

    def _paged(self, path: str) -> AsyncIterator[Any]:
        first = PageRequest(path).with_params(limit=PAGE_LIMIT, page=1)
        return iterate_items(self._upstream, first, ShortPagePaginator(), _bare_array)

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        wanted = set(ids)
        return {ref.id: ref for ref in await self._references(kind) if ref.id in wanted}

    async def whoami(self) -> str:
        me = (await self._upstream.get("users/me")).body
        self._me = str(me["id"])
        return f"{me.get('name', '')} <{me.get('email', '')}>".strip()

    async def _my_id(self) -> str:
        if self._me is None:
            await self.whoami()
        assert self._me is not None
        return self._me

    # -- writes and timers ----------------------------------------------------------------

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        """Add time to a task (``POST /tasks/{id}/time``). Everhour keeps one record per
        (user, task, date): adding to a day that has one returns that record, grown."""
        body = add_time_body(draft, self._zone)
        task_id = str(draft.task_id)
        response = await self._on_task(task_id, "POST", f"tasks/{_segment(task_id)}/time", body)
        return mapping.time_record(self.source, response, self._zone)

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> TimeEntry:
        raise NotSupported(self.source, f"source {self.source!r} cannot update a time record")

    async def delete_time_entry(self, native_id: str) -> None:
        raise NotSupported(self.source, f"source {self.source!r} cannot delete a time record")

    async def start_timer(self, draft: TimeEntryDraft) -> TimeEntry:
        """Start the key owner's timer on ``draft.task_id`` now (Everhour takes no start time)."""
        if not draft.task_id:
            raise UserInputError("Everhour times tasks: `taskId` is required to start a timer")
        await self._check_own_user(draft.user_id)
        body: dict[str, Any] = {"task": draft.task_id}
        if draft.description is not None:
            body["comment"] = draft.description
        raw = await self._on_task(draft.task_id, "POST", "timers", body)
        return mapping.timer(self.source, raw, self._zone, self._now())

    async def stop_timer(
        self, native_id: str | None = None, *, user_id: str | None = None
    ) -> TimeEntry:
        """Stop the key owner's running timer; another user's cannot be stopped with this key."""
        if native_id is not None:
            if not native_id.startswith(mapping.TIMER_PREFIX):
                raise UserInputError(f"{native_id!r} is a time record, not an Everhour timer")
            owner = native_id.removeprefix(mapping.TIMER_PREFIX)
            await self._check_own_user(None if owner == "current" else owner)
        await self._check_own_user(user_id)
        try:
            response = await self._upstream.request("DELETE", "timers/current")
        except UpstreamNotFound as exc:
            raise UserInputError(f"no timer is running on source {self.source!r}") from exc
        return mapping.timer(self.source, response.body, self._zone, self._now())

    async def _check_own_user(self, user_id: str | None) -> None:
        if user_id is not None and user_id != await self._my_id():
            raise UserInputError("Everhour runs timers only for the API key's own user")

    async def _on_task(self, task_id: str, method: str, path: str, body: Mapping[str, Any]) -> Any:
        try:
            response = await self._upstream.request(method, path, json=dict(body))
        except UpstreamNotFound as exc:
            raise UserInputError(f"source {self.source!r} has no task {task_id!r}") from exc
        return response.body

    async def aclose(self) -> None:
        await self._upstream.aclose()


def add_time_body(draft: TimeEntryDraft, zone: ZoneInfo) -> dict[str, Any]:
    """``{time, date, user, comment}`` for ``POST /tasks/{id}/time``, or ``UserInputError``
    naming what Everhour cannot take (it keeps no billable flag or tags per record)."""
    if not draft.task_id:
        raise UserInputError("Everhour records time on tasks: `taskId` is required")
    if draft.billable is not None or draft.tags:
        raise UserInputError("Everhour time records have no `billable` flag or `tags`")
    seconds = draft.duration_seconds
    if seconds is None and draft.start and draft.end:
        seconds = int((draft.end - draft.start).total_seconds())
    if seconds is None or seconds <= 0:
        raise UserInputError("a positive `durationSeconds` (or a `start` before `end`) is required")
    day = draft.date or (draft.start.astimezone(zone).date() if draft.start else None)
    if day is None:
        raise UserInputError("`date` (or `start`) is required: Everhour records time per day")
    body: dict[str, Any] = {"time": seconds, "date": day.isoformat()}
    if draft.user_id is not None:
        if not draft.user_id.isdigit():
            raise UserInputError(f"{draft.user_id!r} is not an Everhour user id")
        body["user"] = int(draft.user_id)
    if draft.description is not None:
        body["comment"] = draft.description
    return body


def windows(
    date_from: date | None, date_to: date | None, *, today: date, newest_first: bool = True
) -> list[tuple[date | None, date | None]]:
    """``[from, to]`` cut into inclusive windows of ``WINDOW_DAYS``, the first one full and
    at the end the listing starts from. Without ``to`` the newest window is left open
    (records may be dated ahead); without ``from`` there is one window."""
    if date_from is None:
        return [(None, date_to)]
    end = date_to or max(today, date_from)
    span = timedelta(days=WINDOW_DAYS - 1)
    out: list[tuple[date | None, date | None]] = []
    if newest_first:
        high = end
        while high >= date_from:
            out.append((max(high - span, date_from), high))
            high = max(high - span, date_from) - timedelta(days=1)
    else:
        low = date_from
        while low <= end:
            out.append((low, min(low + span, end)))
            low = min(low + span, end) + timedelta(days=1)
    if out and date_to is None:
        newest = 0 if newest_first else -1
        out[newest] = (out[newest][0], None)
    return out


def _mapped(entry: TimeEntry) -> _Pending:
    return entry.date, lambda: entry


def _first(pending: _Pending) -> date:
    return pending[0]


def _within(day: date, low: date | None, high: date | None) -> bool:
    return (low is None or day >= low) and (high is None or day <= high)


def _wants_timers(query: TimeEntryQuery, today: date) -> bool:
    """Timers run today (a day of slack for users in other zones): skip them for the past."""
    if query.running is False:
        return False
    return query.date_to is None or query.date_to >= today - timedelta(days=1)


def _bare_array_or_bad(source: str, body: Any) -> list[Any]:
    try:
        return _bare_array(body)
    except TypeError as exc:
        message = f"source {source!r} answered a list of an unexpected shape"
        raise UpstreamBadResponse(source, message) from exc


def create_connector(config: EverhourSource, context: ConnectorContext) -> EverhourConnector:
    limit = config.rate_limit
    requests, window = (limit.requests, limit.per_seconds) if limit else RATE_LIMIT
    base_url = (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/"
    client = context.build_client(
        base_url,
        config.timeout,
        limiter=SlidingWindowLimiter(requests, window),
        auth=HeaderAuth({"X-Api-Key": config.api_key.get_secret_value()}),
    )
    return EverhourConnector(config, Upstream(config.name, client, statuses=STATUSES))

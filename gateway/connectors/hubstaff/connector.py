"""Hubstaff v2: endpoints, pagination, limits and the rebuilding of time entries.

- 1000 requests per hour per application: paced before sending by the core limiter with a
  ``max_wait``; a query that cannot get the requests it needs in time fails fast with
  ``retryAfter``.
- Lists page with ``page_start_id``/``page_limit`` (``gateway.pagination.start_id``), at the
  largest page size Hubstaff serves (500), so every reference kind is one or two calls.
- There is no time-entry list. Entries are sessions rebuilt from 10-minute activities
  (``mapping.sessions``). ``time_slot`` ranges may span at most 7 days and pages come in id
  (creation) order, so a range is cut into windows read newest first (``_plan``): a range of
  a week or less (the latest entries) in growing windows from 6 hours on, one at a time, each
  next one reaching instead down to where the page being read still needs sessions once the
  merge knows (``Floor``); a longer one in 7-day windows on whole days, ``WINDOWS_AT_ONCE``
  fetched concurrently. A session crossing a window boundary is held back until the window
  before it has arrived, and one crossing the query's edges is followed into the neighbouring
  day(s), so a session is always whole and keeps one id whatever range it is asked through.
  Sessions come out newest first, and the next window is asked for only when the caller wants
  more, so a caller that wants only the latest entries stops after the first window or two.
- Per-day totals come from ``activities/daily`` (31 days per call, pre-aggregated):
  :meth:`HubstaffConnector.daily_totals` costs one call a month instead of a few a week.
- The users, projects and tasks whose names a query shows come side-loaded with the
  activities (``include[]=users`` etc., spec'd for the activities list): entries embed those
  names and their project's client id, so they cost no member, project or task list.
- Filters ``from``/``to``, user ids and project ids are pushed down; ``running`` needs no call
  (Hubstaff records time after the fact: nothing is ever running).
- Manual time: ``POST /v2/users/{id}/time_entries``; no update, no delete, no timers.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import partial
from operator import itemgetter
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

import httpx
from cachetools import TTLCache

from gateway import errors, heap
from gateway.connectors.base import (
    Capabilities,
    ConnectorContext,
    Cuts,
    EntriesAhead,
    Floor,
    Order,
    TimeEntryDraft,
    TimeEntryQuery,
    marked,
)
from gateway.connectors.hubstaff import mapping
from gateway.connectors.hubstaff.auth import RotatingTokenProvider, TokenEndpoint
from gateway.connectors.hubstaff.config import DEFAULT_BASE_URL, HubstaffSource
from gateway.connectors.hubstaff.mapping import DailyTotal, Session
from gateway.connectors.hubstaff.payloads import (
    ActivityPayload,
    MemberPayload,
    UserPayload,
)
from gateway.connectors.hubstaff.store import FileTokenStore, TokenStore
from gateway.connectors.hubstaff.windows import (
    Window,
    by_start,
    ceil_slot,
    chunks,
    day_ranges,
    floor_slot,
    growing,
    reaches,
    split_at,
    stamp,
    windows,
)
from gateway.connectors.hubstaff.writes import (
    is_provisional_match,
    manual_time,
    numeric,
    provisional_id,
)
from gateway.connectors.paging import Extract, items_at, iterate_items, read_pages
from gateway.http import (
    BearerTokenAuth,
    SlidingWindowLimiter,
    StatusTable,
    Upstream,
)
from gateway.http.limiter import Unlimited
from gateway.models import Kind, Reference, TimeEntry
from gateway.pagination import PageRequest
from gateway.pagination.start_id import StartIdPaginator
from gateway.tasks import cancel_and_wait

log = logging.getLogger(__name__)

RATE_LIMIT = (1000, 3600.0)
PAGE_LIMIT = 500
ACTIVITY_WINDOW = timedelta(days=7)
ACTIVITY_HISTORY = timedelta(days=180)  # "earliest date is 6 months ago"
DAILY_WINDOW_DAYS = 31
DAILY_HISTORY = timedelta(days=3 * 365)
WINDOWS_AT_ONCE = 5
FIRST_WINDOW = timedelta(hours=6)  # the newest window of a range read in growing windows
# How long, and for how many questions, how far back a question's entries reached is kept
# (``HubstaffConnector._reached``): a dashboard refreshed within minutes reuses it.
REACHED_FOR = timedelta(minutes=5)
REACHED_KEPT = 64
EDGE_STEP = timedelta(days=1)
MAX_EDGE_STEPS = 7
MAX_BUDGET_WAIT = 60.0
LOOKUPS_AT_ONCE = 8
TASK_STATUSES = ("active", "completed", "archived", "deleted")

# The documented error statuses; 403 is "API access is only for organizations on an active
# plan" (or a role that may not see the data), which only the account owner can fix.
STATUSES: StatusTable = {
    400: errors.UpstreamBadResponse,
    401: errors.UpstreamAuthError,
    403: errors.UpstreamAuthError,
    404: errors.UpstreamNotFound,
    422: errors.UpstreamBadResponse,
    429: errors.UpstreamRateLimited,
}

Params = tuple[tuple[str, str], ...]


class HubstaffConnector:
    vendor = "hubstaff"
    capabilities = Capabilities(
        kinds=frozenset(Kind),
        time_entry_order=Order.DESC,
        entries_by_window=True,  # ``_entries``: a batch of windows' entries at once, marked
        pushed_filters=frozenset({"from", "to", "userIds", "projectIds", "running"}),
        reference_lookup="list",
        writes=True,
    )

    def __init__(
        self,
        config: HubstaffSource,
        upstream: Upstream,
        limiter: SlidingWindowLimiter,
        provider: RotatingTokenProvider,
        token_client: httpx.AsyncClient,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = config.name
        self.provider = provider
        self._org = config.organization_id
        self._zone = ZoneInfo(config.timezone)
        self._upstream = upstream
        self._limiter = limiter
        self._token_client = token_client
        self._now = now
        self._me: str | None = None
        # How far back each question read in growing windows last needed sessions: where its
        # first page ended (``Floor.on_settled``), kept a while. The same question asked again
        # (a dashboard refreshed) starts its first window there instead of growing towards it.
        # Mostly that is within the first 6 hours and changes nothing; where it is not
        # (nights, weekends), the growing windows before it were calls spent on nothing. A
        # stale recollection costs at most a longer first window: the merge's floor decides
        # past it, as before.
        self._reached: TTLCache[TimeEntryQuery, datetime] = TTLCache(
            maxsize=REACHED_KEPT,
            ttl=REACHED_FOR.total_seconds(),
            timer=lambda: self._now().timestamp(),
        )

    def warm(self) -> asyncio.Future[str] | None:
        # The API's connection is opened while the token is exchanged, not after.
        if self.provider.warm():
            self._upstream.preconnect()
        return self.provider.pending()

    # -- time entries -------------------------------------------------------------------

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        span = self._span(query.date_from, query.date_to)
        if query.running or span is None:
            return
        filters = (
            _id_params("user_ids[]", query.user_ids)
            + _id_params("project_ids[]", query.project_ids)
            + _side_loads(query.fields)
        )
        days_end = self._midnight((query.date_to or self._today()) + timedelta(days=1))
        reach, recalled = None, None
        if query.limit is not None:  # only growing windows use (and so keep) a recollection
            # Kept as the question alone: its cuts and floor (equal either way) would hold the
            # listing's merge, and every entry buffered in it, for minutes. And whatever its
            # ``from``: a listing asked again may start nearer (``recent.Reached``), and how
            # far back its entries reached is a moment, the same for either range.
            question = replace(query, cuts=None, floor=None, date_from=None)
            reach, recalled = self._reach(query.floor), self._reached.get(question)
            if query.floor is not None:
                query.floor.on_settled(partial(self._remember, question))
        batches = _plan(span, ceil_slot(days_end), reach=reach, recalled=recalled)
        async for entry in self._entries(span, batches, filters, query.cuts, query.ahead):
            yield entry

    def _reach(self, floor: Floor | None) -> Callable[[], datetime | None]:
        """How far back the page being read still needs sessions (``Floor``), when the merge
        knows."""

        def reach() -> datetime | None:
            entry = None if floor is None else floor.entry()
            return None if entry is None else self._needed(entry)

        return reach

    def _needed(self, entry: TimeEntry) -> datetime:
        """How far back sessions matter to a page ending on ``entry``: it takes nothing after
        it, so no session that starts before its start (and before the next day of its date,
        a session of a later date sorting first)."""
        next_day = self._midnight(entry.date + timedelta(days=1))
        return min(entry.start or self._midnight(entry.date), next_day)

    def _remember(self, question: TimeEntryQuery, last: TimeEntry | None) -> None:
        """Keep how far back ``question``'s first page reached, ending on ``last``."""
        if last is not None:
            self._reached[question] = self._needed(last)

    async def _entries(
        self,
        span: Window,
        batches: Iterable[list[Window]],
        filters: Params,
        cuts: Cuts | None,
        ahead: EntriesAhead | None,
    ) -> AsyncIterator[TimeEntry]:
        """Entries of the sessions overlapping ``span`` and starting before its end, newest
        first, read from ``batches`` (windows tiling ``span``, newest first).

        Each window's sessions are chained, and those touching neither of its edges mapped, as
        its last page arrives, while the other windows' pages are in flight (``_window``). What
        is left once a batch is in is chaining again the sessions at a window's edge with the
        activities carried and followed. A window that cannot be read alone (``seen`` is None
        from then on) has the batch chained at once, as every batch was before."""
        carry: list[ActivityPayload] = []  # sessions that may continue into the next batch
        spans = mapping.SpanMemo()
        seen: set[int] | None = set()  # the ids read so far, none read twice
        for number, batch in enumerate(batches):
            last = batch[-1].start <= span.start
            self._check_budget(len(batch))
            # Asked for longest first (``_longest_first``), read in the batch's order.
            asked = {
                w: asyncio.ensure_future(self._window(w, filters, spans, seen, ahead))
                for w in _longest_first(batch)
            }
            edges = [(span.stop, True)] if number == 0 else []
            edges += [(span.start, False)] if last else []
            following = [
                asyncio.ensure_future(
                    self._follow_on(
                        asked[batch[0] if fwd else batch[-1]], edge, filters, spans, forward=fwd
                    )
                )
                for edge, fwd in edges
            ]
            try:
                parts = await asyncio.gather(*(asked[w] for w in batch))
                followed = await asyncio.gather(*following)
            finally:  # all done, unless a window failed: then the follows are not wanted
                await cancel_and_wait(*following)
            if seen is not None and any(p.sessions is None for p in parts):
                seen = None
            activities = carry + _edge_activities(parts, whole=seen is None)
            if seen is not None and not _beyond(followed, edges, spans, seen):
                seen, activities = None, carry + _edge_activities(parts, whole=True)
            activities += [a for extra in followed for a in extra]
            whole = [
                s
                for s in mapping.sessions(activities, spans)
                if span.start < s.end and s.start < span.stop
            ]
            ready, carried = (whole, []) if last else split_at(whole, batch[-1].start)
            carry = [a for s in carried for a in s.activities]
            entries = [(by_start(s), mapping.time_entry(self.source, s, spans)) for s in ready]
            entries += [e for p in parts for e in p.entries] if seen is not None else []
            entries.sort(key=itemgetter(0), reverse=True)
            # The batch's decoded activities are done with: a month's are ~300,000 memory
            # blocks, freed when this generator ends, inside a page's answer, unless parked.
            heap.release_when_idle((parts, activities, whole, followed, spans))
            # Every session still to come starts at or before the batch's oldest edge, and each
            # of these after it (``split_at``): the merge may take them once the last is read,
            # and the other sources' entries down to that edge.
            edge = batch[-1].start
            until = (edge.astimezone(self._zone).date(), edge)
            for entry in marked([e for _, e in entries], cuts, until):
                yield entry

    async def _window(
        self,
        window: Window,
        filters: Params,
        spans: mapping.SpanMemo,
        seen: set[int] | None,
        ahead: EntriesAhead | None,
    ) -> _Part:
        """A window's activities, its sessions chained and those that are whole mapped page
        by page as they arrive (``mapping.WindowChain``; the whole window at once where that
        cannot be done), unless a window before could not be read alone."""
        if seen is None:
            return _Part(await self._activities(window, filters, spans), None, [])

        def entry(session: Session) -> tuple[tuple[datetime, int], TimeEntry]:
            return by_start(session), mapping.time_entry(self.source, session, spans)

        chain = mapping.WindowChain(spans, window.start, window.stop, entry)

        def read(page: list[ActivityPayload]) -> None:
            chain.feed(page)
            # The sessions closed by this page are the window's answer (unless it is chained
            # at once in the end): prepared now, while its next pages are in flight, not once
            # the batch's last one is in (a month: ~1,500 entries rendered, ~5-10 ms here).
            if ahead is not None and (fresh := chain.fresh()):
                ahead([e for _, e in fresh])

        activities = await self._activities(window, filters, spans, read=read)
        ids = {a["id"] for a in activities}
        done = chain.result()
        if done is None:
            chained = mapping.window_sessions(activities, spans, window.start, window.stop)
            entries = [entry(s) for s in chained.inner] if chained is not None else []
        else:
            chained, entries = done
        if chained is None or not ids.isdisjoint(seen):
            return _Part(activities, None, [])
        seen |= ids
        return _Part(activities, chained, entries)

    async def _follow_on(
        self,
        window: asyncio.Future[_Part],
        edge: datetime,
        filters: Params,
        spans: mapping.SpanMemo,
        *,
        forward: bool,
    ) -> list[ActivityPayload]:
        """``_follow`` past the range's ``edge`` as soon as ``window``, the one holding it, is
        in, rather than once the whole batch is: a month's oldest window (often a part-week)
        is read well before its 7-day ones, and reading back past its start then overlaps their
        pages instead of adding a round trip after them (cold month, bench: ~50 ms).

        That window alone decides what is followed: the users with a session reaching the
        edge, each with an activity beginning (or ending) exactly there, lie in its sessions at
        that edge, and so do the activities that say whether the session reaches further. The
        batch's other windows and the sessions carried into it lie past its far edge."""
        part = await window
        activities = _edge_activities([part], whole=part.sessions is None)
        return await self._follow(activities, edge, filters, spans, forward=forward)

    async def _follow(
        self,
        activities: list[ActivityPayload],
        edge: datetime,
        filters: Params,
        spans: mapping.SpanMemo,
        *,
        forward: bool,
    ) -> list[ActivityPayload]:
        """Activities beyond ``edge`` continuing the sessions that reach it: a day at a time,
        only for the users concerned, and only while some such session still reaches on."""
        origin, history, found = edge, self._history_start(), []
        users = spans.users_at(activities, edge, ends=forward)
        # Mostly no session reaches the edge: then no pass over the batch's activities.
        pool = [a for a in activities if a["user_id"] in users] if users else []
        for _ in range(MAX_EDGE_STEPS):
            step = Window(edge, edge + EDGE_STEP) if forward else Window(edge - EDGE_STEP, edge)
            step = Window(max(step.start, history), min(step.stop, self._horizon()))
            if not users or step.start >= step.stop:
                break
            self._check_budget(1)
            user_ids = _id_params("user_ids[]", {str(u) for u in users})
            # The query's other parameters stay: its project filter, and its side-loads (a
            # session followed here is named like the rest).
            others = tuple(p for p in filters if p[0] != "user_ids[]")
            extra = await self._activities(step, user_ids + others, spans)
            found += extra
            edge = step.stop if forward else step.start
            sessions = mapping.sessions(pool + extra, spans)
            users = {s.user_id for s in sessions if reaches(s, edge, origin, forward=forward)}
            pool = [a for a in pool + extra if a["user_id"] in users]
        return found

    async def _sessions_around(self, window: Window, filters: Params) -> list[Session]:
        """The sessions with an activity in ``window``, whole: followed past both its ends,
        every page read into one memo (each activity's span is read once)."""
        spans = mapping.SpanMemo()
        activities = await self._activities(window, filters, spans)
        activities += await self._follow(activities, window.stop, filters, spans, forward=True)
        activities += await self._follow(activities, window.start, filters, spans, forward=False)
        return mapping.sessions(activities, spans)

    async def _activities(
        self,
        window: Window,
        filters: Params,
        spans: mapping.SpanMemo,
        *,
        read: Callable[[list[ActivityPayload]], None] | None = None,
    ) -> list[ActivityPayload]:
        """The window's activities, each page read into ``spans`` (or by ``read``) as it
        arrives: that work is done while the query's other pages are in flight, not after the
        last.

        Each next page is asked for off the raw body, from this task, before the page is
        decoded and read (``read_pages``): a month's five windows answer together, and a page
        takes ~1 ms to decode and ~2 ms to chain here, so a window's next request waited for
        the pages of the windows handled before it in the same turn."""
        first = PageRequest(f"organizations/{self._org}/activities").with_params(
            **{"time_slot[start]": stamp(window.start), "time_slot[stop]": stamp(window.stop)},
            page_limit=PAGE_LIMIT,
        )
        first = PageRequest(first.url, first.params + filters)
        activities = items_at("activities")

        def extract(body: Any) -> list[Any]:
            spans.names.read(body)
            return activities(body)

        pager = StartIdPaginator()
        return await read_pages(self._upstream, first, pager, extract, read or spans.learn)

    def _span(self, date_from: date | None, date_to: date | None) -> Window | None:
        """The organization's days as a UTC range Hubstaff can still serve (6 months back, not
        past the current slot)."""
        start = self._midnight(date_from) if date_from else self._history_start()
        stop = self._midnight(date_to + timedelta(days=1)) if date_to else self._horizon()
        # On slot boundaries, so that no 10-minute slot straddles two windows.
        start = max(floor_slot(start), self._history_start())
        stop = min(ceil_slot(stop), self._horizon())
        return Window(start, stop) if start < stop else None

    def _today(self) -> date:
        return self._now().astimezone(self._zone).date()

    def _midnight(self, day: date) -> datetime:
        return datetime.combine(day, clock_time(), tzinfo=self._zone).astimezone(UTC)

    def _history_start(self) -> datetime:
        return ceil_slot(self._now() - ACTIVITY_HISTORY)

    def _horizon(self) -> datetime:
        return ceil_slot(self._now() + timedelta(seconds=1))

    def _check_budget(self, cost: int) -> None:
        """Refuse, before spending anything, a step whose requests cannot all be sent in time."""
        wait = self._limiter.wait_for(cost)
        allowed = self._limiter.allowed_wait()
        if allowed is not None and wait > allowed:
            raise errors.UpstreamRateLimited(
                self.source,
                f"source {self.source!r} has no room in Hubstaff's hourly request budget for the "
                f"{cost} request(s) this query needs now",
                retry_after=round(wait, 1),
            )

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        ref = mapping.parse_session_id(native_id)
        if ref is None or ref.slot < self._history_start():
            return None
        window = Window(ref.slot - EDGE_STEP, min(ref.slot + EDGE_STEP, self._horizon()))
        if window.start >= window.stop:
            return None
        filters = _id_params("user_ids[]", frozenset({str(ref.user_id)}))
        self._check_budget(1)
        for session in await self._sessions_around(window, filters):
            if mapping.session_id(session) == native_id or is_provisional_match(native_id, session):
                return mapping.time_entry(self.source, session)
        return None

    # -- per-day totals -------------------------------------------------------------------

    async def daily_totals(self, query: TimeEntryQuery) -> AsyncIterator[DailyTotal]:
        """Tracked seconds per user, project, task and day from ``activities/daily`` — for
        callers that need totals, not sessions (a month is one call instead of five windows)."""
        today = self._today()
        first = max(query.date_from or today - DAILY_HISTORY, today - DAILY_HISTORY)
        last = min(query.date_to or today, today)
        if first > last:
            return
        filters = _id_params("user_ids[]", query.user_ids) + _id_params(
            "project_ids[]", query.project_ids
        )
        ranges = day_ranges(first, last, DAILY_WINDOW_DAYS)
        self._check_budget(len(ranges))
        fetched = await asyncio.gather(*(self._daily(lo, hi, filters) for lo, hi in ranges))
        for rows in reversed(fetched):
            for raw in rows:
                yield mapping.daily_total(self.source, raw)

    async def _daily(self, first: date, last: date, filters: Params) -> list[Any]:
        request = PageRequest(f"organizations/{self._org}/activities/daily").with_params(
            **{"date[start]": first.isoformat(), "date[stop]": last.isoformat()},
            page_limit=PAGE_LIMIT,
        )
        request = PageRequest(request.url, request.params + filters)
        return [raw async for raw in self._list(request, items_at("daily_activities"))]

    # -- references -----------------------------------------------------------------------

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        for ref in await self._load(kind, None):
            yield ref

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        wanted = [i for i in dict.fromkeys(ids) if i.isdigit()]
        if not wanted:
            return {}
        found = await self._load(kind, wanted)
        return {ref.id: ref for ref in found if ref.id in set(wanted)}

    async def _load(self, kind: Kind, ids: list[str] | None) -> list[Reference]:
        """A kind's listing, narrowed to ``ids`` where Hubstaff filters by id (users and
        projects); clients and tasks are one listing call either way (cheaper than one lookup
        per id), narrowed by the caller."""
        org = f"organizations/{self._org}"
        if kind is Kind.USER:
            return await self._users(ids)
        if kind is Kind.PROJECT:
            params = (("status", "all"), *_id_params("project_ids[]", ids))
            return await self._listing(f"{org}/projects", "projects", mapping.project, params)
        if kind is Kind.CLIENT:
            everything = (("status", "all"),)
            return await self._listing(f"{org}/clients", "clients", mapping.client, everything)
        if kind is Kind.TASK:
            statuses = tuple(("status[]", s) for s in TASK_STATUSES)
            return await self._listing(f"{org}/tasks", "tasks", mapping.task, statuses)
        raise errors.NotSupported(self.source, f"source {self.source!r} has no {kind.value}s")

    async def _listing(
        self, path: str, key: str, to_domain: Callable[[str, Any], Reference], params: Params
    ) -> list[Reference]:
        request = PageRequest(path, (*params, ("page_limit", str(PAGE_LIMIT))))
        return [to_domain(self.source, raw) async for raw in self._list(request, items_at(key))]

    async def _users(self, ids: list[str] | None) -> list[Reference]:
        """Members with their user records side-loaded (``include[]=users``): one call for the
        whole organization; a member whose record did not come along is fetched by id."""
        request = PageRequest(
            f"organizations/{self._org}/members",
            (
                ("include[]", "users"),
                ("include_removed", "true"),
                ("page_limit", str(PAGE_LIMIT)),
                *_id_params("user_ids[]", ids),
            ),
        )
        pairs: list[tuple[MemberPayload, UserPayload | None]] = [
            pair async for pair in self._list(request, _members_with_users)
        ]
        missing = [str(m["user_id"]) for m, u in pairs if u is None]
        records = await self._user_records(missing) if missing else {}
        return [
            mapping.user(self.source, member, user or records.get(str(member["user_id"])))
            for member, user in pairs
        ]

    async def _user_records(self, ids: list[str]) -> dict[str, UserPayload]:
        found = await _bounded(ids, lambda i: self._get_one(f"users/{i}", "user"))
        return {str(raw["id"]): raw for raw in found if raw is not None}

    async def _get_one(self, path: str, key: str) -> Any:
        try:
            body = (await self._upstream.get(path)).body
        except errors.UpstreamNotFound:
            return None
        record = body.get(key) if isinstance(body, dict) else None
        if not isinstance(record, dict):
            raise errors.UpstreamBadResponse(
                self.source, f"source {self.source!r} answered a lookup of an unexpected shape"
            )
        return record

    def _list(self, first: PageRequest, extract: Extract) -> AsyncIterator[Any]:
        return iterate_items(self._upstream, first, StartIdPaginator(), extract)

    # -- writes ----------------------------------------------------------------------------

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        """Add manual time; returns the session it is now part of (read back with one call)."""
        user_id = draft.user_id or await self._my_id()
        body, start, tracked = manual_time(draft)
        try:
            await self._upstream.request(
                "POST",
                f"users/{numeric(user_id, 'userId')}/time_entries",
                json=body,
                idempotent=False,
            )
        except (errors.UpstreamBadResponse, errors.UpstreamNotFound) as exc:
            raise errors.UserInputError(
                f"source {self.source!r}: Hubstaff refused the manual time (check the project, "
                "task, start and duration; the organization may require a note, given as the "
                "description, or approval for manual time)"
            ) from exc
        return await self._read_back(user_id, draft, start, tracked)

    async def _read_back(
        self, user_id: str, draft: TimeEntryDraft, start: datetime, tracked: int
    ) -> TimeEntry:
        """The written time as the (whole) session it joined. The write has happened: a failed
        read must not look like a failed write (a caller would write it again), so it falls
        back to what was written."""
        end = start + timedelta(seconds=tracked)
        window = Window(floor_slot(start), ceil_slot(min(end, start + ACTIVITY_WINDOW)))
        filters = _id_params("user_ids[]", frozenset({user_id}))
        try:
            found = await self._sessions_around(window, filters)
        except errors.UpstreamError:
            log.warning("source %r: manual time written, reading it back failed", self.source)
            found = []
        for session in found:
            if session.start <= start < session.end:
                return mapping.time_entry(self.source, session)
        # Hubstaff may take minutes to show new time: answer with what was written, under an
        # id that finds the session by its slot once it is there.
        return TimeEntry(
            source=self.source,
            id=provisional_id(user_id, start),
            date=start.astimezone(self._zone).date(),
            duration_seconds=tracked,
            start=start,
            end=end,
            billable=draft.billable,
            description=draft.description,
            user_id=user_id,
            project_id=draft.project_id,
            task_id=draft.task_id,
        )

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> NoReturn:
        raise errors.NotSupported(
            self.source, f"source {self.source!r}: Hubstaff's API cannot change time entries"
        )

    async def delete_time_entry(self, native_id: str) -> NoReturn:
        raise errors.NotSupported(
            self.source, f"source {self.source!r}: Hubstaff's API cannot delete time entries"
        )

    async def _my_id(self) -> str:
        if self._me is None:
            me = await self._get_one("users/me", "user")
            if me is None:
                raise errors.UpstreamBadResponse(
                    self.source, f"source {self.source!r} does not know its own user"
                )
            self._me = str(me["id"])
        return self._me

    # -- misc -------------------------------------------------------------------------------

    async def whoami(self) -> str:
        me = await self._get_one("users/me", "user")
        if me is None:
            raise errors.UpstreamBadResponse(
                self.source, f"source {self.source!r} does not know its own user"
            )
        self._me = str(me["id"])
        return f"{me.get('name', '')} <{me.get('email', '')}>".strip()

    async def aclose(self) -> None:
        await self.provider.aclose()  # a rotated refresh token being saved is finished first
        await asyncio.gather(self._upstream.aclose(), self._token_client.aclose())


def create_connector(
    config: HubstaffSource,
    context: ConnectorContext,
    *,
    store: TokenStore | None = None,
    clock: Callable[[], float] = time.time,
) -> HubstaffConnector:
    """``store`` replaces the token file (tests; a shared store for several replicas);
    ``clock`` is the wall clock token expiry is judged by."""
    requests, window = (
        (config.rate_limit.requests, config.rate_limit.per_seconds)
        if config.rate_limit
        else RATE_LIMIT
    )
    # The token endpoint lives on the account host: a client of its own, outside the API's
    # hourly budget, with a few retries for its transient failures (429, 408, 5xx).
    token_client = context.build_client(
        config.token_url,
        config.timeout,
        limiter=Unlimited(),
        retry=replace(context.retry, max_attempts=min(3, context.retry.max_attempts)),
    )
    provider = RotatingTokenProvider(
        config.name,
        TokenEndpoint(config.name, token_client, config.token_url),
        store or FileTokenStore(config.token_store_path()),
        config.refresh_token,
        clock=clock,
    )
    limiter = SlidingWindowLimiter(requests, window, max_wait=MAX_BUDGET_WAIT)
    client = context.build_client(
        (config.base_url or DEFAULT_BASE_URL).rstrip("/") + "/",
        config.timeout,
        limiter=limiter,
        auth=BearerTokenAuth(provider),
    )
    upstream = Upstream(config.name, client, statuses=STATUSES)
    return HubstaffConnector(config, upstream, limiter, provider, token_client)


def _plan(
    span: Window,
    days_end: datetime,
    *,
    reach: Callable[[], datetime | None] | None,
    recalled: datetime | None = None,
) -> Iterator[list[Window]]:
    """The windows to fetch, newest first, in batches fetched one after another (each batch's
    windows at once), each only once the caller has taken every session before it.
    ``days_end`` is the end of the organization's last day asked for (``to``, or today).

    ``reach`` is given when the caller wants only the latest few entries
    (``TimeEntryQuery.limit``, the service's near week read by a merge that stops early), and
    says how far back they still reach once the merge knows. A range that fits one window is
    then read in growing windows: 6 hours, then 12, 24, 48, and the rest. On a working day
    the latest 50 entries (all sources together) usually lie in the last few hours: one page,
    where a day is often two and the whole week six to eight, and the merge closes this
    listing before the next window is asked for. Measured over a week of the demo's data
    (the dashboard every 6 hours, bench/hours.py's clock shift): at the minimum calls at every
    weekday point with 6 hours first, at 3 of 28 points with a day first. On weekends, when
    the latest entries reach back to Friday, smaller windows cost a call or two more than a
    day first did (26 calls above the minimum in all, against 34). Once ``reach`` (``_reach``)
    says how far back the page being read still needs sessions, the next window reaches just
    past there instead of growing, so a weekend page reaching back to Friday costs one window
    where growing ones took three or four (12 points 6 hours apart from Friday evening to
    Monday, bench/hours.py's clock shift: 13 calls above the minimum cold, against 19; one
    point, Saturday 13:51, one more). A caller that reads the
    whole range (a report, a project's entries) gets it in the fewest windows instead: growing
    ones would cost a partial last page each, two or three calls more for the week.
    Pages of one window come one after another (``page_start_id``). A range longer than a
    window is cut into 7-day windows fetched ``WINDOWS_AT_ONCE`` at a time, so it costs the
    pages of one window in wall time and the fewest windows in calls.
    """
    if span.stop - span.start > ACTIVITY_WINDOW:
        yield from chunks(_whole_days(span, days_end), WINDOWS_AT_ONCE)
    elif reach is None:
        yield [span]
    else:
        yield from ([w] for w in growing(span, FIRST_WINDOW, ACTIVITY_WINDOW, reach, recalled))


def _longest_first(batch: list[Window]) -> list[Window]:
    """``batch`` in the order its windows are asked for: the longest first, ties in the
    batch's own order. A window's pages come one after another, so the window with the most
    pages is the batch's critical path, and the longest one likely has the most: asked first,
    it leads every turn, and its answer is read first whenever a turn's answers come in
    together (a month asked newest first put today's part-week ahead of its three 7-day
    windows: 10-12 ms more wall time, cold month, bench A/B)."""
    return sorted(batch, key=lambda w: w.stop - w.start, reverse=True)


def _whole_days(span: Window, days_end: datetime) -> list[Window]:
    """``span`` in 7-day windows cut on whole organization days, counted back from the end of
    the last day asked for even when that is still to come (only its past part is asked):
    a month to today is cut where a walk of its days would cut it, and every window but the
    newest asks the same slots all day long rather than ones that move with the clock. Where
    that would take one window more than cutting back from ``span``'s end, the latter wins.

    Either cut costs the same pages in the long run: each window's last page is a partial one,
    wherever the cut falls; what matters is the number of windows, which this never raises.
    """
    from_now = windows(span, ACTIVITY_WINDOW)
    if days_end <= span.stop:
        return from_now
    cut = windows(Window(span.start, days_end), ACTIVITY_WINDOW)
    by_day = [Window(w.start, min(w.stop, span.stop)) for w in cut if w.start < span.stop]
    return by_day if len(by_day) <= len(from_now) else from_now


@dataclass(frozen=True, slots=True)
class _Part:
    """What one window gave: its activities and, when it could be read alone, its sessions
    and the entries of those that are whole, each with its place in the output order."""

    activities: list[ActivityPayload]
    sessions: mapping.WindowSessions | None
    entries: list[tuple[tuple[datetime, int], TimeEntry]]


def _edge_activities(parts: Sequence[_Part], *, whole: bool) -> list[ActivityPayload]:
    """The activities still to chain: of the sessions at the windows' edges, or (``whole``)
    every one."""
    if whole:
        return [a for p in parts for a in p.activities]
    return [a for p in parts if p.sessions for s in p.sessions.edges for a in s.activities]


def _beyond(
    followed: Sequence[list[ActivityPayload]],
    edges: Sequence[tuple[datetime, bool]],
    spans: mapping.SpanMemo,
    seen: set[int],
) -> bool:
    """Do the followed activities all lie past their edge, none a copy of one in the windows?
    Then the windows' inner sessions cannot chain with them."""
    for extra, (edge, forward) in zip(followed, edges, strict=True):
        for raw in extra:
            start, end = spans(raw)
            if raw["id"] in seen or (start < edge if forward else end > edge):
                return False
    return True


def _side_loads(fields: frozenset[str] | None) -> Params:
    """``include[]`` for the users, projects and tasks whose names a caller's selection shows
    (a project also names the session's client): one call's worth of side-loaded records a
    page, where naming them otherwise costs the member, project and task lists. Only for a
    caller that names its fields; one that reads the entries alone gets the activities alone."""
    if fields is None:
        return ()
    wanted = ["users"] if "user" in fields else []
    wanted += ["projects"] if fields & {"project", "client"} else []
    wanted += ["tasks"] if "task" in fields else []
    return tuple(("include[]", w) for w in wanted)


def _id_params(name: str, ids: Iterable[str] | None) -> Params:
    """``user_ids[]=1&user_ids[]=2`` (non-numeric ids cannot be Hubstaff's and are left to the
    local filter)."""
    return tuple((name, i) for i in sorted(ids or (), key=lambda i: (len(i), i)) if i.isdigit())


def _members_with_users(body: Any) -> list[Any]:
    """Each member paired with its side-loaded user record (``None`` if it did not come)."""
    members = items_at("members")(body)
    users = body.get("users") if isinstance(body.get("users"), list) else []
    by_id = {u.get("id"): u for u in users if isinstance(u, dict)}
    return [(m, by_id.get(m["user_id"])) for m in members]


async def _bounded(ids: list[str], fetch: Callable[[str], Awaitable[Any]]) -> list[Any]:
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def one(native_id: str) -> Any:
        async with gate:
            return await fetch(native_id)

    return list(await asyncio.gather(*(one(i) for i in ids)))

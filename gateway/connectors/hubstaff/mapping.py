"""Hubstaff JSON -> domain objects. Pure functions.

Hubstaff v2 has no time-entry list: time is recorded as 10-minute *activities*. Seed 001
rebuilds sessions from them: an activity covers ``[starts_at, starts_at + tracked)``, and
consecutive activities of the same user, project and task where one ends exactly where the
next starts are one session. A session's id is derived from its first activity (the id, plus
the user and the activity's slot, so the session can be found again by id).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any, NamedTuple

from gateway.connectors.embedding import embedded_refs
from gateway.connectors.hubstaff.payloads import (
    ActivityPayload,
    ClientPayload,
    DailyActivityPayload,
    MemberPayload,
    ProjectPayload,
    TaskPayload,
    UserPayload,
)
from gateway.models import (
    NOTHING_EMBEDDED,
    Client,
    EmbeddedRef,
    Kind,
    Project,
    Task,
    TimeEntry,
    User,
)
from gateway.normalize import parse_date, parse_datetime


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


def _active(status: str | None) -> bool:
    return status in (None, "active")


def user(source: str, member: MemberPayload, raw: UserPayload | None) -> User:
    """A member of the organization, with its user record when Hubstaff sent one."""
    record = raw or {}
    name = _user_name(record)
    return User(
        source=source,
        id=str(member["user_id"]),
        name=name or f"user {member['user_id']}",
        email=record.get("email"),
        timezone=record.get("time_zone"),
        active=_active(member.get("membership_status")) and _active(record.get("status")),
        role=member.get("membership_role"),
        created_at=parse_datetime(record.get("created_at") or member.get("created_at")),
        updated_at=parse_datetime(record.get("updated_at") or member.get("updated_at")),
        raw={"member": member, "user": raw},
    )


def project(source: str, raw: ProjectPayload) -> Project:
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        client_id=_id(raw.get("client_id")),
        active=_active(raw.get("status")),
        billable=raw.get("billable"),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        active=_active(raw.get("status")),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=str(raw["id"]),
        name=_task_name(raw),
        project_id=_id(raw.get("project_id")),
        active=_active(raw.get("status")),
        raw=raw,
    )


@dataclass(frozen=True, slots=True)
class Session:
    """Contiguous activities of one user on one project and task, in time order."""

    activities: tuple[ActivityPayload, ...]
    start: datetime
    end: datetime

    @property
    def first(self) -> ActivityPayload:
        return self.activities[0]

    @property
    def user_id(self) -> int:
        return self.first["user_id"]


def span(raw: ActivityPayload) -> Span:
    """What an activity covers: ``[starts_at, starts_at + tracked)``."""
    start = parse_datetime(raw.get("starts_at") or raw.get("time_slot"))
    if start is None:
        raise ValueError("an activity without a start")
    return start, start + timedelta(seconds=raw.get("tracked", 0))


Span = tuple[datetime, datetime]
_Stamp = Callable[[str | None], datetime | None]  # a timestamp text read: parse_datetime's way
_Group = tuple[int, int, int]
# An activity as :func:`sessions` reads it: its place in time (start, end, id), the group of
# activities it may chain with, its span, and itself.
_Row = tuple[tuple[datetime, datetime, int], _Group, Span, ActivityPayload]


class SideLoads:
    """The users, projects and tasks a query's activity pages side-loaded (``include[]=``),
    by id: the names its entries embed, so that showing them costs no member, project or task
    list. A record without a usable id or name is left out (that entry's reference is then
    loaded as before)."""

    def __init__(self) -> None:
        self._users: dict[int, str] = {}
        self._projects: dict[int, tuple[str, int | None]] = {}
        self._tasks: dict[int, str] = {}

    def read(self, body: Any) -> None:
        """Remember the records a page's body side-loads next to its activities."""
        if not isinstance(body, dict):
            return
        for raw in _records(body.get("users")):
            name = _user_name(raw)
            if isinstance(raw.get("id"), int) and name:
                self._users[raw["id"]] = name
        for raw in _records(body.get("projects")):
            client = raw.get("client_id")
            if isinstance(raw.get("id"), int) and isinstance(raw.get("name"), str):
                self._projects[raw["id"]] = raw["name"], client if isinstance(client, int) else None
        for raw in _records(body.get("tasks")):
            if isinstance(raw.get("id"), int):
                self._tasks[raw["id"]] = _task_name(raw)

    def embedded(
        self, source: str, first: ActivityPayload
    ) -> tuple[Mapping[Kind, EmbeddedRef], str | None]:
        """The references a session beginning with activity ``first`` embeds, and its client
        id when the side-loaded project names one (a session's client is its project's)."""
        user_id = first["user_id"]
        project_id, task_id = first.get("project_id"), first.get("task_id")
        user = self._users.get(user_id)
        project = self._projects.get(project_id) if project_id is not None else None
        task = self._tasks.get(task_id) if task_id is not None else None
        if user is None and project is None and task is None:
            return NOTHING_EMBEDDED, None
        client_id = _id(project[1]) if project is not None else None
        refs = embedded_refs(
            source,
            user=(str(user_id), user) if user is not None else None,
            project=(str(project_id), project[0]) if project is not None else None,
            task=(str(task_id), task) if task is not None else None,
            names_client=client_id is not None,
        )
        return refs, client_id


def _records(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _task_name(record: Mapping[str, Any]) -> str:
    """A task's name as ``task`` gives it: its summary, or its id when it has none."""
    summary = record.get("summary")
    return summary if isinstance(summary, str) and summary else f"task {record['id']}"


def _user_name(record: Mapping[str, Any]) -> str:
    """A user's name as Hubstaff's user record gives it (``user`` reads it the same way)."""
    name = record.get("name")
    if isinstance(name, str) and name:
        return name
    return f"{record.get('first_name', '')} {record.get('last_name', '')}".strip()


class SpanMemo:
    """:func:`span` remembered by activity id for one query, with each timestamp text parsed
    once (a 10-minute slot's text is shared by everyone tracking in it: ~4 activities a text
    over a month), and the row :func:`sessions` sorts. :meth:`learn` does that work for a page
    as it arrives, while the query's other pages are in flight, so that what is left once the
    last one is in is sorting and chaining. ``names``: what the query's pages side-loaded."""

    def __init__(self) -> None:
        self.names = SideLoads()
        self._rows: dict[int, _Row] = {}
        self._stamps: dict[str, datetime] = {}
        # Spans by (start text, tracked seconds): the slot's activities mostly track all 600.
        self._spans: dict[tuple[str, int], Span] = {}

    def __call__(self, raw: ActivityPayload) -> Span:
        # Whichever copy of the activity its row was read from: spans go by id.
        return (self._rows.get(raw["id"]) or self.row(raw))[2]

    def users_at(
        self, activities: Iterable[ActivityPayload], edge: datetime, *, ends: bool
    ) -> set[int]:
        """The users with one of ``activities`` ending (``ends``) or else starting exactly at
        ``edge``: what calling ``self`` on each would say, without a call per activity (the
        call was most of the cost)."""
        side, known = (1 if ends else 0), self._rows.get
        return {
            raw["user_id"]
            for raw in activities
            if (known(raw["id"]) or self.row(raw))[2][side] == edge
        }

    def stamp(self, text: str | None) -> datetime | None:
        """``parse_datetime(text)``, each text parsed once per query (a session's id reads its
        first slot's text, mostly parsed already as that activity's start)."""
        if not text:
            return None
        known = self._stamps.get(text)
        if known is None:
            parsed = parse_datetime(text)
            if parsed is None:
                return None
            known = self._stamps[text] = parsed
        return known

    def learn(self, activities: Iterable[ActivityPayload]) -> None:
        """Read the rows of the ``activities`` not read yet. One that cannot be read is left
        to fail where it is used, as it did before pages were read ahead: a page's arrival
        must not cut short the query's other pages."""
        rows, read = self._rows, self._read
        for raw in activities:
            try:
                if raw["id"] not in rows:
                    rows[raw["id"]] = read(raw)
            except Exception:  # raised again by row(), where the activity is used
                continue

    def rows(self, activities: Iterable[ActivityPayload]) -> list[_Row]:
        """The rows of ``activities``, each id once (its last copy, as a dict keeps it)."""
        known, row = self._rows.get, self.row
        unique = {raw["id"]: raw for raw in activities}
        return [
            hit if (hit := known(key)) is not None and hit[3] is raw else row(raw)
            for key, raw in unique.items()
        ]

    def row(self, raw: ActivityPayload) -> _Row:
        """``raw`` as :func:`sessions` reads it."""
        known = self._rows.get(raw["id"])
        if known is None:
            known = self._rows[raw["id"]] = self._read(raw)
        elif known[3] is not raw:  # another copy of an activity read before: the span read then
            covers = known[2]
            return (covers[0], covers[1], raw["id"]), _key(raw), covers, raw
        return known

    def _read(self, raw: ActivityPayload) -> _Row:
        """The row of an activity: :func:`span` with its texts and lengths remembered."""
        text = raw.get("starts_at") or raw.get("time_slot") or ""
        tracked = raw.get("tracked", 0)
        covers = self._spans.get((text, tracked))
        if covers is None:
            start = self.stamp(text)
            if start is None:
                raise ValueError("an activity without a start")
            covers = self._spans[text, tracked] = start, start + timedelta(seconds=tracked)
        return (covers[0], covers[1], raw["id"]), _key(raw), covers, raw


def _key(raw: ActivityPayload) -> _Group:
    # A missing project or task is -1 (Hubstaff's ids are positive): activities without a
    # task chain with each other, never with those of a task.
    project_id, task_id = raw.get("project_id"), raw.get("task_id")
    return (
        raw["user_id"],
        -1 if project_id is None else project_id,
        -1 if task_id is None else task_id,
    )


@dataclass(slots=True)
class _Run:
    """A session being chained: activities of one group, each starting where the last ended."""

    activities: list[ActivityPayload]
    start: datetime
    end: datetime


def sessions(activities: Iterable[ActivityPayload], memo: SpanMemo | None = None) -> list[Session]:
    """Merge activities into sessions (duplicates by id are read once), ordered by start.

    ``memo`` may be the :class:`SpanMemo` shared by the calls for one query."""
    return _chain(_sorted_rows(activities, memo or SpanMemo()))[0]


class WindowSessions(NamedTuple):
    """One fetch window's sessions, chained from its own activities: ``inner`` ones touch
    neither of its edges and are whole; ``edges`` start at its start or end at its stop, and
    may go on into the neighbouring window."""

    inner: list[Session]
    edges: list[Session]


def window_sessions(
    activities: Iterable[ActivityPayload], memo: SpanMemo, start: datetime, stop: datetime
) -> WindowSessions | None:
    """The sessions of a window ``[start, stop)``'s activities, or ``None`` where reading it
    alone could chain them otherwise than reading every window at once.

    Chaining compares each activity with the previous one of its group in time order. When
    every activity lies within the window and none overlaps the one before it in its group,
    the only comparison another window adds is at a shared edge, between sessions that touch
    it; and any set of whole sessions chains again as it did. A vendor that sends an activity
    outside the range asked for, or overlapping ones, gets ``None``: read everything at once."""
    rows = _sorted_rows(activities, memo)
    if rows and (rows[0][0][0] < start or rows[-1][0][0] >= stop):
        return None
    found, overlapping = _chain(rows)
    if overlapping:
        return None
    inner: list[Session] = []
    edges: list[Session] = []
    for session in found:
        if session.end > stop:
            return None
        (edges if session.start == start or session.end == stop else inner).append(session)
    return WindowSessions(inner, edges)


class WindowChain:
    """A window's sessions chained page by page as its pages arrive: :func:`window_sessions`
    over all of them, with each session mapped (``finish``) as soon as it is whole, so that
    what is left once the last page is in is its few sessions still open.

    Pages come in id order, which is about time order: a page's activities start no earlier
    than the page before it began, give or take the minutes a late-synced slot is off. So a
    page's first row is taken as where the rows still to come begin, and the rows before it
    are chained, the way :func:`_chain` takes them over all rows sorted. A row that does come
    before what is chained already, an activity read twice, one that cannot be read, or any
    case where :func:`window_sessions` would answer ``None`` ends the shortcut: :meth:`result`
    is then ``None`` and the caller chains the whole window at once, as it did before.
    """

    def __init__(
        self,
        memo: SpanMemo,
        start: datetime,
        stop: datetime,
        finish: Callable[[Session], Any],
    ) -> None:
        self._memo, self._start, self._stop, self._finish = memo, start, stop, finish
        self._pending: list[_Row] = []  # read, not chained yet: rows to come may precede them
        self._mark: tuple[datetime, datetime, int] | None = None  # the last row chained
        self._runs: dict[_Group, _Run] = {}
        self._ids: set[int] = set()
        self._inner: list[Session] = []
        self._edges: list[Session] = []
        self._finished: list[Any] = []  # ``finish`` of each inner session
        self._shown = 0  # how many of them ``fresh`` has returned
        self._valid = True

    def feed(self, page: list[ActivityPayload]) -> None:
        """Read a page (into the memo, as :meth:`SpanMemo.learn` does) and chain what the
        pages still to come cannot precede."""
        if not self._valid:
            self._memo.learn(page)
            return
        try:
            rows = [self._memo.row(raw) for raw in page]
        except Exception:  # an unreadable activity fails where the whole window is chained
            self._stop_short(page)
            return
        ids = self._ids
        for row in rows:
            if row[0][2] in ids:
                self._stop_short(page)
                return
            ids.add(row[0][2])
        if not rows:
            return
        rows.sort(key=itemgetter(0))
        if self._mark is not None and rows[0][0] < self._mark:
            self._stop_short(page)
            return
        pending = self._pending + rows
        pending.sort(key=itemgetter(0))  # two sorted runs: a merge
        cut = bisect_left(pending, rows[0][0], key=itemgetter(0))
        self._pending = pending[cut:]
        self._chain(pending[:cut])

    def fresh(self) -> list[Any]:
        """``finish`` of the inner sessions closed since the last call: what the window will
        answer unless it is chained at once in the end (``result`` is ``None``)."""
        fresh = self._finished[self._shown :]
        self._shown = len(self._finished)
        return fresh

    def result(self) -> tuple[WindowSessions, list[Any]] | None:
        """The window's sessions and ``finish`` of each inner one (in the order they closed),
        once every page is fed; ``None``: chain the window at once (:func:`window_sessions`)."""
        self._chain(self._pending)
        self._pending = []
        for run in self._runs.values():
            self._close(run)
        self._runs = {}
        if not self._valid:
            return None
        order = _session_order
        self._inner.sort(key=order)
        self._edges.sort(key=order)
        return WindowSessions(self._inner, self._edges), self._finished

    def _chain(self, rows: list[_Row]) -> None:
        """:func:`_chain`'s step for each row, in order, closing the run a row does not go on."""
        if not self._valid or not rows:
            return
        if rows[0][0][0] < self._start or rows[-1][0][0] >= self._stop:
            self._valid = False
            return
        runs = self._runs
        for _, group, (begins, ends), raw in rows:
            run = runs.get(group)
            if run is not None and run.end == begins:
                run.activities.append(raw)
                run.end = ends
                continue
            if run is not None:
                if run.end > begins:  # an overlap
                    self._valid = False
                    return
                self._close(run)
            runs[group] = _Run([raw], begins, ends)
        self._mark = rows[-1][0]
        # Every row still to come begins at or after the last one chained (``feed`` stops
        # short otherwise), so a run that ended before it can neither go on nor be overlapped:
        # closed (and its session mapped) now, while the window's next pages are in flight.
        # Left open, a window's ~100 groups' last runs were all mapped in ``result``, once its
        # last page was in: ~5 ms of the month's critical path per window.
        begun = self._mark[0]
        for group in [g for g, run in runs.items() if run.end < begun]:
            self._close(runs.pop(group))

    def _close(self, run: _Run) -> None:
        if not self._valid:
            return
        session = Session(tuple(run.activities), run.start, run.end)
        if session.end > self._stop:
            self._valid = False
        elif session.start == self._start or session.end == self._stop:
            self._edges.append(session)
        else:
            self._inner.append(session)
            self._finished.append(self._finish(session))

    def _stop_short(self, page: list[ActivityPayload]) -> None:
        self._valid = False
        self._pending, self._runs, self._inner, self._edges, self._finished = [], {}, [], [], []
        self._shown = 0
        self._memo.learn(page)


def _session_order(session: Session) -> tuple[datetime, int]:
    return session.start, session.activities[0]["id"]


def _sorted_rows(activities: Iterable[ActivityPayload], memo: SpanMemo) -> list[_Row]:
    rows = memo.rows(activities)
    # In time order rather than by group first: each group's activities still come in the
    # order (start, end, id) that chains them, and pages come in id order, which is about
    # time order, so the sort mostly merges runs that are already in order.
    rows.sort(key=itemgetter(0))
    return rows


def _chain(rows: list[_Row]) -> tuple[list[Session], bool]:
    """Sessions of time-ordered rows, ordered by start, and whether an activity began before
    the one before it in its group ended (an overlap; Hubstaff's slots never do)."""
    runs: list[_Run] = []
    open_runs: dict[_Group, _Run] = {}
    overlapping = False
    for _, group, (begins, ends), raw in rows:
        run = open_runs.get(group)
        if run is not None and run.end == begins:
            run.activities.append(raw)
            run.end = ends
        else:
            # A group's open run ends where its latest activity ends.
            overlapping = overlapping or (run is not None and run.end > begins)
            run = open_runs[group] = _Run([raw], begins, ends)
            runs.append(run)
    out = [Session(tuple(r.activities), r.start, r.end) for r in runs]
    out.sort(key=_session_order)  # nearly in order already
    return out, overlapping


class SessionRef(NamedTuple):
    """What a session's native id says: its first activity, whose it is, and its slot."""

    activity_id: int
    user_id: int
    slot: datetime


def session_id(session: Session, memo: SpanMemo | None = None) -> str:
    first = session.first
    slot = (memo.stamp if memo else parse_datetime)(first.get("time_slot")) or session.start
    return f"{first['id']}.{first['user_id']}.{int(slot.timestamp())}"


def parse_session_id(native_id: str) -> SessionRef | None:
    parts = native_id.split(".")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    activity_id, user_id, slot = (int(p) for p in parts)
    return SessionRef(activity_id, user_id, datetime.fromtimestamp(slot, UTC))


def time_entry(source: str, session: Session, memo: SpanMemo | None = None) -> TimeEntry:
    """A session as a time entry: it counts for its first activity's (organization) day and
    is billable only if all of its activities are. ``memo`` is the query's, whose timestamp
    texts are parsed already, and whose pages may have side-loaded the session's user and
    project: then it embeds their names, and its client is the project's."""
    acts = session.activities
    first = session.first
    # Alone (no query's memo), each text is parsed as it is read: no memo for one entry.
    stamps: _Stamp = memo.stamp if memo else parse_datetime
    embedded, client_id = memo.names.embedded(source, first) if memo else (NOTHING_EMBEDDED, None)
    tracked, billable, created, updated = 0, True, [], []
    for raw in acts:  # one pass for what four would read
        tracked += raw.get("tracked", 0)
        billable = billable and bool(raw.get("billable", False))
        if text := raw.get("created_at"):
            created.append(text)
        if text := raw.get("updated_at"):
            updated.append(text)
    return TimeEntry(
        source=source,
        id=session_id(session, memo),
        date=parse_date(first["date"]) if first.get("date") else session.start.date(),
        duration_seconds=tracked,
        start=session.start,
        end=session.end,
        running=False,
        billable=billable,
        user_id=str(first["user_id"]),
        project_id=_id(first.get("project_id")),
        task_id=_id(first.get("task_id")),
        client_id=client_id,
        created_at=_extreme(created, stamps, latest=False),
        updated_at=_extreme(updated, stamps, latest=True),
        raw={"activities": list(acts)},
        embedded=embedded,
    )


def _extreme(texts: list[str], stamp: _Stamp, *, latest: bool) -> datetime | None:
    """The earliest (or latest) of timestamp texts, parsing one instead of each.

    Hubstaff writes them all alike (``2026-03-20T10:00:00Z``): texts of one length ending in
    ``Z`` order as the instants do. Any other mix is parsed one by one."""
    if not texts:
        return None
    size = len(texts[0])
    if all(len(t) == size and t[-1] == "Z" for t in texts):
        return stamp(max(texts) if latest else min(texts))
    parsed = [t for t in map(stamp, texts) if t is not None]
    return (max(parsed) if latest else min(parsed)) if parsed else None


@dataclass(frozen=True, slots=True)
class DailyTotal:
    """Tracked seconds of one user on one project and task on one (organization) day."""

    source: str
    date: date
    user_id: str
    project_id: str | None
    task_id: str | None
    tracked_seconds: int
    billable_seconds: int
    manual_seconds: int
    idle_seconds: int
    raw: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)


def daily_total(source: str, raw: DailyActivityPayload) -> DailyTotal:
    return DailyTotal(
        source=source,
        date=parse_date(raw["date"]),
        user_id=str(raw["user_id"]),
        project_id=_id(raw.get("project_id")),
        task_id=_id(raw.get("task_id")),
        tracked_seconds=raw.get("tracked", 0),
        billable_seconds=raw.get("billable", 0),
        manual_seconds=raw.get("manual", 0),
        idle_seconds=raw.get("idle", 0),
        raw=raw,
    )

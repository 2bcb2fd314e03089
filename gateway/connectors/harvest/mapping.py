"""Harvest JSON -> domain objects. Pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from gateway.connectors.embedding import Named, embedded_refs
from gateway.connectors.harvest.payloads import (
    ClientPayload,
    NamedRef,
    ProjectPayload,
    TaskPayload,
    TimeEntryPayload,
    UserPayload,
)
from gateway.models import Client, EmbeddedRef, Kind, Project, Task, TimeEntry, User
from gateway.normalize import (
    hours_to_seconds,
    local_to_utc,
    parse_date,
    parse_datetime,
    parse_wall_clock,
)


def _ref_id(ref: object) -> str | None:
    return str(ref["id"]) if isinstance(ref, dict) and ref.get("id") is not None else None


def user(source: str, raw: UserPayload) -> User:
    name = f"{raw.get('first_name', '')} {raw.get('last_name', '')}".strip()
    roles = raw.get("roles") or []
    return User(
        source=source,
        id=str(raw["id"]),
        name=name,
        email=raw.get("email"),
        timezone=raw.get("timezone"),
        active=raw.get("is_active", True),
        role=roles[0] if roles else None,
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def client(source: str, raw: ClientPayload) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        active=raw.get("is_active", True),
        currency=raw.get("currency"),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def project(source: str, raw: ProjectPayload) -> Project:
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        client_id=_ref_id(raw.get("client")),
        code=raw.get("code") or None,
        active=raw.get("is_active", True),
        billable=raw.get("is_billable"),
        created_at=parse_datetime(raw.get("created_at")),
        updated_at=parse_datetime(raw.get("updated_at")),
        raw=raw,
    )


def task(source: str, raw: TaskPayload) -> Task:
    return Task(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        active=raw.get("is_active", True),
        billable=raw.get("billable_by_default"),
        raw=raw,
    )


class EntryMemo:
    """What the entries of one listing repeat, read once: a month's ~1,000 entries fall on ~20
    days, their ~2,000 wall-clock times take ~600 texts, each day has one UTC offset in a zone
    (but the days its clocks change), and an entry's ``updated_at`` is mostly its
    ``created_at``. Offsets are kept per zone: one memo may serve entries read in different
    zones."""

    def __init__(self) -> None:
        # Each a per-listing cache of the pure function (a C lookup per repeat, no frame).
        self.day = cache(parse_date)
        self.clock = cache(parse_wall_clock)
        self.instant = cache(parse_datetime)
        self._offset = cache(_steady_offset)

    def local(self, day: date, wall: time, zone: ZoneInfo) -> datetime:
        """``local_to_utc``: by the day's one offset (a subtraction, not a zone lookup per
        time), or exactly on a day the zone's offset changes."""
        offset = self._offset(day, zone)
        if offset is None:
            return local_to_utc(day, wall, zone)
        return datetime.combine(day, wall, tzinfo=UTC) - offset


def _steady_offset(day: date, zone: ZoneInfo) -> timedelta | None:
    """``zone``'s UTC offset all through ``day``, or None if it changes that day (DST)."""
    first = zone.utcoffset(datetime.combine(day, time.min))
    last = zone.utcoffset(datetime.combine(day, time.max))
    return first if first == last else None


def time_entry(
    source: str,
    raw: TimeEntryPayload,
    zone: ZoneInfo,
    now: datetime | None = None,
    memo: EntryMemo | None = None,
) -> TimeEntry:
    """``hours`` is the duration (it already includes a running timer); ``started_time`` and
    ``ended_time`` are wall-clock times in the account's zone, present only on accounts that
    track timestamps. ``memo``: the listing's, when it maps many entries."""
    memo = memo or EntryMemo()
    day = memo.day(raw["spent_date"])
    running = bool(raw.get("is_running"))
    started, ended = memo.clock(raw.get("started_time")), memo.clock(raw.get("ended_time"))
    start = memo.local(day, started, zone) if started else memo.instant(raw.get("timer_started_at"))
    end = memo.local(day, ended, zone) if ended and not running else None
    if start and end and end < start:  # an entry that ran past midnight
        end += timedelta(days=1)
    duration = hours_to_seconds(raw.get("hours"))
    if running and start and raw.get("hours") is None:
        duration = int(((now or datetime.now(UTC)) - start).total_seconds())
    return TimeEntry(
        source=source,
        id=str(raw["id"]),
        date=day,
        duration_seconds=duration,
        start=start,
        end=end,
        running=running,
        billable=raw.get("billable"),
        description=raw.get("notes") or None,
        user_id=_ref_id(raw.get("user")),
        project_id=_ref_id(raw.get("project")),
        task_id=_ref_id(raw.get("task")),
        client_id=_ref_id(raw.get("client")),
        created_at=memo.instant(raw.get("created_at")),
        updated_at=memo.instant(raw.get("updated_at")),
        raw=raw,
        embedded=embedded(source, raw),
    )


def embedded(source: str, raw: TimeEntryPayload) -> Mapping[Kind, EmbeddedRef]:
    """The ``{id, name}`` objects Harvest embeds in an entry, as partial references.

    The names are what Harvest shows on the entry; should they ever lag a rename, the entry
    still shows what the vendor itself shows for it, which is acceptable. Harvest projects
    belong to one client, so the entry's client is its project's client.
    """
    return embedded_refs(
        source,
        user=_named(raw.get("user")),
        task=_named(raw.get("task")),
        client=_named(raw.get("client")),
        project=_named(raw.get("project")),
        names_client=raw.get("client") is not None,
    )


def _named(ref: NamedRef | None) -> Named | None:
    """``(id, name)`` of an embedded object, or None when it is absent or unnamed."""
    if not isinstance(ref, dict) or ref.get("id") is None or not ref.get("name"):
        return None
    return str(ref["id"]), ref["name"]

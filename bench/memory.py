"""An in-memory source for benchmarks: a connector over lists held in memory.

It answers like a vendor that filters by date server-side and returns entries newest first
(what ``Gateway`` pushes down on every page), so a benchmark through it measures Hourglass's
own work per entry, not a vendor's latency.
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from gateway.connectors.base import Capabilities, Order, SourceConfig, TimeEntryQuery
from gateway.models import Kind, Project, Reference, TimeEntry, User
from gateway.references import ReferenceStore
from gateway.service import Gateway, SourceRuntime

TODAY = date(2026, 3, 20)
CAPABILITIES = Capabilities(kinds=frozenset(Kind), time_entry_order=Order.DESC)


@dataclass
class MemoryConnector:
    """Entries sorted newest first; ``time_entries`` bisects to the query's date window."""

    source: str
    entries: list[TimeEntry]
    references_of: dict[Kind, list[Reference]] = field(default_factory=dict)
    vendor: str = "memory"
    capabilities: Capabilities = CAPABILITIES

    def __post_init__(self) -> None:
        self.entries.sort(key=lambda e: (e.date, e.start or _EPOCH), reverse=True)
        self._neg_days = [-e.date.toordinal() for e in self.entries]

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        lo = 0
        hi = len(self.entries)
        if query.date_to is not None:
            lo = bisect.bisect_left(self._neg_days, -query.date_to.toordinal())
        if query.date_from is not None:
            hi = bisect.bisect_right(self._neg_days, -query.date_from.toordinal())
        for index in range(lo, hi):
            yield self.entries[index]

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        for ref in self.references_of.get(kind, []):
            yield ref

    async def references_by_id(self, kind: Kind, ids: Sequence[str]) -> Mapping[str, Reference]:
        wanted = set(ids)
        return {r.id: r for r in self.references_of.get(kind, []) if r.id in wanted}

    async def time_entry(self, native_id: str) -> TimeEntry | None:
        return next((e for e in self.entries if e.id == native_id), None)

    async def whoami(self) -> str:
        return "memory"

    async def aclose(self) -> None:
        return None


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def synthetic_entries(
    count: int, *, source: str = "mem", users: int = 50, projects: int = 200
) -> list[TimeEntry]:
    """``count`` entries over the year before ``TODAY``, with realistic field values."""
    out = []
    for n in range(count):
        day = TODAY - timedelta(days=n * 365 // max(count, 1))
        start = datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(minutes=n % 600)
        seconds = 900 + (n * 37) % 27000
        out.append(
            TimeEntry(
                source=source,
                id=str(1_000_000 + n),
                date=day,
                duration_seconds=seconds,
                start=start,
                end=start + timedelta(seconds=seconds),
                billable=n % 3 != 0,
                description=f"Work item {n % 997}: review and follow-up",
                tags=("client-work", "q1") if n % 2 else (),
                user_id=str(n % users),
                project_id=str(n % projects),
                updated_at=start + timedelta(days=1),
            )
        )
    return out


def memory_gateway(entries: int, *, source: str = "mem") -> Gateway:
    """A gateway over one in-memory source with ``entries`` entries, 50 users, 200 projects."""
    users: list[Reference] = [
        User(source, str(i), f"User {i}", email=f"user{i}@example.com") for i in range(50)
    ]
    projects: list[Reference] = [Project(source, str(i), f"Project {i}") for i in range(200)]
    connector = MemoryConnector(
        source,
        synthetic_entries(entries, source=source),
        {Kind.USER: users, Kind.PROJECT: projects},
    )
    config = SourceConfig(name=source, vendor="memory")
    runtime = SourceRuntime(config, connector, ReferenceStore(connector, ttl=300, maxsize=10_000))
    return Gateway({source: runtime}, today=lambda: TODAY)

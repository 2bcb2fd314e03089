"""Time entries in memory, indexed so a list request costs about O(page).

Order is Harvest's: ``spent_date`` descending, then id descending (newest-created first within
a day, as in the documented example). Every index holds sort keys ``(-date ordinal, -id)`` in
ascending order, so a ``from``/``to`` range is a bisect and a page is a slice.

A stopped entry's JSON is serialised when the entry is attached (seeding, and again after every
write, which detaches and re-attaches it), so a list answer is a join of ready fragments: a
month is ~1,000 entries, ~27 us each to render, which cost most of the answer when done on the
first request instead. Running entries are rendered per request: their hours grow with time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import orjson

from gateway.simulators.harvest.catalog import Catalog
from gateway.simulators.harvest.entries import Entry
from gateway.simulators.harvest.payloads import TimeEntry
from gateway.simulators.harvest.serialize import entry_payload

Key = tuple[int, int]
_HUGE = 1 << 62
INDEXED = ("user_id", "project_id", "client_id", "task_id")


@dataclass(frozen=True, slots=True)
class EntryFilter:
    from_date: date | None = None
    to_date: date | None = None
    user_id: int | None = None
    project_id: int | None = None
    client_id: int | None = None
    task_id: int | None = None
    is_running: bool | None = None
    is_billed: bool | None = None
    updated_since: datetime | None = None


def _key(entry: Entry) -> Key:
    return (-entry.spent_date.toordinal(), -entry.id)


class EntryStore:
    def __init__(self, catalog: Catalog, entries: list[Entry]) -> None:
        self.catalog = catalog
        self.entries: dict[int, Entry] = {}
        self._order: list[Key] = []
        self._index: dict[str, dict[int, list[Key]]] = {name: {} for name in INDEXED}
        self._running: set[int] = set()
        self._json: dict[int, orjson.Fragment] = {}
        self.last_id = 0
        for entry in sorted(entries, key=_key):
            self._attach(entry, append=True)

    def _fields(self, entry: Entry) -> dict[str, int]:
        client = self.catalog.projects[entry.project_id]["client"]["id"]
        return {
            "user_id": entry.user_id,
            "project_id": entry.project_id,
            "client_id": client,
            "task_id": entry.task_id,
        }

    def _attach(self, entry: Entry, *, append: bool = False) -> None:
        key = _key(entry)
        self.entries[entry.id] = entry
        lists = [self._order] + [
            self._index[n].setdefault(v, []) for n, v in self._fields(entry).items()
        ]
        for keys in lists:
            if append:
                keys.append(key)
            else:
                insort(keys, key)
        self.last_id = max(self.last_id, entry.id)
        if entry.is_running:
            self._running.add(entry.id)
        else:
            self._json[entry.id] = self._fragment(entry)

    def detach(self, entry: Entry) -> None:
        """Take an entry out of every index (before changing or deleting it)."""
        key = _key(entry)
        lists = [self._order] + [self._index[n][v] for n, v in self._fields(entry).items()]
        for keys in lists:
            del keys[bisect_left(keys, key)]
        del self.entries[entry.id]
        self._running.discard(entry.id)
        self._json.pop(entry.id, None)

    def attach(self, entry: Entry) -> None:
        self._attach(entry)

    def new_id(self) -> int:
        # Ids keep rising with gaps: other accounts share the sequence.
        return self.last_id + 17

    def running(self, user_id: int) -> list[Entry]:
        return [self.entries[i] for i in self._running if self.entries[i].user_id == user_id]

    def query(self, f: EntryFilter, offset: int, limit: int) -> tuple[int, list[Entry]]:
        """(total matching, the entries of ``[offset, offset + limit)``)."""
        keys = self._candidates(f)
        lo = 0 if f.to_date is None else bisect_left(keys, (-f.to_date.toordinal(), -_HUGE))
        hi = (
            len(keys)
            if f.from_date is None
            else bisect_right(keys, (-f.from_date.toordinal(), _HUGE))
        )
        hi = max(lo, hi)
        test = self._residual(f)
        if test is None:
            page = keys[lo + offset : min(hi, lo + offset + limit)]
            return hi - lo, [self.entries[-k[1]] for k in page]
        hits = [e for e in (self.entries[-k[1]] for k in keys[lo:hi]) if test(e)]
        return len(hits), hits[offset : offset + limit]

    def _candidates(self, f: EntryFilter) -> list[Key]:
        if f.is_running:
            return sorted(_key(self.entries[i]) for i in self._running)
        options = [self._index[n].get(v, []) for n in INDEXED if (v := getattr(f, n)) is not None]
        return min(options, key=len) if options else self._order

    def _residual(self, f: EntryFilter) -> Callable[[Entry], bool] | None:
        """The checks the chosen index does not already guarantee (None if there are none)."""
        checks: list[Callable[[Entry], bool]] = []
        ids = {n: v for n in INDEXED if (v := getattr(f, n)) is not None}
        if len(ids) > 1 or (ids and f.is_running):
            checks.append(lambda e: all(self._fields(e)[n] == v for n, v in ids.items()))
        if f.is_running is False:
            checks.append(lambda e: not e.is_running)
        if f.is_billed is not None:
            checks.append(lambda e: e.is_billed == f.is_billed)
        if (since := f.updated_since) is not None:
            checks.append(lambda e: e.updated_at >= since)
        if not checks:
            return None
        return lambda e: all(check(e) for check in checks)

    def render(self, entries: list[Entry], now: datetime) -> list[TimeEntry | orjson.Fragment]:
        """Records ready for orjson; stopped entries come serialised (see the module doc)."""
        return [self.payload(e, now) if e.is_running else self._json[e.id] for e in entries]

    def payload(self, entry: Entry, now: datetime) -> TimeEntry:
        return entry_payload(entry, self.catalog, now)

    def _fragment(self, entry: Entry) -> orjson.Fragment:
        # A stopped entry's hours do not depend on "now", so any instant renders it the same.
        return orjson.Fragment(orjson.dumps(entry_payload(entry, self.catalog, entry.updated_at)))

"""The account's records, indexed so a request costs O(page), not O(all).

Unsorted listings come in a fixed, documented order (the vendor documents none): resources,
projects and clients in creation order; time entries by ``date``, then ``createdDate``, then
``_id``. Time entries are also indexed by project and by resource (each list in that same
order), so a search on one project over a date range bisects straight to its slice.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

from gateway.simulators.hubplanner.payloads import TimeEntry
from gateway.simulators.hubplanner.query import EQ, Condition

R = TypeVar("R", bound=Mapping[str, object])


class Collection(Generic[R]):
    """A small, read-only area (resources, projects, clients)."""

    def __init__(self, records: list[R]) -> None:
        self.records = records
        self.by_id = {str(r["_id"]): r for r in records}

    def get(self, item_id: str) -> R | None:
        return self.by_id.get(item_id)

    def candidates(self, conditions: list[Condition]) -> Iterable[R]:
        return self.records


def _order(entry: TimeEntry) -> tuple[str, str, str]:
    return (entry["date"], entry["createdDate"], entry["_id"])


def _day(entry: TimeEntry) -> str:
    return entry["date"]


class TimeEntries:
    """Time entries with project, resource and date indexes, kept current across writes."""

    def __init__(self, entries: list[TimeEntry]) -> None:
        self.by_id: dict[str, TimeEntry] = {}
        self.ordered: list[TimeEntry] = []
        self.by_project: defaultdict[str, list[TimeEntry]] = defaultdict(list)
        self.by_resource: defaultdict[str, list[TimeEntry]] = defaultdict(list)
        for entry in sorted(entries, key=_order):
            self.by_id[entry["_id"]] = entry
            self.ordered.append(entry)
            self.by_project[entry["project"]].append(entry)
            self.by_resource[entry["resource"]].append(entry)

    def get(self, item_id: str) -> TimeEntry | None:
        return self.by_id.get(item_id)

    def add(self, entry: TimeEntry) -> None:
        self.by_id[entry["_id"]] = entry
        for index in self._indexes(entry):
            insort(index, entry, key=_order)

    def remove(self, entry: TimeEntry) -> None:
        del self.by_id[entry["_id"]]
        for index in self._indexes(entry):
            del index[bisect_left(index, _order(entry), key=_order)]

    def _indexes(self, entry: TimeEntry) -> tuple[list[TimeEntry], ...]:
        return (self.ordered, self.by_project[entry["project"]],
                self.by_resource[entry["resource"]])

    def candidates(self, conditions: list[Condition]) -> Iterable[TimeEntry]:
        """The narrowest ordered run of entries that can hold every match; the caller still
        applies all conditions to it."""
        base = self._narrowest(conditions)
        if not isinstance(base, list):
            return base
        low, high = _date_bounds(conditions)
        start = bisect_left(base, low, key=_day) if low else 0
        # Inclusive even for $lt: the caller's conditions drop the boundary day.
        stop = bisect_right(base, high, key=_day) if high else len(base)
        return base[start:stop] if (start, stop) != (0, len(base)) else base

    def _narrowest(self, conditions: list[Condition]) -> Iterable[TimeEntry]:
        options: list[list[TimeEntry]] = [self.ordered]
        for c in conditions:
            if c.key == "_id" and c.op in (EQ, "$in"):
                ids = c.value if isinstance(c.value, frozenset) else {c.value}
                found = (self.by_id.get(str(i)) for i in ids)
                return sorted((e for e in found if e is not None), key=_order)
            index = {"project": self.by_project, "resource": self.by_resource}.get(c.key)
            if index is None:
                continue
            if c.op == EQ:
                options.append(index.get(str(c.value), []))
            elif c.op == "$in" and isinstance(c.value, frozenset):
                merged = heapq.merge(*(index.get(str(v), []) for v in c.value), key=_order)
                options.append(list(merged))
        return min(options, key=len)


def _date_bounds(conditions: list[Condition]) -> tuple[str, str]:
    """The tightest ``(low, high)`` date strings the conditions imply ('' when open)."""
    low, high = "", ""
    for c in conditions:
        if c.key != "date" or not isinstance(c.value, str):
            continue
        if c.op in (EQ, "$gte"):
            low = max(low, c.value)
        if c.op in (EQ, "$lte", "$lt"):
            high = min(high, c.value) if high else c.value
    return low, high

"""The mutable workspace behind one app, indexed so a request costs O(its answer).

Indexes: live entries per user and workspace-wide as sorted ``(start, id)`` lists (bisect for
date ranges), every entry id per user including deleted ones (for ``since``), each user's
running entry, and tracked-seconds totals per project and task. ``version`` changes on every
write so cached Reports results go stale.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterator
from dataclasses import dataclass, field

from gateway.simulators.toggl.data import Seed
from gateway.simulators.toggl.model import (
    ClientRec,
    EntryRec,
    ProjectRec,
    TagRec,
    TaskRec,
    UserRec,
)

ME_ENTRIES_LIMIT = 1000

Key = tuple[int, int]


@dataclass
class Store:
    workspace_id: int
    owner_id: int
    users: dict[int, UserRec]
    clients: list[ClientRec]
    projects: dict[int, ProjectRec]
    tasks: dict[int, TaskRec]
    tags: dict[int, TagRec]
    entries: dict[int, EntryRec] = field(default_factory=dict)
    by_user: dict[int, list[Key]] = field(default_factory=dict)
    timeline: list[Key] = field(default_factory=list)
    all_ids: dict[int, list[int]] = field(default_factory=dict)
    running: dict[int, int] = field(default_factory=dict)
    version: int = 0
    next_id: int = 0

    @classmethod
    def from_seed(cls, seed: Seed) -> Store:
        store = cls(
            workspace_id=seed.workspace_id, owner_id=seed.owner_id,
            users={u.id: u for u in seed.users}, clients=list(seed.clients),
            projects={p.id: copy.copy(p) for p in seed.projects},
            tasks={t.id: copy.copy(t) for t in seed.tasks},
            tags={t.id: copy.copy(t) for t in seed.tags},
        )
        for o in seed.entries:  # already sorted by (start, id)
            entry = EntryRec(o.id, o.workspace_id, o.user_id, o.project_id, o.task_id,
                             o.description, o.start, o.stop, o.duration, o.billable,
                             list(o.tag_ids), o.at, o.deleted_at)
            store.entries[entry.id] = entry
            store.all_ids.setdefault(entry.user_id, []).append(entry.id)
            if entry.deleted_at is None:
                key = (entry.start, entry.id)
                store.timeline.append(key)
                store.by_user.setdefault(entry.user_id, []).append(key)
                store._account(entry, 1)
        store.next_id = max(store.entries, default=3_000_000_000)
        return store

    def tag_names(self) -> dict[int, str]:
        return {t.id: t.name for t in self.tags.values()}

    def _account(self, entry: EntryRec, sign: int) -> None:
        if entry.running:
            if sign > 0:
                self.running[entry.user_id] = entry.id
            elif self.running.get(entry.user_id) == entry.id:
                del self.running[entry.user_id]
            return
        if entry.project_id in self.projects:
            self.projects[entry.project_id].actual_seconds += sign * entry.duration
        if entry.task_id in self.tasks:
            self.tasks[entry.task_id].tracked_seconds += sign * entry.duration

    def index(self, entry: EntryRec) -> None:
        if entry.id not in self.entries:
            self.all_ids.setdefault(entry.user_id, []).append(entry.id)
        self.entries[entry.id] = entry
        bisect.insort(self.timeline, entry.key())
        bisect.insort(self.by_user.setdefault(entry.user_id, []), entry.key())
        self._account(entry, 1)
        self.version += 1

    def unindex(self, entry: EntryRec) -> None:
        for keys in (self.timeline, self.by_user[entry.user_id]):
            del keys[bisect.bisect_left(keys, entry.key())]
        self._account(entry, -1)
        self.version += 1

    def new_id(self) -> int:
        self.next_id += 7
        return self.next_id

    def live(self, entry_id: int) -> EntryRec | None:
        entry = self.entries.get(entry_id)
        return entry if entry is not None and entry.deleted_at is None else None

    def current(self, user_id: int) -> EntryRec | None:
        entry_id = self.running.get(user_id)
        return None if entry_id is None else self.entries[entry_id]

    def between(self, keys: list[Key], start: int, end: int) -> list[Key]:
        """Keys of entries that started in ``[start, end)``."""
        lo = bisect.bisect_left(keys, (start, -1))
        hi = bisect.bisect_left(keys, (end, -1))
        return keys[lo:hi]

    def me_entries(self, user_id: int, start: int, end: int, since: int | None) -> list[EntryRec]:
        """Newest first, silently cut to the newest 1000 as Toggl does."""
        if since is None:
            keys = self.between(self.by_user.get(user_id, []), start, end)
            tail = keys[-ME_ENTRIES_LIMIT:]
            return [self.entries[i] for _, i in reversed(tail)]
        found = [e for i in self.all_ids.get(user_id, [])
                 if (e := self.entries[i]).at >= since and start <= e.start < end]
        found.sort(key=EntryRec.key, reverse=True)
        return found[:ME_ENTRIES_LIMIT]

    def in_range(self, start: int, end: int) -> Iterator[EntryRec]:
        for _, entry_id in self.between(self.timeline, start, end):
            yield self.entries[entry_id]

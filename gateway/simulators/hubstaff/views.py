"""Side-loading (``include[]=users`` etc.): related records next to the page, top level.

Hubstaff answers ``include[]=users`` on a list with a sibling ``"users": [...]`` array holding
each user the page refers to, once, in id order (vendor sheet: batch users via members with
``include[]=users`` instead of N calls to ``/users/{id}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gateway.simulators.hubstaff.store import Store


def side_load(
    store: Store, wanted: set[str], records: Sequence[Mapping[str, object]],
    member_projects: Mapping[int, Iterable[int]] | None = None,
) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    if "users" in wanted:
        ids = _ids(records, "user_id") | _ids(records, "assignee_ids")
        out["users"] = [store.users[i] for i in sorted(ids) if i in store.users]
    if "projects" in wanted:
        ids = _ids(records, "project_id") | _ids(records, "project_ids")
        if member_projects is not None:
            ids |= {p for r in records for p in member_projects.get(_int(r, "user_id"), ())}
        out["projects"] = [store.projects[i] for i in sorted(ids) if i in store.projects]
    if "tasks" in wanted:
        ids = _ids(records, "task_id")
        out["tasks"] = [store.task_by_id[i] for i in sorted(ids) if i in store.task_by_id]
    if "clients" in wanted:
        ids = _ids(records, "client_id")
        out["clients"] = [c for c in store.clients if c["id"] in ids]
    return out


def _ids(records: Sequence[Mapping[str, object]], field: str) -> set[int]:
    found: set[int] = set()
    for record in records:
        value = record.get(field)
        if isinstance(value, int):
            found.add(value)
        elif isinstance(value, list):
            found.update(v for v in value if isinstance(v, int))
    return found


def _int(record: Mapping[str, object], field: str) -> int:
    value = record.get(field)
    return value if isinstance(value, int) else 0

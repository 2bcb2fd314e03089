"""The compiled execution path answers exactly as graphql-core does.

Seeded random queries (field subsets, aliases, named and inline fragments, ``__typename``,
@skip/@include with variables and literals, duplicate fields merged, nested references,
edges/nodes/pageInfo/sourceResults, non-plain fields mixed in) run against an in-memory data
set through the schema with and without the compiled path; data and errors (messages, paths,
locations, extensions, order) must be identical. A "bad" source holds values that make
graphql-core raise: an out-of-range Int in a non-null position, a user and a project without
a name, a tag that is not a string, a reference that was not prefetched.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from strawberry.extensions import SchemaExtension

from bench.memory import MemoryConnector
from gateway.models import (
    ID_AND_NAME,
    Client,
    EmbeddedRef,
    Kind,
    Project,
    Reference,
    Task,
    TimeEntry,
    User,
)
from gateway.service import Gateway, SourceRuntime
from schema import Context, HourglassSchema, Query, build_schema
from schema.ahead import RenderAhead
from schema.execution import stale_equivalents
from schema.execution.executor import CompiledExecutor
from schema.time_entries import TimeEntry as TimeEntryType
from tests.conftest import fake_runtime

TODAY = date(2026, 3, 20)
QUERIES = 520
PLUS2 = timezone(timedelta(hours=2))
PLAIN = build_schema(compiled=False).execution_context_class


def _when(rng: random.Random) -> datetime | None:
    roll = rng.random()
    if roll < 0.15:
        return None
    year = rng.choice([2025, 2026, 2026, 2026, 999, 9999])
    moment = datetime(year, rng.randint(1, 12), rng.randint(1, 28), tzinfo=UTC) + timedelta(
        seconds=rng.randrange(86400), microseconds=rng.choice([0, 0, rng.randrange(10**6)])
    )
    return moment.astimezone(PLUS2) if roll > 0.9 else moment  # aware, not the UTC singleton


def _references(source: str) -> dict[Kind, list[Reference]]:
    return {
        Kind.USER: [
            User(source, f"u{i}", f"User {i}", email=None if i % 3 else f"u{i}@x.io")
            for i in range(4)
        ],
        Kind.CLIENT: [Client(source, f"c{i}", f"Client {i}", currency="EUR") for i in range(2)],
        Kind.PROJECT: [
            Project(source, f"p{i}", f"Project {i}", client_id=f"c{i % 3}" if i % 4 else None)
            for i in range(5)
        ],
        Kind.TASK: [Task(source, f"t{i}", f"Task {i}", project_id=f"p{i}") for i in range(3)],
    }


def _entries(source: str, rng: random.Random, count: int) -> list[TimeEntry]:
    out = []
    for n in range(count):
        start = _when(rng)
        out.append(
            TimeEntry(
                source=source,
                id=f"{source}-{n}",
                date=TODAY - timedelta(days=rng.randrange(30)),
                duration_seconds=rng.randrange(0, 30000),
                start=start,
                end=_when(rng),
                running=rng.random() < 0.1,
                billable=rng.choice([True, False, None]),
                description=rng.choice([None, "", "review", "naïve ☃ text"]),
                tags=tuple(rng.sample(["a", "b", "c"], rng.randrange(3))),
                user_id=rng.choice([None, "u0", "u1", "u2", "u3", "u9"]),
                project_id=rng.choice([None, "p0", "p1", "p2", "p3", "p4", "p8"]),
                task_id=rng.choice([None, "t0", "t1", "t7"]),
                client_id=rng.choice([None, None, "c0", "c5"]),
                created_at=_when(rng),
                updated_at=_when(rng),
                raw=rng.choice([None, {"vendor": {"id": n, "ok": True}}]),
            )
        )
    return [_embedding(e) for e in out] if source == "a" else out


def _embedding(entry: TimeEntry) -> TimeEntry:
    """Source "a" embeds its user, client and project (linked to the client), as Harvest does,
    with names other than the reference store's, so serving them shows in the results."""
    found: dict[Kind, EmbeddedRef] = {}
    if entry.user_id:
        found[Kind.USER] = EmbeddedRef(User("a", entry.user_id, "Shown user"), ID_AND_NAME)
    if entry.client_id:
        found[Kind.CLIENT] = EmbeddedRef(Client("a", entry.client_id, "Shown client"), ID_AND_NAME)
    if entry.project_id and entry.client_id:
        shown = Project("a", entry.project_id, "Shown project", client_id=entry.client_id)
        links = {Kind.CLIENT: found[Kind.CLIENT]}
        found[Kind.PROJECT] = EmbeddedRef(shown, ID_AND_NAME | {"client_id"}, links)
    elif entry.project_id:
        found[Kind.PROJECT] = EmbeddedRef(Project("a", entry.project_id, "Shown"), ID_AND_NAME)
    return replace(entry, embedded=found)


def _bad_entries() -> list[TimeEntry]:
    """Values graphql-core rejects: each ends in an error (and null propagation)."""
    day = TODAY - timedelta(days=1)
    return [
        TimeEntry("bad", "overflow", day, duration_seconds=2**40),
        TimeEntry("bad", "nameless-project", day, duration_seconds=60, project_id="nameless"),
        TimeEntry("bad", "odd-tag", day, duration_seconds=60, tags=("ok", None)),  # type: ignore[arg-type]
        TimeEntry("bad", "nameless", day, duration_seconds=60, user_id="nameless"),
        TimeEntry("bad", "float-desc", day, duration_seconds=60, description=1.5),  # type: ignore[arg-type]
    ]


def _runtime(
    name: str, entries: list[TimeEntry], refs: dict[Kind, list[Reference]]
) -> SourceRuntime:
    return fake_runtime(MemoryConnector(name, entries, refs), vendor="memory", ttl=300)


def _gateway() -> Gateway:
    rng = random.Random(7)
    bad_refs = _references("bad")
    bad_refs[Kind.USER].append(User("bad", "nameless", None))  # type: ignore[arg-type]
    bad_refs[Kind.PROJECT].append(Project("bad", "nameless", None))  # type: ignore[arg-type]
    runtimes = [
        _runtime("a", _entries("a", rng, 25), _references("a")),
        _runtime("b", _entries("b", rng, 15), _references("b")),
        _runtime("bad", _bad_entries(), bad_refs),
    ]
    return Gateway({rt.name: rt for rt in runtimes}, today=lambda: TODAY)


TE_LEAVES = [
    "id", "nativeId", "date", "start", "end", "durationSeconds", "hours", "running",
    "billable", "description", "tags", "createdAt", "updatedAt", "raw", "__typename",
]  # fmt: skip
OBJECTS: dict[str, tuple[list[str], dict[str, str]]] = {
    "TimeEntry": (
        TE_LEAVES,
        {
            "user": "User",
            "project": "Project",
            "task": "Task",
            "client": "Client",
            "source": "Source",
        },
    ),
    "User": (["id", "name", "email", "timezone", "active", "role", "__typename"], {}),
    "Project": (
        ["id", "nativeId", "name", "code", "active", "billable", "__typename"],
        {"client": "Client"},
    ),
    "Task": (["id", "name", "active", "billable"], {"project": "Project"}),
    "Client": (["id", "name", "active", "currency", "createdAt", "__typename"], {}),
    "Source": (["name", "vendor", "status"], {}),
}


class QueryGen:
    """One random query: its text and the variables it declares."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.fragments: list[str] = []
        self.variables: set[str] = set()
        self.aliases = 0

    def condition(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.75:
            return ""
        directive = rng.choice(["skip", "include"])
        if roll < 0.88:
            return f" @{directive}(if: {rng.choice(['true', 'false'])})"
        var = rng.choice(["yes", "no"])
        self.variables.add(var)
        return f" @{directive}(if: ${var})"

    def alias(self, name: str) -> str:
        if self.aliases < 40 and self.rng.random() < 0.2:
            self.aliases += 1
            return f"{self.rng.choice(['a1', 'a2', 'x'])}{name.strip('_')}: "
        return ""

    def selection(self, type_name: str, depth: int) -> str:
        leaves, objects = OBJECTS[type_name]
        rng = self.rng
        parts = []
        names = rng.sample(leaves, rng.randint(1, min(len(leaves), 6)))
        for name in names:
            # Same alias for a repeated field, so the two merge (a valid duplicate).
            alias = self.alias(name)
            parts.append(f"{alias}{name}{self.condition()}")
            if rng.random() < 0.1:
                parts.append(f"{alias}{name}")
        for name, target in objects.items():
            if depth < 3 and rng.random() < (0.08 if target == "Source" else 0.35):
                alias = self.alias(name)
                for _ in range(rng.choice([1, 1, 2])):  # twice: the sub-selections merge
                    parts.append(
                        f"{alias}{name}{self.condition()} {{ {self.selection(target, depth + 1)} }}"
                    )
        if type_name != "Source" and rng.random() < 0.15:
            parts.append(f"... on Node{self.condition()} {{ {self.alias('id')}id __typename }}")
        rng.shuffle(parts)
        return " ".join(self.wrap(type_name, parts))

    def wrap(self, type_name: str, parts: list[str]) -> list[str]:
        rng = self.rng
        if len(parts) < 2 or rng.random() < 0.5:
            return parts
        cut = rng.randrange(1, len(parts))
        inner = " ".join(parts[cut:])
        roll = rng.random()
        if roll < 0.4:
            name = f"F{len(self.fragments)}"
            self.fragments.append(f"fragment {name} on {type_name} {{ {inner} }}")
            return [*parts[:cut], f"...{name}{self.condition()}"]
        if roll < 0.7:
            return [*parts[:cut], f"... on {type_name}{self.condition()} {{ {inner} }}"]
        return [*parts[:cut], f"...{self.condition()} {{ {inner} }}"]

    def connection(self, item: str) -> str:
        rng = self.rng
        parts = []
        if rng.random() < 0.6:
            parts.append(f"nodes {{ {self.selection(item, 0)} }}")
        if rng.random() < 0.5 or not parts:
            cursor = "cursor " if rng.random() < 0.5 else ""
            parts.append(f"edges {{ {cursor}node {{ {self.selection(item, 0)} }} }}")
        if rng.random() < 0.4:
            parts.append("pageInfo { hasNextPage hasPreviousPage startCursor endCursor }")
        if rng.random() < 0.3:
            parts.append("sourceResults { source supported complete problem { code } }")
        if rng.random() < 0.2:
            parts.append("__typename")
        return " ".join(parts)

    def query(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.7:
            sources = rng.choice(['["a", "b"]', '["a"]', "null", '["b", "a"]'])
            if rng.random() < 0.2:
                sources = rng.choice(['["bad"]', '["a", "bad"]'])
            order = rng.choice(["ASC", "DESC"])
            args = f"first: {rng.choice([3, 10, 20])}, sources: {sources}, order: {order}"
            body = f"timeEntries({args}) {{ {self.connection('TimeEntry')} }}"
        elif roll < 0.85:
            body = f'projects(sources: ["a", "b"]) {{ {self.connection("Project")} }}'
        else:
            sources = rng.choice(['["a"]', '["b", "a"]'])
            body = f"users(sources: {sources}) {{ {self.connection('User')} }}"
        decls = "".join(f"${v}: Boolean!" for v in sorted(self.variables))
        head = f"query Q({decls})" if decls else "query Q"
        return "\n".join([f"{head} {{ {body} }}", *self.fragments])


async def _run(
    schema: Any, gateway: Gateway, query: str, *, compiled: bool, flip: bool = False
) -> dict[str, Any]:
    # One schema, its executor swapped: the query is parsed and validated once for both runs.
    schema.execution_context_class = CompiledExecutor if compiled else PLAIN
    result = await schema.execute(
        query, variable_values={"yes": not flip, "no": flip}, context_value=Context(gateway)
    )
    return {"data": result.data, "errors": [e.formatted for e in result.errors or []]}


def _counting(calls: dict[str, int], name: str) -> Any:
    original = getattr(CompiledExecutor, name)

    def counted(self: Any, *args: Any) -> Any:
        calls[name] += 1
        return original(self, *args)

    return counted


def _counting_ahead(served: list[tuple[int, int]]) -> Any:
    """``RenderAhead.feed``, counting the items it hands over completed ahead."""
    original = RenderAhead.feed

    def feed(self: RenderAhead, items: list[Any], out: list[Any]) -> Iterator[Any]:
        handed = 0
        for item in original(self, items, out):
            handed += 1
            yield item
        served.append((len(items), len(items) - handed))

    return feed


def test_compiled_and_plain_paths_give_identical_results(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"_complete_with_plan": 0, "_complete_normally": 0}
    for name in calls:
        monkeypatch.setattr(CompiledExecutor, name, _counting(calls, name))
    ahead: list[tuple[int, int]] = []  # per list completed: its items, those done ahead
    monkeypatch.setattr(RenderAhead, "feed", _counting_ahead(ahead))
    schema = build_schema()
    rng = random.Random(20260320)

    async def run_all() -> tuple[int, int, int]:
        gateway = _gateway()
        with_data = with_errors = with_embedded = 0
        for _ in range(QUERIES):
            query = QueryGen(rng).query()
            expected = await _run(schema, gateway, query, compiled=False)
            assert await _run(schema, gateway, query, compiled=True) == expected, query
            if "$" in query:  # the same document, other variables: plans cached by selection
                flipped = await _run(schema, gateway, query, compiled=True, flip=True)
                assert flipped == await _run(schema, gateway, query, compiled=False, flip=True)
            codes = {e.get("extensions", {}).get("code") for e in expected["errors"]}
            assert "GRAPHQL_VALIDATION_FAILED" not in codes, (query, expected["errors"])
            with_data += expected["data"] is not None
            with_errors += bool(expected["errors"])
            with_embedded += "Shown" in repr(expected["data"])
        return with_data, with_errors, with_embedded

    with_data, with_errors, with_embedded = asyncio.run(run_all())
    assert with_data > QUERIES * 0.6 and with_errors > QUERIES * 0.1
    # Embedded references were served (their names differ from the store's), so both paths'
    # reading of them was compared, not only the loaded references.
    assert with_embedded > 0
    # Both ran: compiled lists, and items handed back to graphql-core (errors, awaited loads).
    assert calls["_complete_with_plan"] > QUERIES and calls["_complete_normally"] > 100
    # Root listings' items completed ahead (``RenderAhead``) were compared too, in lists
    # where every item was and in lists where some were not (the bad source's).
    assert sum(done for _, done in ahead) > QUERIES
    assert sum(0 < done == n for n, done in ahead) > 30
    assert sum(0 < done < n for n, done in ahead) > 5


def test_every_equivalent_still_mirrors_its_resolver() -> None:
    """A resolver edited since its equivalent was checked is no longer compiled; re-check the
    equivalent in schema/execution/equivalents.py and update the fingerprint."""
    assert stale_equivalents() == []


def test_the_switch_turns_the_compiled_path_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOURGLASS_GRAPHQL_COMPILED", "0")
    assert build_schema().execution_context_class is not CompiledExecutor
    monkeypatch.delenv("HOURGLASS_GRAPHQL_COMPILED")
    assert build_schema().execution_context_class is CompiledExecutor


def test_a_resolve_hook_turns_the_compiled_path_off() -> None:
    """An extension wrapping every resolver must see every field, so nothing is compiled."""
    seen: list[str] = []

    class Tracer(SchemaExtension):
        def resolve(self, _next: Any, root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
            seen.append(info.field_name)
            return _next(root, info, *args, **kwargs)

    schema = HourglassSchema(
        query=Query,
        types=[TimeEntryType],
        extensions=[Tracer],
        execution_context_class=CompiledExecutor,
    )
    query = '{ timeEntries(first: 5, sources: ["a"]) { nodes { durationSeconds } } }'

    async def run() -> Any:
        return await schema.execute(query, context_value=Context(_gateway()))

    result = asyncio.run(run())
    assert result.errors is None
    assert seen.count("durationSeconds") == len(result.data["timeEntries"]["nodes"]) == 5


def test_a_context_overriding_held_reference_is_not_bypassed() -> None:
    """The compiled path mirrors Context's own reference methods, not a subclass's."""

    class Overriding(Context):
        def held_reference(self, kind: Kind, holder: Any, native_id: str | None, info: Any) -> Any:
            return None if native_id is None else User(holder.source, native_id, "Overridden")

    query = '{ timeEntries(first: 20, sources: ["b"]) { nodes { user { name } } } }'

    async def run() -> Any:
        return await build_schema().execute(query, context_value=Overriding(_gateway()))

    result = asyncio.run(run())
    users = [n["user"] for n in result.data["timeEntries"]["nodes"]]
    assert result.errors is None and users and any(users)
    assert all(u is None or u["name"] == "Overridden" for u in users)

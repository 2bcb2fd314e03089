"""A list's plan: one loop over the items, nested objects built once per object it names."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from bench.memory import MemoryConnector, memory_gateway
from gateway.models import TimeEntry
from gateway.service import Gateway
from schema import Context, build_schema
from schema.execution.executor import CompiledExecutor
from tests.conftest import fake_runtime

PLUS2 = timezone(timedelta(hours=2))

QUERY = """{ timeEntries(first: 300) { nodes {
  id user { name email id } project { name } tags start hours
} } }"""


def _nodes(compiled: bool) -> list[dict[str, Any]]:
    async def run() -> Any:
        result = await build_schema(compiled=compiled).execute(
            QUERY, context_value=Context(memory_gateway(300))
        )
        assert result.errors is None and result.data is not None
        return result.data["timeEntries"]["nodes"]

    nodes: list[dict[str, Any]] = asyncio.run(run())
    return nodes


def test_items_naming_one_user_get_equal_dicts_each_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every item must come from the plan's loop: one completed the normal way (a bail) would
    # build its own user dict and leave the sharing below untested.
    normally: list[int] = []
    complete_normally = CompiledExecutor._complete_normally

    def counted(self: CompiledExecutor, index: int, *args: Any) -> bool:
        normally.append(index)
        return complete_normally(self, index, *args)

    monkeypatch.setattr(CompiledExecutor, "_complete_normally", counted)
    nodes = _nodes(compiled=True)
    assert normally == []
    assert orjson.dumps(nodes) == orjson.dumps(_nodes(compiled=False))
    # 300 entries over 50 users and 200 projects: every user is named by several entries.
    first_user = [n["user"] for n in nodes if n["user"]["name"] == "User 0"]
    assert len(first_user) > 1
    assert all(u == first_user[0] and u is not first_user[0] for u in first_user[1:])
    projects = [n["project"] for n in nodes]
    assert len({id(p) for p in projects}) == len(projects)
    first_user[0]["name"] = "changed"  # a consumer editing one item's user edits no other
    assert all(u["name"] == "User 0" for u in first_user[1:])


def _moment(hour: int, **kw: Any) -> datetime:
    return datetime(2026, 3, 19, hour, 5, 7, tzinfo=UTC).replace(**kw)


@pytest.mark.parametrize(
    "moments",
    [
        pytest.param((_moment(8), _moment(9), _moment(10)), id="all-utc"),
        pytest.param((_moment(8, microsecond=5), _moment(9), _moment(10)), id="microseconds"),
        pytest.param((_moment(8), None, _moment(10)), id="one-null"),
        pytest.param((_moment(8), _moment(9, tzinfo=PLUS2), _moment(10)), id="one-offset"),
        pytest.param((_moment(8), _moment(9).replace(tzinfo=None), None), id="naive"),
    ],
)
def test_an_entrys_datetimes_written_together_read_as_each_alone(
    moments: tuple[datetime | None, ...],
) -> None:
    start, end, updated = moments
    day = date(2026, 3, 19)
    entry = TimeEntry("m", "1", day, 60, start=start, end=end, updated_at=updated)
    runtime = fake_runtime(MemoryConnector("m", [entry]), vendor="memory")
    query = "{ timeEntries(first: 5) { nodes { start end updatedAt createdAt } } }"

    async def run(compiled: bool) -> Any:
        gateway = Gateway({"m": runtime}, today=lambda: day)
        schema = build_schema(compiled=compiled)
        return (await schema.execute(query, context_value=Context(gateway))).data

    assert asyncio.run(run(True)) == asyncio.run(run(False))

"""The lists' plans are compiled while the root fields wait on their sources, not after."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest

from bench.memory import TODAY, MemoryConnector, memory_gateway
from gateway.connectors.base import TimeEntryQuery
from gateway.models import TimeEntry
from gateway.service import Gateway
from schema import Context, build_schema
from schema.execution import executor
from schema.execution.plans import PlanCompiler
from tests.conftest import fake_runtime, with_clients

QUERY = """query($first: Int!) { timeEntries(first: $first) { nodes {
  id start hours user { name } project { name }
} } }"""
# The deep shape: the entries' list sits under lists that have no plan of their own.
DEEP = """{ clients(first: 5) { nodes { name projects(first: 5) { nodes { name
  timeEntries(first: 5) { nodes { id hours } } } } } } }"""
LATENCY = 0.1


class SlowMemory(MemoryConnector):
    """A source whose entries come ``LATENCY`` seconds after they are asked for."""

    async def time_entries(self, query: TimeEntryQuery) -> AsyncIterator[TimeEntry]:
        await asyncio.sleep(LATENCY)
        async for entry in super().time_entries(query):
            yield entry


def _slow_gateway() -> Gateway:
    plain = memory_gateway(200).sources["mem"].connector
    assert isinstance(plain, MemoryConnector)
    # Two clients, each with the projects whose id is even or odd, for the deep shape.
    slow = SlowMemory(plain.source, plain.entries, with_clients(plain.references_of, 2))
    return Gateway({slow.source: fake_runtime(slow, vendor="memory")}, today=lambda: TODAY)


@pytest.mark.parametrize("query", [QUERY, DEEP])
async def test_plans_are_compiled_during_the_wait(
    query: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    executor._SHARED.clear()
    compiled_at: list[float] = []
    compile = PlanCompiler.compile

    def timed(self: PlanCompiler, *args: Any) -> Any:
        compiled_at.append(asyncio.get_running_loop().time())
        return compile(self, *args)

    monkeypatch.setattr(PlanCompiler, "compile", timed)
    schema = build_schema(compiled=True)
    started = asyncio.get_running_loop().time()
    result = await schema.execute(
        query, variable_values={"first": 50}, context_value=Context(_slow_gateway())
    )
    assert result.errors is None
    assert b'"hours"' in orjson.dumps(result.data)  # entries came back, under the lists
    assert compiled_at, "no plan was compiled"
    # All of them in the head start's slot, none once the entries were in.
    assert all(t - started < LATENCY for t in compiled_at)

    plain = await build_schema(compiled=False).execute(
        query, variable_values={"first": 50}, context_value=Context(_slow_gateway())
    )
    assert orjson.dumps(result.data) == orjson.dumps(plain.data)


async def test_a_fast_answer_cancels_the_precompile(monkeypatch: pytest.MonkeyPatch) -> None:
    executor._SHARED.clear()
    scheduled: list[Any] = []
    loop = asyncio.get_running_loop()
    call_later = loop.call_later

    def record(delay: float, callback: Any, *args: Any) -> asyncio.TimerHandle:
        handle = call_later(delay, callback, *args)
        if delay == executor.PRECOMPILE_DELAY:
            scheduled.append(handle)
        return handle

    monkeypatch.setattr(loop, "call_later", record)
    result = await build_schema(compiled=True).execute(
        QUERY, variable_values={"first": 5}, context_value=Context(memory_gateway(20))
    )
    assert result.errors is None
    assert len(scheduled) == 1 and scheduled[0].cancelled()

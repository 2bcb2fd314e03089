"""Clients named through the entries' projects: a source that lists its clients whole is asked
for them while the projects load, not a round trip later, and only once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any, Literal

import pytest

from bench.memory import CAPABILITIES, TODAY, MemoryConnector, memory_gateway
from gateway import errors
from gateway.models import Kind, Reference
from gateway.service import Gateway
from schema import Context, build_schema
from tests.conftest import fake_runtime, with_clients

QUERY = """{ timeEntries(first: 30) { nodes { id project { name } client { name } } } }"""
# The project's client rather than the entry's: the same clients, through the projects.
THROUGH_PROJECT = """{ timeEntries(first: 30) { nodes { id project { name client { name } } } } }"""
LATENCY = 0.05


class SlowLists(MemoryConnector):
    """Reference listings that take ``LATENCY`` each, logged as (kind, started, ended)."""

    log: list[tuple[Kind, float, float]]
    fail: Kind | None = None

    async def references(self, kind: Kind) -> AsyncIterator[Reference]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(LATENCY)
        self.log.append((kind, started, loop.time()))
        if kind is self.fail:
            raise errors.UpstreamUnavailable(self.source, "the clients listing failed")
        async for ref in super().references(kind):
            yield ref

    async def references_by_id(self, kind: Kind, ids: Any) -> Any:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.sleep(LATENCY)
        self.log.append((kind, started, loop.time()))
        return await super().references_by_id(kind, ids)


def _source(lookup: Literal["list", "ids"], fail: Kind | None = None) -> tuple[Gateway, SlowLists]:
    plain = memory_gateway(100).sources["mem"].connector
    assert isinstance(plain, MemoryConnector)
    capabilities = replace(CAPABILITIES, reference_lookup=lookup)
    references = with_clients(plain.references_of, 3)
    slow = SlowLists(plain.source, plain.entries, references, capabilities=capabilities)
    slow.log, slow.fail = [], fail
    return Gateway({slow.source: fake_runtime(slow, vendor="memory")}, today=lambda: TODAY), slow


async def _run(gateway: Gateway, query: str = QUERY) -> Any:
    return await build_schema(compiled=True).execute(query, context_value=Context(gateway))


@pytest.mark.parametrize("query", [QUERY, THROUGH_PROJECT])
async def test_a_source_listing_clients_whole_is_asked_for_them_with_the_projects(
    query: str,
) -> None:
    gateway, source = _source("list")
    result = await _run(gateway, query)
    assert result.errors is None and result.data is not None
    nodes = result.data["timeEntries"]["nodes"]
    if query is THROUGH_PROJECT:
        nodes = [{**n, "client": n["project"]["client"]} for n in nodes]
    assert nodes and all(
        n["client"]["name"] == f"Client {int(n['project']['name'].split()[-1]) % 3}" for n in nodes
    )
    (project,) = [entry for entry in source.log if entry[0] is Kind.PROJECT]
    (client,) = [entry for entry in source.log if entry[0] is Kind.CLIENT]  # one listing
    assert client[1] < project[2]  # asked for before the projects were in


async def test_a_source_looked_up_by_id_is_asked_for_the_clients_the_projects_name() -> None:
    gateway, source = _source("ids")
    result = await _run(gateway)
    assert result.errors is None
    (project,) = [entry for entry in source.log if entry[0] is Kind.PROJECT]
    (client,) = [entry for entry in source.log if entry[0] is Kind.CLIENT]
    assert client[1] >= project[2]  # the ids are known only from the projects


@pytest.mark.parametrize("compiled", [True, False])
async def test_a_failed_client_listing_is_one_error_and_read_once(compiled: bool) -> None:
    gateway, source = _source("list", fail=Kind.CLIENT)
    result = await build_schema(compiled=compiled).execute(QUERY, context_value=Context(gateway))
    assert result.data is not None
    nodes = result.data["timeEntries"]["nodes"]
    assert nodes and all(n["client"] is None and n["project"] for n in nodes)
    assert [(e.extensions or {}).get("code") for e in result.errors or []] == [
        "UPSTREAM_UNAVAILABLE"
    ]
    assert [entry[0] for entry in source.log].count(Kind.CLIENT) == 1

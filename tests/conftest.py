"""Shared test helpers: a real HTTP server in a thread, and GraphQL over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import ASGIApp

from gateway import heap
from gateway.connectors.base import Cuts, SourceConfig
from gateway.filters import entry_key
from gateway.models import Client, Kind, Project, Reference, TimeEntry
from gateway.references import ReferenceStore
from gateway.service import SourceRuntime


@pytest.fixture
def parked(monkeypatch: pytest.MonkeyPatch) -> Iterator[deque[object]]:
    """What ``heap.release_when_idle`` keeps, as if a request were in flight in a serving
    process (``heap.IdleCollections``); emptied after the test."""
    kept: deque[object] = deque(maxlen=heap.PARKED_MAX)
    monkeypatch.setattr(heap, "_parked", kept)
    monkeypatch.setattr(heap, "_parking", True)
    yield kept
    kept.clear()


def weekday_ago(n: int) -> date:
    """The ``n``-th weekday before today (UTC), read when called. The demo vendors seed their
    members' time on weekdays (Clockify and Hub Planner only then, Hubstaff's members a weekend
    day one time in fourteen): a test that needs entries on a day asks a weekday for them."""
    day = datetime.now(UTC).date()
    while n:
        day -= timedelta(days=1)
        n -= day.weekday() < 5
    return day


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port; yields its root URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@asynccontextmanager
async def app_client(
    settings: Any,
    transports: Mapping[str, httpx.AsyncBaseTransport] | None = None,
    mounts: Mapping[str, ASGIApp] | None = None,
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process (lifespan run), behind an httpx client: HTTP semantics, no socket."""
    from gateway.app import create_app

    app = create_app(settings, transports=transports, mounts=mounts)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hourglass", timeout=30
        ) as client,
    ):
        yield client


def with_clients(
    references: Mapping[Kind, list[Reference]], clients: int
) -> dict[Kind, list[Reference]]:
    """``references`` (an in-memory source's) with ``clients`` clients, project ``n``
    belonging to client ``n % clients``."""
    out = dict(references)
    source = next(ref.source for ref in out[Kind.PROJECT])
    out[Kind.CLIENT] = [Client(source, str(c), f"Client {c}") for c in range(clients)]
    out[Kind.PROJECT] = [
        Project(source, p.id, p.name, client_id=str(int(p.id) % clients))
        for p in references[Kind.PROJECT]
        if isinstance(p, Project)
    ]
    return out


def fake_runtime(connector: Any, *, vendor: str = "fake", ttl: float = 60) -> SourceRuntime:
    """A source around a fake connector (anything with the ``Connector`` protocol's methods)."""
    store = ReferenceStore(connector, ttl=ttl, maxsize=1000)
    return SourceRuntime(SourceConfig(name=connector.source, vendor=vendor), connector, store)


async def read_with_cuts(
    entries: AsyncIterator[TimeEntry], cuts: Cuts, *, reverse: bool = True
) -> tuple[list[TimeEntry], list[int], list[Any]]:
    """A connector's listing read whole, with the indexes of the entries it marked a cut
    before and each cut's frontier (``None`` where it gave none). Each cut is checked as the
    merge relies on it: everything after it comes after everything up to it in the listing's
    order (``entry_key``), and after its frontier where it gives one."""
    read: list[TimeEntry] = []
    at: list[int] = []
    frontiers: list[Any] = []
    async for entry in entries:
        read.append(entry)
        if (mark := cuts.take()) is not None:
            at.append(len(read) - 1)
            frontiers.append(mark.until)
    for index, until in zip(at, frontiers, strict=True):
        before = [entry_key(e) for e in read[: index + 1]]
        after = [entry_key(e) for e in read[index + 1 :]]
        if after:
            assert (min(before) > max(after)) if reverse else (max(before) < min(after)), index
            if until is not None:
                assert (max(after) < until) if reverse else (min(after) > until), index
    return read, at, frontiers

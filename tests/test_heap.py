"""The serving process's collector settings (gateway.heap), in a child process of its own:
freezing is for the life of a process and must not leak into the test run."""

from __future__ import annotations

import asyncio
import gc
import json
import platform
import subprocess
import sys
import time
import weakref
from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.types import Message, Receive, Scope, Send

from gateway import heap
from gateway.settings import Settings


def _probe(code: str, *args: str) -> str:
    """What ``code`` prints, run in a Python process of its own with ``args``."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    ).stdout


PROBE = """
import gc, json, weakref
import gateway.app  # what a serving process has built by then: schema, models, modules
from gateway import heap
class Node: ...
gc.disable()  # so that only settle() can collect the cycle below
garbage = Node()
garbage.me = garbage  # a cycle start-up left behind: collected, not frozen
alive = weakref.ref(garbage)
del garbage
before = gc.get_freeze_count()
heap.settle()
print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold(), gc.get_count()[0],
                  alive() is None]))
"""


def test_settle_freezes_what_start_up_built_and_widens_the_generations() -> None:
    out = _probe(PROBE)
    before, frozen, thresholds, pending, collected = json.loads(out)
    assert before == 0 and frozen > 50_000  # the schema's and the modules' objects
    assert thresholds == [50_000, 20, 20]
    assert pending < 100  # collected first: nothing young was frozen with it
    assert collected  # the leftover cycle was collected, not frozen for the process's life


# ``hourglass demo`` started up to the point where it would serve: what ``heap.reserve`` was
# asked for and how much was frozen then, and what uvicorn was handed and how much was frozen
# then. One process for the tests below: each start-up builds the whole app (~2 s).
SERVING_PROBE = """
import gc, json
import uvicorn
from gateway import cli, heap
seen = {}
reserve = heap.reserve
heap.reserve = lambda mb: (seen.update(reserve=(mb, gc.get_freeze_count())), reserve(mb))[1]
uvicorn.run = lambda app, **kw: seen.update(run=(gc.get_freeze_count(), type(app).__name__))
cli.main(["demo", "--port", "0"])
print(json.dumps(seen))
"""


@pytest.fixture(scope="module")
def serving_start() -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = json.loads(_probe(SERVING_PROBE).strip().splitlines()[-1])
    return seen


def test_serving_settles_the_heap_and_defers_collections_to_idle_time(
    serving_start: dict[str, list[Any]],
) -> None:
    frozen, served = serving_start["run"]
    assert int(frozen) > 50_000
    assert served == "IdleCollections"  # its young collections wait for idle time


RESERVE_PROBE = """
import json, resource, sys
from gateway import heap
heap.reserve(int(sys.argv[1]))
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(3):  # what a vendor's pages leave: small objects, and bodies over 512 bytes
    entries = [{"id": i, "note": str(i), "tags": [i] * 3} for i in range(100_000)]
    bodies = [bytes(250_000) for _ in range(40)]
    del entries, bodies
print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before))
"""


def _faults_after_reserving(megabytes: int) -> int:
    return int(json.loads(_probe(RESERVE_PROBE, str(megabytes))))


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's malloc is tuned")
def test_reserved_memory_is_allocated_from_without_page_faults() -> None:
    unreserved = _faults_after_reserving(0)
    reserved = _faults_after_reserving(96)  # ~45 MB of small objects, ~10 MB of bodies
    assert unreserved > 5_000  # a fresh process grows page by page
    assert reserved < unreserved // 20  # both allocators serve it from what was touched


def test_a_reserve_the_machine_cannot_hold_is_cut_to_half_the_memory_available(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # 0 MB reserved of 1 MB available: nothing is touched, and the warning says so.
    assert heap.reserve(64, available=lambda: 2**20) == 0
    (record,) = [r for r in caplog.records if r.name == "hourglass.heap"]
    assert record.levelname == "WARNING"
    assert record.fields == {"heap_reserve_mb": 64, "reserved_mb": 0}  # type: ignore[attr-defined]
    assert heap.reserve(0, available=lambda: None) == 0  # nothing asked, nothing reserved


def test_serving_reserves_memory_before_it_settles_the_heap(
    serving_start: dict[str, list[Any]],
) -> None:
    megabytes, frozen = serving_start["reserve"]
    assert int(megabytes) == Settings().heap_reserve_mb > 0
    assert int(frozen) == 0  # reserved first: what keeps the reserve is frozen with the app


# The collections deferred to idle time (heap.IdleCollections). In this process: the thresholds
# are restored after each test, and nothing here freezes.

IDLE = 0.02


@pytest.fixture
def thresholds() -> Iterator[None]:
    """The serving process's thresholds for the test, the test run's own afterwards."""
    saved = gc.get_threshold()
    gc.set_threshold(*heap.THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*saved)


@pytest.fixture
def young_collections() -> Iterator[list[float]]:
    """When each collection of the youngest generation (alone) started."""
    seen: list[float] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 0:
            seen.append(time.perf_counter())

    gc.callbacks.append(record)
    try:
        yield seen
    finally:
        gc.callbacks.remove(record)


class Requests:
    """HTTP requests through ``IdleCollections``, each held open until released."""

    def __init__(self) -> None:
        self.inside: list[tuple[int, int, int]] = []  # the thresholds a request saw
        self.kept: list[object] = []
        self._gates: list[asyncio.Event] = []
        self.middleware = heap.IdleCollections(self._app, idle_delay=IDLE)

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        gate = asyncio.Event()
        self._gates.append(gate)
        self.inside.append(gc.get_threshold())
        # Past the usual young threshold, alive until the answer, as a month's pages are.
        self.kept.append([{} for _ in range(heap.THRESHOLDS[0] + 10_000)])
        await gate.wait()

    async def start(self) -> asyncio.Task[None]:
        task = asyncio.create_task(self.middleware({"type": "http"}, _receive, _send))
        await asyncio.sleep(0)  # into the app
        return task

    async def finish(self, index: int, task: asyncio.Task[None]) -> None:
        self._gates[index].set()
        await task


async def _receive() -> Message:
    return {"type": "http.disconnect"}


async def _send(message: Message) -> None:
    return None


BUSY = (heap.BUSY_YOUNG, *heap.THRESHOLDS[1:])


async def past_idle() -> tuple[int, int, int]:
    """The thresholds once the idle delay has passed (with nothing started meanwhile)."""
    await asyncio.sleep(IDLE * 3)
    return gc.get_threshold()


@pytest.mark.usefixtures("thresholds")
async def test_a_request_defers_young_collections_until_the_process_is_idle(
    young_collections: list[float],
) -> None:
    requests = Requests()
    task = await requests.start()
    assert requests.inside == [BUSY]
    await requests.finish(0, task)
    answered = time.perf_counter()
    assert young_collections == []  # its young objects were not walked while it ran
    assert gc.get_threshold() == BUSY
    assert await past_idle() == heap.THRESHOLDS
    # What was due is collected once idle, not before.
    assert young_collections and young_collections[0] >= answered + IDLE * 0.9


@pytest.mark.usefixtures("thresholds")
async def test_collections_stay_deferred_while_any_request_is_in_flight(
    young_collections: list[float],
) -> None:
    requests = Requests()
    first, second = await requests.start(), await requests.start()
    await requests.finish(0, first)
    assert await past_idle() == BUSY and young_collections == []
    await requests.finish(1, second)
    assert await past_idle() == heap.THRESHOLDS and young_collections


@pytest.mark.usefixtures("thresholds")
async def test_a_request_arriving_before_the_process_is_idle_keeps_them_deferred(
    young_collections: list[float],
) -> None:
    requests = Requests()
    first = await requests.start()
    await requests.finish(0, first)
    await asyncio.sleep(IDLE / 4)  # the next page's request, soon after the last answer
    second = await requests.start()
    assert await past_idle() == BUSY and young_collections == []
    await requests.finish(1, second)
    assert await past_idle() == heap.THRESHOLDS and young_collections


@pytest.mark.usefixtures("thresholds")
async def test_work_for_a_request_after_it_answered_counts_as_one_in_flight(
    monkeypatch: pytest.MonkeyPatch, young_collections: list[float]
) -> None:
    # A next page computed ahead (gateway.next_page) runs once its request has answered.
    requests = Requests()
    monkeypatch.setattr(heap, "_serving", requests.middleware)
    task = await requests.start()
    with heap.in_flight():
        await requests.finish(0, task)
        assert await past_idle() == BUSY and young_collections == []
    assert await past_idle() == heap.THRESHOLDS and young_collections


def test_outside_a_serving_process_in_flight_changes_nothing() -> None:
    before = gc.get_threshold()
    with heap.in_flight():
        assert gc.get_threshold() == before


@pytest.mark.usefixtures("thresholds")
async def test_lifespan_and_other_scopes_are_not_requests() -> None:
    seen: list[tuple[int, int, int]] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(gc.get_threshold())

    await heap.IdleCollections(app, idle_delay=IDLE)({"type": "lifespan"}, _receive, _send)
    assert seen == [heap.THRESHOLDS]
    assert gc.get_threshold() == heap.THRESHOLDS


# What a request is done with, freed when the process is idle (heap.release_when_idle).


class Held:
    """Something a request is done with (weakly referenceable, so its freeing is seen)."""


@pytest.mark.usefixtures("thresholds")
async def test_what_a_request_is_done_with_is_freed_once_the_process_is_idle() -> None:
    requests = Requests()
    task = await requests.start()
    value = Held()
    alive = weakref.ref(value)
    heap.release_when_idle(value)
    del value
    await requests.finish(0, task)
    assert alive() is not None  # not freed while the request ran, nor as it answered
    await past_idle()
    assert alive() is None


def test_outside_a_serving_request_nothing_is_kept() -> None:
    value = Held()
    alive = weakref.ref(value)
    heap.release_when_idle(value)
    del value
    assert alive() is None


def test_a_process_never_idle_keeps_only_the_last_few(parked: deque[object]) -> None:
    values = [Held() for _ in range(heap.PARKED_MAX + 1)]
    alive = [weakref.ref(v) for v in values]
    for value in values:
        heap.release_when_idle(value)
    del values, value
    assert alive[0]() is None  # freed as the one after the last it keeps was parked
    assert all(a() is not None for a in alive[1:])

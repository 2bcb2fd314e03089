"""The shared simulator kit: sliding-window limits and the control endpoints."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from fastapi import FastAPI

from gateway.simulators.kit import ManualClock, SimulatorState, SlidingWindow, install


def test_sliding_window_allows_limit_then_reports_wait() -> None:
    clock = ManualClock()
    window = SlidingWindow(3, 10.0, clock)
    assert [window.hit() for _ in range(3)] == [None, None, None]
    assert window.hit() == 10
    clock.advance(4.5)
    assert window.hit() == 6
    clock.advance(5.5)
    assert window.hit() is None


@pytest.fixture
def app() -> FastAPI:
    app = FastAPI()

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: int) -> dict[str, int]:
        return {"id": thing_id}

    install(app, SimulatorState(vendor="test"))
    return app


async def test_stats_count_by_route_and_status_and_reset(app: FastAPI) -> None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as c:
        await c.get("/v1/things/1")
        await c.get("/v1/things/2?x=1")
        await c.get("/nope")
        stats = (await c.get("/_simulator/stats")).json()
        assert stats["requests"] == {"GET /v1/things/{thing_id}": 2, "GET /nope": 1}
        assert stats["responses"] == {"200": 2, "404": 1}
        log = (await c.get("/_simulator/requests")).json()
        assert [(r["path"], r["query"]) for r in log][:2] == [
            ("/v1/things/1", ""),
            ("/v1/things/2", "x=1"),
        ]
        await c.post("/_simulator/reset")
        assert (await c.get("/_simulator/stats")).json()["total_requests"] == 0


async def test_latency_is_the_response_time_with_the_vendors_work_inside_it() -> None:
    """``latency_ms`` is how long an answer takes from the request's arrival: the app runs
    at once (its state changes before the wait is over) and the answer leaves no earlier than
    the latency, and not a latency after the app's own work."""
    app = FastAPI()
    ran_at: list[float] = []

    @app.get("/v1/slow")
    async def slow() -> dict[str, bool]:
        ran_at.append(time.perf_counter())
        await asyncio.sleep(0.08)  # the vendor's own work, shorter than the latency
        return {"ok": True}

    install(app, SimulatorState(vendor="test", latency_ms=100))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as c:
        sent = time.time()
        started = time.perf_counter()
        response = await c.get("/v1/slow")
        took = time.perf_counter() - started
        returned = time.time()
        (logged,) = (await c.get("/_simulator/requests")).json()
    assert response.json() == {"ok": True}
    assert ran_at[0] - started < 0.05  # computed on arrival, not after the wait
    assert 0.1 <= took < 0.16  # the latency, not latency + work (0.18)
    # The log says when the vendor was busy with it, on the wall clock other processes read.
    assert sent <= logged["received"] < sent + 0.05
    assert 0.1 <= logged["answered"] - logged["received"] < 0.16
    assert logged["answered"] <= returned


async def test_requests_arriving_together_are_all_stamped_before_any_answer_is_computed() -> None:
    """A vendor's servers take concurrent requests in parallel: each answer comes the latency
    after its own request arrived, not after the simulator has also computed the answers of
    the requests that came with it (its one loop computes them one after another)."""
    app = FastAPI()

    @app.get("/v1/cpu/{n}")
    async def cpu(n: int) -> dict[str, int]:
        until = time.perf_counter() + 0.03
        while time.perf_counter() < until:  # the vendor's work, CPU-bound: it holds the loop
            pass
        return {"n": n}

    install(app, SimulatorState(vendor="test", latency_ms=200))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://s") as c:
        started = time.perf_counter()
        answers = await asyncio.gather(*(c.get(f"/v1/cpu/{n}") for n in range(4)))
        took = time.perf_counter() - started
        log = (await c.get("/_simulator/requests")).json()
    assert [a.json() for a in answers] == [{"n": n} for n in range(4)]
    received = [r["received"] for r in log]
    # Stamped one after another's 30 ms of work, the fourth would arrive 90 ms late.
    assert max(received) - min(received) < 0.02
    assert all(0.2 <= r["answered"] - r["received"] < 0.25 for r in log)
    assert took < 0.26  # the 120 ms of work is inside the latency, not after it

"""The shared simulator kit: sliding-window limits and the control endpoints."""

from __future__ import annotations

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

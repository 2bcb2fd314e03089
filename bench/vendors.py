"""Per-vendor figures the vendor issues ask for, measured against the simulators.

The simulators run in process behind ``httpx.ASGITransport`` with a simulated latency, so what
is measured is the connector's own call plan and pacing, not a network.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx

from bench import bounds
from gateway.connectors import clockify, hubplanner, hubstaff
from gateway.connectors.base import ConnectorContext, TimeEntryQuery
from gateway.connectors.clockify import plan
from gateway.models import Kind
from gateway.simulators import load
from gateway.simulators.kit import SimulatorConfig

TODAY = date(2026, 3, 20)


@dataclass
class Figure:
    scenario: str
    calls: int
    calls_bound: int | None  # None: no derivable minimum for this scenario
    seconds: float
    seconds_bound: float
    rate_limited: int
    note: str = ""


async def _stats(app: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        body: dict[str, Any] = (await c.get("/_simulator/stats")).json()
        return body


def _connector(vendor: str, module: Any, app: Any) -> Any:
    config = module.CONFIG.model_validate(load(vendor).demo_source("http://sim"))
    context = ConnectorContext(user_agent="bench", transport=httpx.ASGITransport(app=app))
    return module.create_connector(config, context)


async def _drain(connector: Any, query: TimeEntryQuery) -> int:
    return len([e async for e in connector.time_entries(query)])


async def hubplanner_50_concurrent() -> Figure:
    """50 concurrent one-user listings at Hub Planner's documented 2 requests per second."""
    app = load("hubplanner").create_app(SimulatorConfig(seed=42, today=TODAY, latency_ms=50))
    connector = _connector("hubplanner", hubplanner, app)
    users = sorted({u.id async for u in connector.references(Kind.USER)})
    await asyncio.sleep(1.1)  # let the reference call's slot leave the window
    before = sum((await _stats(app))["requests"].values())
    queries = [
        TimeEntryQuery(
            date_from=TODAY - timedelta(days=7),
            date_to=TODAY,
            user_ids=frozenset({users[i % len(users)]}),
        )
        for i in range(50)
    ]
    started = time.monotonic()
    await asyncio.gather(*(_drain(connector, q) for q in queries))
    took = time.monotonic() - started
    stats = await _stats(app)
    await connector.aclose()
    calls = sum(stats["requests"].values()) - before
    # 2 sends per second: the 50th send cannot leave before 24 s, plus one response latency.
    return Figure(
        "Hub Planner: 50 concurrent listings at 2 req/s",
        calls,
        50,
        took,
        (50 - 2) / 2 + 0.05,
        stats["rate_limited"],
    )


async def clockify_month(strategy: plan.Strategy | None) -> Figure:
    """Every entry of 40 users over 30 days, by the chosen strategy or a forced one."""
    app = load("clockify").create_app(SimulatorConfig(seed=4, today=TODAY, latency_ms=40))
    connector = _connector("clockify", clockify, app)
    original = plan.choose
    if strategy is not None:
        plan.choose = lambda *a, **k: strategy
    try:
        query = TimeEntryQuery(date_from=TODAY - timedelta(days=29), date_to=TODAY)
        started = time.monotonic()
        found = [e async for e in connector.time_entries(query)]
        took = time.monotonic() - started
    finally:
        plan.choose = original
    stats = await _stats(app)
    chosen = connector.last_strategy.name.lower().replace("_", "-")
    await connector.aclose()
    calls = sum(stats["requests"].values())
    label = "chosen" if strategy is None else "forced"
    # Lower bounds: the report needs ceil(entries / 1000) pages + running timers (one window
    # and the running call never lose to a fan-out: no users walk); the critical path is the
    # first page (it tells how many there are), then the rest at once, 40 ms each. The
    # fan-out: users, then 40 at once.
    pages = bounds.pages(len(found), 1000)
    bound_calls = pages + 1 if chosen == "report" else 1 + 40
    bound_time = 0.04 * min(pages, 2) if chosen == "report" else 0.04 * 2
    return Figure(
        f"Clockify: 40 users x 30 days, {chosen} ({label})",
        calls,
        bound_calls,
        took,
        bound_time,
        stats["rate_limited"],
        f"{len(found)} entries",
    )


async def hubstaff_30_days() -> Figure:
    """30 days of Hubstaff sessions = 5 seven-day windows, fetched concurrently (50 ms latency).

    The bound is one 7-day window measured in the same run: concurrency should make five
    windows cost about one."""
    # Hubstaff refuses activities older than 6 months, so this one runs on the real calendar.
    today = date.today()
    app = load("hubstaff").create_app(SimulatorConfig(seed=42, latency_ms=50))
    with tempfile.TemporaryDirectory() as state:
        entry = {**load("hubstaff").demo_source("http://sim"), "token_store": f"{state}/t.json"}
        config = hubstaff.CONFIG.model_validate(entry)
        context = ConnectorContext(user_agent="bench", transport=httpx.ASGITransport(app=app))
        connector = hubstaff.create_connector(config, context)
        await connector.whoami()  # the token exchange belongs to neither figure

        async def timed(days: int) -> tuple[float, int]:
            before = sum((await _stats(app))["requests"].values())
            query = TimeEntryQuery(
                date_from=today - timedelta(days=days), date_to=today - timedelta(days=1)
            )
            started = time.monotonic()
            await _drain(connector, query)
            return time.monotonic() - started, sum(
                (await _stats(app))["requests"].values()
            ) - before

        one, _ = await timed(7)
        thirty, calls = await timed(30)
        stats = await _stats(app)
        await connector.aclose()
    return Figure(
        "Hubstaff: 30 days as 5 concurrent 7-day windows (bound: one window)",
        calls,
        None,  # the minimum depends on each window's activity pages: a time scenario
        thirty,
        one,
        stats["rate_limited"],
        f"one window {one:.2f} s",
    )


async def run_all() -> list[Figure]:
    return [
        await hubstaff_30_days(),
        await clockify_month(None),
        await clockify_month(plan.Strategy.FAN_OUT),
        await hubplanner_50_concurrent(),
    ]

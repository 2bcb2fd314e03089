"""The Clockify connector against the Clockify simulator, over HTTP semantics (ASGITransport)."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Literal
from unittest.mock import Mock
from urllib.parse import parse_qs

import httpx
import pytest

from gateway.connectors.base import ConnectorContext, Order, TimeEntryDraft, TimeEntryQuery
from gateway.connectors.clockify import CONFIG, ClockifyConnector, connector, create_connector, plan
from gateway.connectors.clockify import mapping as clockify_mapping
from gateway.errors import UpstreamAuthError, UpstreamNotFound, UserInputError
from gateway.loaders import Loaders
from gateway.models import Kind, Project, Task
from gateway.references import ReferenceStore
from gateway.service import Gateway, SourceRuntime, TimeEntryFilter
from gateway.simulators.clockify import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig

TODAY = date(2026, 3, 20)
MONTH = TimeEntryQuery(date_from=TODAY - timedelta(days=29), date_to=TODAY)
WS = "/api/v1/workspaces/{ws}"


class Sim:
    """One simulator instance and a connector pointed at it."""

    def __init__(
        self, *, sim_limit: tuple[int, float] | None = None, latency_ms: float = 0, **overrides: Any
    ) -> None:
        self.app = create_app(
            SimulatorConfig(seed=4, today=TODAY, rate_limit=sim_limit, latency_ms=latency_ms)
        )
        self.config = CONFIG.model_validate({**demo_source("http://sim"), **overrides})
        self.connector = create_connector(
            self.config,
            ConnectorContext(user_agent="test", transport=httpx.ASGITransport(app=self.app)),
        )

    async def control(self, path: str) -> Any:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://s"
        ) as c:
            return (await c.get(path)).json()

    async def calls(self) -> dict[str, int]:
        counts: dict[str, int] = (await self.control("/_simulator/stats"))["requests"]
        return counts

    async def log(self, route_part: str) -> list[dict[str, Any]]:
        return [r for r in await self.control("/_simulator/requests") if route_part in r["path"]]


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    s = Sim()
    yield s
    await s.connector.aclose()


async def entries(c: ClockifyConnector, query: TimeEntryQuery) -> list[Any]:
    return [e async for e in c.time_entries(query)]


async def ids(c: ClockifyConnector, kind: Kind) -> list[str]:
    return [r.id async for r in c.references(kind)]


def force(monkeypatch: pytest.MonkeyPatch, strategy: plan.Strategy) -> None:
    monkeypatch.setattr(plan, "choose", lambda *a, **k: strategy)


# -- acceptance: 40 users x 30 days ---------------------------------------------------------


async def test_40_users_30_days_through_the_report_in_4_calls(sim: Sim) -> None:
    found = await entries(sim.connector, MONTH)
    assert sim.connector.last_strategy is plan.Strategy.REPORT
    calls = await sim.calls()
    # report pages (2921 entries / 1000) + the running timers the report omits (1); one window
    # and the running call is never dearer than a fan-out, so no users walk to count members
    assert calls == {
        "POST /v1/workspaces/{workspace_id}/reports/detailed": 3,
        "GET /v1/workspaces/{workspace_id}/time-entries/status/in-progress": 1,
    }
    assert sum(calls.values()) <= 1 + 40  # the bound of the acceptance: users pages + one per user
    assert len(found) == 2921 and sum(e.running for e in found) == 5
    starts = [e.start for e in found]
    assert starts == sorted(starts, reverse=True)  # the declared order


async def test_running_entries_carry_the_names_report_rows_give_their_ids(sim: Sim) -> None:
    found = await entries(sim.connector, MONTH)
    running = [e for e in found if e.running]
    rows = [e for e in found if not e.running]
    user_names = {e.user_id: e.embedded[Kind.USER].value.name for e in rows if e.user_id}
    projects = {e.project_id: e.embedded[Kind.PROJECT].value for e in rows if e.project_id}
    clients = {e.project_id: e.client_id for e in rows if e.project_id}
    assert running and all(e.raw and "id" in e.raw for e in running)  # the regular API's shape
    for e in running:
        assert e.embedded[Kind.USER].value.name == user_names[e.user_id]
        if e.project_id:
            assert e.embedded[Kind.PROJECT].value == projects[e.project_id]
            assert e.client_id == clients[e.project_id]  # the project's client, as a row has it
    # The names agree with the vendor's own listings.
    users = {r.id: r.name async for r in sim.connector.references(Kind.USER)}
    assert all(e.embedded[Kind.USER].value.name == users[e.user_id] for e in running)


async def test_a_long_range_counts_members_before_choosing(sim: Sim) -> None:
    # Three report windows and the running call (4) could lose to a small team's fan-out: the
    # count is needed, so the users are walked once (and reused by a fan-out).
    await entries(sim.connector, replace(MONTH, date_from=TODAY - timedelta(days=79)))
    calls = await sim.calls()
    assert calls["GET /v1/workspaces/{workspace_id}/users"] == 1
    assert sim.connector.last_strategy is plan.Strategy.REPORT  # 4 calls < 40 members


async def test_the_fan_out_lists_the_same_entries_in_41_concurrent_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    by_report = Sim()
    slow = Sim(latency_ms=40)
    try:
        # A running entry's duration is the time elapsed when it was read: not comparable.
        expected = {
            (e.id, None if e.running else e.duration_seconds, e.project_id, e.user_id, e.running)
            for e in await entries(by_report.connector, MONTH)
        }
        force(monkeypatch, plan.Strategy.FAN_OUT)
        began = time.monotonic()
        found = await entries(slow.connector, MONTH)
        took = time.monotonic() - began
    finally:
        await by_report.connector.aclose()
        await slow.connector.aclose()
    assert {
        (e.id, None if e.running else e.duration_seconds, e.project_id, e.user_id, e.running)
        for e in found
    } == expected
    assert await slow.calls() == {
        "GET /v1/workspaces/{workspace_id}/users": 1,
        "GET /v1/workspaces/{workspace_id}/user/{user_id}/time-entries": 40,
    }
    assert took < 40 * 0.040 / 2  # 41 calls of 40 ms each, run side by side


async def test_named_users_are_fanned_out_with_filters_pushed_down(sim: Sim) -> None:
    users = (await ids(sim.connector, Kind.USER))[:2]
    found = await entries(sim.connector, replace(MONTH, user_ids=frozenset(users)))
    assert sim.connector.last_strategy is plan.Strategy.FAN_OUT  # 2 calls vs report + running
    assert {e.user_id for e in found} == set(users)
    assert len(await sim.log("/time-entries")) == 2
    assert len(await sim.log("/users")) == 1  # the test's own listing; the connector needs none


async def test_one_user_finished_entries_of_one_project(sim: Sim) -> None:
    user = (await ids(sim.connector, Kind.USER))[0]
    project = "67ad3600cadef32dae3c6dd5"
    query = replace(
        MONTH, user_ids=frozenset({user}), project_ids=frozenset({project}), running=False
    )
    found = await entries(sim.connector, query)
    assert sim.connector.last_strategy is plan.Strategy.FAN_OUT  # 1 call either way: tie
    assert found and {(e.user_id, e.project_id, e.running) for e in found} == {
        (user, project, False)
    }
    requests = await sim.log("/time-entries")
    assert len(requests) == 1
    assert parse_qs(requests[0]["query"]) == {
        "page": ["1"],
        "page-size": ["5000"],
        "start": ["2026-02-19T00:00:00Z"],
        "end": ["2026-03-20T23:59:59Z"],
        "project": [project],
        "in-progress": ["false"],
    }


async def test_a_long_range_is_cut_into_31_day_report_windows_with_filters(sim: Sim) -> None:
    project = "67ad3600cadef32dae3c6dd5"
    query = replace(MONTH, date_from=TODAY - timedelta(days=79), project_ids=frozenset({project}))
    found = await entries(sim.connector, query)
    assert sim.connector.last_strategy is plan.Strategy.REPORT
    assert found and {e.project_id for e in found} == {project}
    bodies = [json.loads(r["body"]) for r in await sim.log("/reports/detailed")]
    assert sorted((b["dateRangeStart"], b["dateRangeEnd"]) for b in bodies) == [
        ("2025-12-31T00:00:00Z", "2026-01-30T23:59:59Z"),
        ("2026-01-31T00:00:00Z", "2026-03-02T23:59:59Z"),
        ("2026-03-03T00:00:00Z", "2026-03-20T23:59:59Z"),
    ]
    assert all(b["projects"]["ids"] == [project] for b in bodies)


async def test_running_only_is_one_workspace_call(sim: Sim) -> None:
    found = await entries(sim.connector, replace(MONTH, running=True))
    assert len(found) == 5 and all(e.running and e.end is None for e in found)
    assert all(e.duration_seconds > 0 for e in found)
    assert await sim.calls() == {
        "GET /v1/workspaces/{workspace_id}/time-entries/status/in-progress": 1
    }


# -- pagination ---------------------------------------------------------------------------


async def test_last_page_header_ends_the_walk_without_an_extra_page(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connector, "ENTRY_PAGE_SIZE", 10)
    user = (await ids(sim.connector, Kind.USER))[0]
    found = await entries(sim.connector, replace(MONTH, user_ids=frozenset({user})))
    pages = [parse_qs(r["query"])["page"][0] for r in await sim.log("/time-entries")]
    assert len(found) > 20 and pages == [str(n) for n in range(1, (len(found) - 1) // 10 + 2)]


async def test_report_pages_stop_at_the_reported_total(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connector, "REPORT_PAGE_SIZE", 500)
    found = await entries(sim.connector, replace(MONTH, running=False))
    pages = [
        json.loads(r["body"])["detailedFilter"]["page"] for r in await sim.log("/reports/detailed")
    ]
    assert len(found) == 2916 and sorted(pages) == [1, 2, 3, 4, 5, 6]


# -- references and the 400-for-unknown quirk ------------------------------------------------


async def deleted_project(c: ClockifyConnector) -> tuple[str, str]:
    """(entry id, project id) of an entry whose project no longer exists."""
    projects = {p.id async for p in c.references(Kind.PROJECT)}
    query = TimeEntryQuery(date_from=TODAY - timedelta(days=89), date_to=TODAY)
    return next(
        (e.id, e.project_id)
        for e in await entries(c, query)
        if e.project_id and e.project_id not in projects
    )


async def test_a_deleted_project_is_absent_not_an_error(sim: Sim) -> None:
    entry_id, project_id = await deleted_project(sim.connector)
    live = next(iter([p.id async for p in sim.connector.references(Kind.PROJECT)]))
    found = await sim.connector.references_by_id(Kind.PROJECT, [project_id, live])
    assert set(found) == {live}
    assert (await sim.log(f"/projects/{project_id}"))[0]["status"] == 400
    entry = await sim.connector.time_entry(entry_id)
    assert entry is not None and entry.project_id == project_id
    assert await sim.connector.time_entry("0" * 24) is None


@pytest.mark.parametrize("lookup", ["list", "ids"])
async def test_an_entry_naming_a_deleted_project_loads_with_project_null(
    sim: Sim, lookup: Literal["list", "ids"]
) -> None:
    entry_id, project_id = await deleted_project(sim.connector)
    sim.connector.capabilities = replace(ClockifyConnector.capabilities, reference_lookup=lookup)
    store = ReferenceStore(sim.connector, ttl=60, maxsize=100)
    gateway = Gateway(
        {"clockify-demo": SourceRuntime(sim.config, sim.connector, store)}, today=lambda: TODAY
    )
    listing = await gateway.time_entries(
        TimeEntryFilter(date_from=TODAY - timedelta(days=89), date_to=TODAY),
        first=100_000,
        after=None,
        order=Order.DESC,
    )
    assert any(e.id == entry_id for e in listing.items)
    loaded = await Loaders(gateway).load_many(Kind.PROJECT, [("clockify-demo", project_id)])
    assert loaded == {("clockify-demo", project_id): None}


async def test_reference_listings(sim: Sim) -> None:
    kinds = {
        kind: [r async for r in sim.connector.references(kind)]
        for kind in Kind
        if kind is not Kind.TIME_ENTRY
    }
    assert len(kinds[Kind.USER]) == 40 and any(not u.active for u in kinds[Kind.USER])
    projects = {p.id for p in kinds[Kind.PROJECT] if isinstance(p, Project)}
    tasks = [t for t in kinds[Kind.TASK] if isinstance(t, Task)]
    assert tasks and all(t.project_id in projects for t in tasks)
    assert kinds[Kind.CLIENT]
    users = await sim.connector.references_by_id(Kind.USER, [kinds[Kind.USER][0].id, "f" * 24])
    assert list(users) == [kinds[Kind.USER][0].id]


# -- limits and auth ------------------------------------------------------------------------


async def test_a_low_rate_limit_paces_the_fan_out_with_zero_429s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    force(monkeypatch, plan.Strategy.FAN_OUT)
    # 10 requests per 0.25 s at the simulator; the connector keeps 40% headroom because this
    # in-process simulator stamps arrivals on a shared, often loaded, 2-core test machine: a
    # stall of the event loop delivers requests sent apart together (with 20%, one 429 in a
    # full-suite run, none in five runs alone).
    s = Sim(sim_limit=(10, 0.25), rate_limit={"requests": 10, "per_seconds": 0.35})
    # The longest stall is a full collection of this process's heap (the whole suite's, by
    # then): ~0.2 s, more than that headroom (with 40%, again one 429 in a full-suite run).
    # The heap is collected before the fan-out, not during it.
    gc.collect()
    gc.disable()
    try:
        found = await entries(s.connector, MONTH)
    finally:
        gc.enable()
        await s.connector.aclose()
    stats = await s.control("/_simulator/stats")
    assert len(found) == 2921 and stats["rate_limited"] == 0 and stats["total_requests"] == 41


async def test_bad_credentials_fail_without_the_secret() -> None:
    s = Sim(api_key="wrong-key-s3cret")
    try:
        with pytest.raises(UpstreamAuthError) as caught:
            await s.connector.whoami()
    finally:
        await s.connector.aclose()
    assert caught.value.code == "UPSTREAM_AUTH_FAILED"
    assert "s3cret" not in str(caught.value) and "http" not in str(caught.value)


async def test_whoami(sim: Sim) -> None:
    assert "@" in await sim.connector.whoami()


# -- writes and timers ------------------------------------------------------------------------


async def test_create_update_delete(sim: Sim) -> None:
    start = sim.connector._now().replace(microsecond=0) - timedelta(hours=3)
    project = "67ad3600cadef32dae3c6dd5"
    created = await sim.connector.create_time_entry(
        TimeEntryDraft(start=start, duration_seconds=1800, description="spec", project_id=project)
    )
    assert (created.start, created.duration_seconds, created.project_id, created.running) == (
        start,
        1800,
        project,
        False,
    )
    updated = await sim.connector.update_time_entry(
        created.id, TimeEntryDraft(description="renamed")
    )
    assert (updated.description, updated.start, updated.project_id, updated.duration_seconds) == (
        "renamed",
        start,
        project,
        1800,
    )
    put = json.loads((await sim.log(f"/time-entries/{created.id}"))[-1]["body"])
    assert put["start"] and put["end"] and put["projectId"] == project  # PUT replaces: all sent
    await sim.connector.delete_time_entry(created.id)
    assert await sim.connector.time_entry(created.id) is None
    with pytest.raises(UpstreamNotFound):
        await sim.connector.delete_time_entry(created.id)


async def test_start_and_stop_a_timer(sim: Sim) -> None:
    running = await sim.connector.start_timer(TimeEntryDraft(description="focus"))
    assert running.running and running.end is None
    stopped = await sim.connector.stop_timer(running.id)
    assert stopped.id == running.id and not stopped.running and stopped.end is not None
    patch = (await sim.log("/user/"))[-1]
    assert patch["method"] == "PATCH" and list(json.loads(patch["body"])) == ["end"]
    with pytest.raises(UserInputError):
        await sim.connector.stop_timer(running.id)  # no longer running
    with pytest.raises(UserInputError):
        await sim.connector.stop_timer()  # the key's user has no timer now


async def test_regional_hosts_and_the_key_only_in_a_header() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/reports/detailed"):
            return httpx.Response(200, json={"totals": [], "timeEntries": []})
        return httpx.Response(200, json=[], headers={"Last-Page": "true"})

    config = CONFIG.model_validate(
        {
            "name": "eu",
            "vendor": "clockify",
            "api_key": "k3y",
            "workspace_id": "a" * 24,
            "base_url": "https://euc1.clockify.me/api/v1",
            "reports_url": "https://euc1.clockify.me/report/v1/",
        }
    )
    c = create_connector(
        config, ConnectorContext(user_agent="t", transport=httpx.MockTransport(answer))
    )
    try:
        await entries(c, replace(MONTH, user_ids=frozenset({f"{n:024x}" for n in range(5)})))
    finally:
        await c.aclose()
    assert c.last_strategy is plan.Strategy.REPORT
    assert {str(r.url).split("?")[0] for r in seen} == {
        f"https://euc1.clockify.me/report/v1/workspaces/{'a' * 24}/reports/detailed",
        f"https://euc1.clockify.me/api/v1/workspaces/{'a' * 24}/time-entries/status/in-progress",
    }
    assert all(r.headers["X-Api-Key"] == "k3y" and "k3y" not in str(r.url) for r in seen)


async def test_the_plan_and_the_user_listing_share_one_users_walk(sim: Sim) -> None:
    # A long range: the plan counts members, then the page's user names are listed.
    long_range = replace(MONTH, date_from=TODAY - timedelta(days=79))
    await entries(sim.connector, long_range)
    assert len(await ids(sim.connector, Kind.USER)) == 40
    await entries(sim.connector, long_range)  # warm: the plan reuses the count
    assert (await sim.calls())["GET /v1/workspaces/{workspace_id}/users"] == 1


# -- lazy mapping: rows sorted by (start, id), mapped only as the listing reads them ----------

WEEK = TimeEntryQuery(date_from=TODAY - timedelta(days=6), date_to=TODAY)


async def first(c: ClockifyConnector, query: TimeEntryQuery, count: int) -> list[Any]:
    listing = c.time_entries(query)
    taken = [await anext(listing) for _ in range(count)]
    await listing.aclose()  # type: ignore[attr-defined]
    return taken


@pytest.mark.parametrize(
    ("strategy", "to_entry"),
    [
        pytest.param(plan.Strategy.REPORT, "report_entry", id="report"),
        pytest.param(plan.Strategy.FAN_OUT, "time_entry", id="fan-out"),
    ],
)
async def test_reading_50_entries_of_a_week_maps_about_50_rows(
    sim: Sim, monkeypatch: pytest.MonkeyPatch, strategy: plan.Strategy, to_entry: str
) -> None:
    force(monkeypatch, strategy)
    everything = await entries(sim.connector, WEEK)
    mapped = Mock(wraps=getattr(clockify_mapping, to_entry))
    monkeypatch.setattr(clockify_mapping, to_entry, mapped)
    taken = await first(sim.connector, WEEK, 50)
    assert len(everything) > 400  # a week holds hundreds of rows
    assert [e.id for e in taken] == [e.id for e in everything[:50]]
    assert 0 < mapped.call_count <= 50  # the running timers come mapped already
    keys = [(e.start, e.id) for e in everything]
    assert keys == sorted(keys, reverse=True)


def report_row(native_id: str, start: str, **fields: Any) -> dict[str, Any]:
    interval = {"start": start, "end": "2026-03-20T23:00:00Z", "duration": 60}
    return {"_id": native_id, "userId": "u1", "timeInterval": interval, **fields}


def answer_reports(monkeypatch: pytest.MonkeyPatch, rows: list[dict[str, Any]]) -> None:
    """Every report call (one window) answers ``rows``; no running timers are asked for."""
    force(monkeypatch, plan.Strategy.REPORT)

    async def collect(*args: Any) -> list[Any]:
        return rows

    monkeypatch.setattr(connector, "collect_items", collect)


async def test_rows_are_ordered_by_their_instant_whatever_their_offset(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer_reports(
        monkeypatch,
        [
            report_row("a", "2026-03-20T10:00:00+02:00"),  # 08:00 UTC: the oldest
            report_row("b", "2026-03-20T09:30:00Z"),
            report_row("c", "2026-03-20T05:00:00-04:00"),  # 09:00 UTC
            report_row("d", "2026-03-20T09:30:00Z"),  # the same instant as b: by id
        ],
    )
    got = await entries(sim.connector, replace(WEEK, running=False))
    assert [e.id for e in got] == ["d", "b", "c", "a"]


async def test_a_bad_row_fails_when_it_is_read_and_a_row_without_a_start_at_once(
    sim: Sim, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chosen: what the order needs (id, start) is read from every row, so a row without it
    # fails the listing before any entry; any other garbage surfaces when the row is reached.
    query = replace(WEEK, running=False)
    answer_reports(
        monkeypatch,
        [
            report_row("new", "2026-03-20T10:00:00Z"),
            report_row("old", "2026-03-20T09:00:00Z", tags=["not an object"]),
        ],
    )
    listing = aiter(sim.connector.time_entries(query))
    assert (await anext(listing)).id == "new"
    with pytest.raises(AttributeError):
        await anext(listing)
    answer_reports(monkeypatch, [report_row("new", "2026-03-20T10:00:00Z"), {"_id": "x"}])
    with pytest.raises(KeyError):
        await anext(aiter(sim.connector.time_entries(query)))

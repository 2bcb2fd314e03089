"""The Toggl connector against the Toggl simulator (a black box over ASGITransport)."""

from __future__ import annotations

import asyncio
import base64
import re
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest.mock import Mock

import httpx
import orjson
import pytest
from pydantic import ValidationError

from gateway.connectors.base import ConnectorContext, Order, TimeEntryDraft, TimeEntryQuery
from gateway.connectors.toggl import CONFIG, TogglConnector, create_connector
from gateway.connectors.toggl import connector as connector_module
from gateway.connectors.toggl import mapping as toggl_mapping
from gateway.errors import (
    UpstreamAuthError,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamRateLimited,
    UserInputError,
)
from gateway.http import deadline_scope
from gateway.models import Kind, Task, TimeEntry
from gateway.simulators.kit import Clock, ManualClock, SimulatorConfig, SystemClock
from gateway.simulators.toggl import create_app, demo_source

TODAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
FAST = {"requests": 200, "per_seconds": 1.0}
REPORTS = "POST /reports/api/v3/workspace/{wid}/search/time_entries"


def simulator(
    options: dict[str, object] | None = None,
    limit: tuple[int, float] | None = (1000, 1.0),
    clock: Clock | None = None,
) -> Any:
    """Time stands still at NOW unless a test needs the simulator's rate windows to move."""
    return create_app(SimulatorConfig(seed=4, today=TODAY, rate_limit=limit, clock=clock or ManualClock(NOW),
                                      options=options or {}))


def connect(
    app: Any, *, rate_limit: dict[str, float] | None = FAST, page_size: int = 1000, **overrides: Any
) -> TogglConnector:
    entry = {**demo_source("http://toggl.sim"), **overrides}
    if rate_limit is not None:
        entry["rate_limit"] = rate_limit
    context = ConnectorContext(user_agent="hourglass-test", transport=httpx.ASGITransport(app=app))
    config = CONFIG.model_validate(entry)
    return create_connector(config, context, now=lambda: NOW, report_page_size=page_size)


async def control(app: Any, path: str) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as c:
        return (await c.get(f"/_simulator/{path}")).json()


@pytest.fixture
async def sim() -> AsyncIterator[tuple[Any, TogglConnector]]:
    app = simulator()
    connector = connect(app)
    yield app, connector
    await connector.aclose()


async def entries(connector: TogglConnector, **query: Any) -> list[TimeEntry]:
    return [e async for e in connector.time_entries(TimeEntryQuery(**query))]


async def raw_report_ids(app: Any, start: date, end: date, page_size: int) -> tuple[list[int], int]:
    """Ground truth, walked by hand: every entry id and how many rows grouped several entries."""
    src = demo_source("http://s")
    ids: list[int] = []
    grouped = 0
    body: dict[str, Any] = {"start_date": start.isoformat(), "end_date": end.isoformat(), "page_size": page_size}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s",
                                 auth=(str(src["api_token"]), "api_token")) as c:
        while True:
            response = await c.post(f"/reports/api/v3/workspace/{src['workspace_id']}/search/time_entries", json=body)
            for row in response.json():
                ids += [e["id"] for e in row["time_entries"]]
                grouped += len(row["time_entries"]) > 1
            if "X-Next-ID" not in response.headers:
                return ids, grouped
            body = {**body, "first_id": int(response.headers["X-Next-ID"]),
                    "first_row_number": int(response.headers["X-Next-Row-Number"])}


# -- acceptance: a 6-month workspace range through Reports, every entry exactly once ----------


async def test_six_month_range_goes_through_reports_and_returns_every_entry_once() -> None:
    app = simulator()
    connector = connect(app, page_size=700)
    try:
        got = await entries(connector, date_from=TODAY - timedelta(days=182), date_to=TODAY)
    finally:
        await connector.aclose()
    log = [r for r in await control(app, "requests") if r["path"].endswith("/search/time_entries")]
    stats = (await control(app, "stats"))["requests"]
    # The connector pads the range by a day on each side (time zones): compare on the same range.
    truth, grouped = await raw_report_ids(app, TODAY - timedelta(days=183), TODAY + timedelta(days=1), 1000)
    ids = [int(e.id) for e in got]
    assert grouped > 0, "the data should contain rows grouping several entries"
    assert len(ids) == len(set(ids)) == len(truth) > 5000
    assert set(ids) == set(truth)

    assert stats == {"GET /api/v9/workspaces/{wid}/tags": 1, REPORTS: len(log)}
    bodies = [orjson.loads(r["body"]) for r in log]
    assert len(bodies) >= 3 and "first_id" not in bodies[0]
    assert all(b["first_id"] and b["first_row_number"] > 1 for b in bodies[1:])
    assert all(b["page_size"] == 700 and b["start_date"] == "2025-07-16" for b in bodies)


async def test_ids_are_pushed_down_to_reports(sim: tuple[Any, TogglConnector]) -> None:
    app, connector = sim
    got = await entries(connector, date_from=TODAY - timedelta(days=30), date_to=TODAY,
                        user_ids=frozenset({"5657969", "9117123"}), project_ids=frozenset({"196562357"}))
    assert got and {e.user_id for e in got} <= {"5657969", "9117123"}
    assert {e.project_id for e in got} == {"196562357"}
    (post,) = [r for r in await control(app, "requests") if r["method"] == "POST"]
    body = orjson.loads(post["body"])
    assert body["user_ids"] == [5657969, 9117123] and body["project_ids"] == [196562357]
    assert (body["start_date"], body["end_date"]) == ("2025-12-15", "2026-01-16")


async def test_own_recent_range_uses_me_time_entries_and_agrees_with_reports(
    sim: tuple[Any, TogglConnector],
) -> None:
    app, connector = sim
    me = frozenset({"7080114"})
    week = {"date_from": TODAY - timedelta(days=7), "date_to": TODAY, "user_ids": me}
    mine = await entries(connector, **week)
    stats = (await control(app, "stats"))["requests"]
    assert stats == {"GET /api/v9/me": 1, "GET /api/v9/me/time_entries": 1}
    (listing,) = [r for r in await control(app, "requests") if r["path"] == "/api/v9/me/time_entries"]
    assert listing["query"] == "start_date=2026-01-07&end_date=2026-01-17"

    via_reports = await entries(connector, **{**week, "user_ids": None})

    def shape(e: TimeEntry) -> tuple[Any, ...]:
        return e.id, e.start, e.end, e.duration_seconds, e.running, e.project_id, e.task_id, e.tags, e.billable

    assert mine and {shape(e) for e in mine} <= {shape(e) for e in via_reports}
    assert {e.id for e in via_reports if e.user_id == "7080114"} == {e.id for e in mine}


async def test_own_running_timer_is_one_call_to_current(sim: tuple[Any, TogglConnector]) -> None:
    app, connector = sim
    (running,) = await entries(connector, date_from=TODAY - timedelta(days=365), running=True,
                               user_ids=frozenset({"7080114"}))
    assert running.running and running.end is None and running.start is not None
    assert running.duration_seconds == int((NOW - running.start).total_seconds())
    assert (await control(app, "stats"))["requests"] == {"GET /api/v9/me": 1,
                                                         "GET /api/v9/me/time_entries/current": 1}


# -- acceptance: both running-duration forms give the same elapsed duration -------------------


async def test_running_entries_from_reports_have_elapsed_durations(sim: tuple[Any, TogglConnector]) -> None:
    _, connector = sim
    running = [e for e in await entries(connector, date_from=TODAY, date_to=TODAY) if e.running]
    forms = {e.raw["seconds"] == -1 for e in running if e.raw}
    assert forms == {True, False}, "the seeded data should show both -1 and minus-start-epoch"
    for e in running:
        assert e.start is not None and e.end is None
        assert e.duration_seconds == int((NOW - e.start).total_seconds()) > 0


async def test_references(sim: tuple[Any, TogglConnector]) -> None:
    app, connector = sim
    got = {kind: [r async for r in connector.references(kind)] for kind in
           (Kind.USER, Kind.CLIENT, Kind.PROJECT, Kind.TASK)}
    assert all(got.values())
    project_ids = {p.id for p in got[Kind.PROJECT]}
    tasks = [t for t in got[Kind.TASK] if isinstance(t, Task)]
    assert len(tasks) == len(got[Kind.TASK])
    assert {t.project_id for t in tasks} <= project_ids
    by_id = await connector.references_by_id(Kind.USER, ["7080114", "nope"])
    assert list(by_id) == ["7080114"]
    log = {r["path"]: r["query"] for r in await control(app, "requests")}
    assert log["/api/v9/workspaces/4182735/projects"] == "active=both&page=1&per_page=200"
    assert await connector.whoami() == "Maya Lindqvist <maya.lindqvist@lumencraft.io>"


async def test_projects_page_until_a_short_page(
    sim: tuple[Any, TogglConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, connector = sim
    monkeypatch.setattr(connector_module, "PER_PAGE", 5)
    projects = [p async for p in connector.references(Kind.PROJECT)]
    calls = (await control(app, "stats"))["requests"]["GET /api/v9/workspaces/{wid}/projects"]
    assert len({p.id for p in projects}) == len(projects) > 5
    assert calls == len(projects) // 5 + 1  # full pages, then the short (or empty) last one


# -- configuration, limits, auth and errors ---------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"workspace_id": 0}, "greater than 0", id="workspace-id-positive"),
        pytest.param({"workspace_id": "abc"}, "valid integer", id="workspace-id-numeric"),
        pytest.param({"api_token": " tok"}, "API token", id="token-whitespace"),
        pytest.param({"api_token": ""}, "API token", id="token-empty"),
        pytest.param({"reports_url": "api.track.toggl.com"}, "absolute http(s) URL", id="reports-url-relative"),
        pytest.param({"base_url": "https://u:p@x/api/v9"}, "credentials", id="base-url-credentials"),
        pytest.param({"vendor": "harvest"}, "toggl", id="vendor-literal"),
    ],
)
def test_config_is_validated_with_precise_messages(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)):
        CONFIG.model_validate({**demo_source("http://s"), **overrides})


def test_config_defaults_to_the_real_urls() -> None:
    config = CONFIG.model_validate({"name": "t", "vendor": "toggl", "api_token": "x", "workspace_id": "7"})
    assert (config.base_url, config.reports_url, config.workspace_id) == (
        None, "https://api.track.toggl.com/reports/api/v3", 7)
    assert config.secrets() == ["x"]



async def test_default_pacing_keeps_the_leaky_bucket_with_zero_429s() -> None:
    app = simulator(options={"burst": 1}, limit=None, clock=SystemClock())  # Toggl's own bucket, no burst to hide behind
    connector = connect(app, rate_limit=None)
    try:
        started = time.monotonic()
        await asyncio.gather(connector.whoami(), *(
            _drain(connector.references(k)) for k in (Kind.USER, Kind.CLIENT)))
        elapsed = time.monotonic() - started
    finally:
        await connector.aclose()
    stats = await control(app, "stats")
    assert stats["rate_limited"] == 0 and stats["responses"] == {"200": 3}
    assert elapsed >= 2.0  # three calls at 1 per second


async def test_a_low_rate_limit_override_gives_zero_429s() -> None:
    app = simulator(limit=(4, 0.2), clock=SystemClock())
    connector = connect(app, rate_limit={"requests": 4, "per_seconds": 0.2})
    try:
        await asyncio.gather(*(connector.references_by_id(k, ["1"]) for k in Kind if k is not Kind.TIME_ENTRY),
                             *(entries(connector, date_from=TODAY - timedelta(days=i), date_to=TODAY)
                               for i in range(8)))
    finally:
        await connector.aclose()
    stats = await control(app, "stats")
    assert stats["rate_limited"] == 0 and stats["total_requests"] >= 12


async def test_bad_credentials_are_upstream_auth_failed_without_the_secret() -> None:
    app = simulator()
    connector = connect(app, api_token="not-the-token-5f2c")
    try:
        with pytest.raises(UpstreamAuthError) as caught:
            await connector.whoami()
    finally:
        await connector.aclose()
    assert caught.value.code == "UPSTREAM_AUTH_FAILED"
    assert "HTTP 403" in caught.value.message and "API token was not accepted" in caught.value.message
    assert "not-the-token-5f2c" not in str(caught.value) and "Incorrect" not in str(caught.value)


# A handler as httpx.MockTransport takes one: answering at once, or as a coroutine.
Handler = (
    Callable[[httpx.Request], httpx.Response]
    | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
)


def _mock_connector(handler: Handler) -> TogglConnector:
    entry = {**demo_source("http://toggl.mock"), "rate_limit": FAST}
    context = ConnectorContext(user_agent="t", transport=httpx.MockTransport(handler))
    return create_connector(CONFIG.model_validate(entry), context, now=lambda: NOW)


QUOTA_OK = {"X-Toggl-Quota-Remaining": "100", "X-Toggl-Quota-Resets-In": "3000"}
ME = {"id": 1, "fullname": "A", "email": "a@x"}


async def test_basic_auth_with_the_literal_password_and_no_secret_in_urls() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ME, headers=QUOTA_OK)

    connector = _mock_connector(handler)
    await connector.whoami()
    await connector.aclose()
    token = str(demo_source("x")["api_token"])
    expected = base64.b64encode(f"{token}:api_token".encode()).decode()
    assert seen[0].headers["Authorization"] == f"Basic {expected}"
    assert token not in str(seen[0].url)


async def test_plain_string_errors_become_safe_messages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, text="Invalid start_date: tok_abc123 <b>", headers=QUOTA_OK)

    connector = _mock_connector(handler)
    with pytest.raises(UpstreamBadResponse) as caught:
        await entries(connector, date_from=TODAY - timedelta(days=3), date_to=TODAY)
    await connector.aclose()
    assert caught.value.message == "source 'toggl-demo' refused the request (HTTP 400): the start was not accepted"
    assert "tok_abc123" not in str(caught.value)


async def test_a_full_me_listing_may_be_cut_short_so_reports_answer_instead() -> None:
    asked: list[str] = []
    stopped = {"id": 5, "start": "2026-01-14T08:00:00Z", "stop": "2026-01-14T09:00:00Z", "duration": 3600}

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.method} {request.url.path}")
        answers: dict[str, Any] = {
            "/api/v9/me": {"id": 1}, "/api/v9/me/time_entries": [stopped] * 1000,
            "/api/v9/workspaces/4182735/tags": [],
        }
        return httpx.Response(200, json=answers.get(request.url.path, []), headers=QUOTA_OK)

    connector = _mock_connector(handler)
    await entries(connector, date_from=TODAY - timedelta(days=3), date_to=TODAY, user_ids=frozenset({"1"}))
    await connector.aclose()
    assert asked[-1] == "POST /reports/api/v3/workspace/4182735/search/time_entries"
    assert "GET /api/v9/me/time_entries" in asked


async def test_closing_ends_a_shared_me_call_its_caller_gave_up_on_before_the_client_closes() -> None:
    # ``/me`` is shared (shielded): a caller that goes away leaves it running. ``aclose`` must
    # end it, not only ask it to end, before the client it calls through is closed.
    asked, ended = asyncio.Event(), asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/v9/me":
            asked.set()
            try:
                await asyncio.Event().wait()  # Toggl never answers
            finally:
                ended.set()
        return httpx.Response(200, json=[], headers=QUOTA_OK)

    connector = _mock_connector(handler)
    caller = asyncio.ensure_future(
        entries(connector, date_from=TODAY, date_to=TODAY, user_ids=frozenset({"1"}))
    )
    await asyncio.wait_for(asked.wait(), 5)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert not ended.is_set()  # the shared call outlives its caller
    await connector.aclose()
    assert ended.is_set()


async def test_an_unknown_entry_id_is_none(sim: tuple[Any, TogglConnector]) -> None:
    _, connector = sim
    assert await connector.time_entry("1") is None
    assert await connector.time_entry("ev:1") is None


# -- acceptance: quota of 30/hour, a workload of 40 calls ------------------------------------


async def _outcome(call: Any) -> Any:
    try:
        return await call
    except UpstreamError as exc:
        return exc


async def _drain(items: AsyncIterator[Any]) -> list[Any]:
    return [i async for i in items]


async def test_quota_30_sequential_workload_of_40_completes_what_fits_and_fails_fast() -> None:
    app = simulator(options={"quota_per_hour": 30})
    connector = connect(app)
    calls: list[Callable[[], Coroutine[Any, Any, Any]]] = [
        connector.whoami,
        lambda: _drain(connector.references(Kind.CLIENT)),
        lambda: _drain(connector.references(Kind.USER)),
        lambda: connector.references_by_id(Kind.TASK, ["1"]),
    ]
    started = time.monotonic()
    try:
        with deadline_scope(5.0):
            results = [await _outcome(calls[i % 4]()) for i in range(40)]
    finally:
        await connector.aclose()
    assert time.monotonic() - started < 3.0  # fails fast, no hanging on the hour
    failed = [r for r in results if isinstance(r, UpstreamError)]
    assert len(failed) == 10 and results[:30] == [r for r in results if not isinstance(r, UpstreamError)]
    for exc in failed:
        assert isinstance(exc, UpstreamRateLimited) and exc.code == "UPSTREAM_RATE_LIMITED"
        assert exc.retry_after is not None and 3000 < exc.retry_after <= 3600
    stats = await control(app, "stats")
    assert "402" not in stats["responses"] and stats["total_requests"] == 30


async def test_quota_30_concurrent_workload_of_40_never_receives_an_avoidable_402() -> None:
    app = simulator(options={"quota_per_hour": 30})
    connector = connect(app)
    me = frozenset({"7080114"})
    started = time.monotonic()
    try:
        with deadline_scope(5.0):
            results = await asyncio.gather(*(
                _outcome(entries(connector, date_from=TODAY - timedelta(days=i + 1), date_to=TODAY - timedelta(days=i),
                                 user_ids=me))
                for i in range(40)))
    finally:
        await connector.aclose()
    assert time.monotonic() - started < 3.0
    limited = [r for r in results if isinstance(r, UpstreamRateLimited)]
    assert len(limited) == 40 - 29  # one call learnt the user id, 29 listings fitted
    assert all(r.retry_after and r.retry_after > 3000 for r in limited)
    stats = await control(app, "stats")
    assert "402" not in stats["responses"] and stats["total_requests"] == 30


@pytest.mark.parametrize(
    ("resets_in", "succeeds", "calls"),
    [
        pytest.param("0.2", True, 2, id="reset-fits-deadline-wait-and-resend"),
        pytest.param("120", False, 1, id="reset-past-deadline-fail-fast"),
    ],
)
async def test_a_402_waits_resets_in_only_when_it_fits_the_deadline(resets_in: str, succeeds: bool, calls: int) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        if len(sent) == 1:
            return httpx.Response(402, text="Quota exceeded.",
                                  headers={"X-Toggl-Quota-Remaining": "0", "X-Toggl-Quota-Resets-In": resets_in})
        return httpx.Response(200, json=ME, headers=QUOTA_OK)

    connector = _mock_connector(handler)
    started = time.monotonic()
    with deadline_scope(3.0):
        outcome = await _outcome(connector.whoami())
    await connector.aclose()
    assert len(sent) == calls
    if succeeds:
        assert outcome == "A <a@x>" and sent[1] - sent[0] >= 0.2
    else:
        assert isinstance(outcome, UpstreamRateLimited) and outcome.retry_after == 120.0
        assert time.monotonic() - started < 1.0


async def test_the_first_call_probes_the_quota_alone() -> None:
    in_flight, peak = 0, 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return httpx.Response(200, json=[], headers={"X-Toggl-Quota-Remaining": "2", "X-Toggl-Quota-Resets-In": "900"})

    entry = {**demo_source("http://toggl.mock"), "rate_limit": FAST}
    context = ConnectorContext(user_agent="t", transport=httpx.MockTransport(handler))
    connector = create_connector(CONFIG.model_validate(entry), context, now=lambda: NOW)
    kinds = (Kind.USER, Kind.CLIENT, Kind.PROJECT, Kind.TASK)
    with deadline_scope(2.0):
        results = await asyncio.gather(*(_outcome(_drain(connector.references(k))) for k in kinds))
    await connector.aclose()
    assert peak <= 2  # the probe went alone, then the two calls the quota allowed
    assert sum(isinstance(r, UpstreamRateLimited) for r in results) == 1


# -- writes and timers ----------------------------------------------------------------------


async def test_create_update_delete(sim: tuple[Any, TogglConnector]) -> None:
    app, connector = sim
    created = await connector.create_time_entry(TimeEntryDraft(
        start=datetime(2026, 1, 14, 6, 0, tzinfo=UTC), duration_seconds=1800, description="Design review",
        project_id="192229305", tags=("review",), billable=True))
    assert (created.duration_seconds, created.running, created.description) == (1800, False, "Design review")
    assert created.end == datetime(2026, 1, 14, 6, 30, tzinfo=UTC) and created.tags == ("review",)
    post = next(r for r in await control(app, "requests") if r["method"] == "POST")
    assert orjson.loads(post["body"])["created_with"] == "hourglass-test"

    updated = await connector.update_time_entry(created.id, TimeEntryDraft(description="Design review v2"))
    assert (updated.id, updated.description, updated.duration_seconds) == (created.id, "Design review v2", 1800)

    await connector.delete_time_entry(created.id)
    left = await entries(connector, date_from=date(2026, 1, 14), date_to=date(2026, 1, 14),
                         user_ids=frozenset({"7080114"}))
    assert created.id not in {e.id for e in left}


async def test_start_and_stop_a_timer(sim: tuple[Any, TogglConnector]) -> None:
    app, connector = sim
    started = await connector.start_timer(TimeEntryDraft(description="Focus", project_id="192229305"))
    assert started.running and started.end is None and started.start == NOW
    body = orjson.loads(next(r for r in await control(app, "requests") if r["method"] == "POST")["body"])
    assert (body["duration"], body["stop"]) == (-1, None)

    stopped = await connector.stop_timer()  # the user's current timer
    assert stopped.id == started.id and not stopped.running and stopped.end is not None

    with pytest.raises(UserInputError) as caught:
        await connector.stop_timer(started.id)
    assert str(caught.value) == "the time entry is already stopped"
    assert isinstance(caught.value.__cause__, UpstreamError)
    assert "Time entry already stopped" not in caught.value.__cause__.message


async def test_stopping_with_nothing_running_is_a_clear_error(sim: tuple[Any, TogglConnector]) -> None:
    _, connector = sim
    await connector.stop_timer()  # the seeded running entry
    with pytest.raises(UserInputError, match="no timer is running"):
        await connector.stop_timer()
    with pytest.raises(UserInputError):
        await connector.stop_timer(user_id="5657969")


@pytest.mark.parametrize(
    ("fields", "tag_calls"),
    [
        pytest.param(None, 1, id="every-field"),
        pytest.param(frozenset({"id", "tags"}), 1, id="tags-selected"),
        pytest.param(frozenset({"id", "hours", "user"}), 0, id="tags-not-selected"),
    ],
)
async def test_tag_names_are_fetched_only_when_tags_are_read(
    fields: frozenset[str] | None, tag_calls: int
) -> None:
    # At 1 request/s, the tags call would put every report a whole second later.
    app = simulator()
    connector = connect(app)
    try:
        got = await entries(
            connector, date_from=TODAY - timedelta(days=60), date_to=TODAY, fields=fields
        )
    finally:
        await connector.aclose()
    stats = (await control(app, "stats"))["requests"]
    assert stats.get("GET /api/v9/workspaces/{wid}/tags", 0) == tag_calls
    assert got and stats[REPORTS] >= 1
    if tag_calls:
        assert any(e.tags for e in got)


# -- the report in a declared order, mapped only as the listing reads it ----------------------

WEEK: dict[str, Any] = {"date_from": TODAY - timedelta(days=6), "date_to": TODAY}


async def test_the_report_comes_newest_first_and_50_entries_map_about_50_items(
    sim: tuple[Any, TogglConnector], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, connector = sim
    assert connector.capabilities.time_entry_order is Order.DESC
    everything = await entries(connector, **WEEK)
    mapped = Mock(wraps=toggl_mapping.report_entry)
    monkeypatch.setattr(toggl_mapping, "report_entry", mapped)
    listing = connector.time_entries(TimeEntryQuery(**WEEK))
    taken = [await anext(listing) for _ in range(50)]
    await listing.aclose()  # type: ignore[attr-defined]
    assert len(everything) > 100 and mapped.call_count == 50
    assert [e.id for e in taken] == [e.id for e in everything[:50]]
    starts = [e.start for e in everything if e.start is not None]
    assert len(starts) == len(everything)
    assert starts == sorted(starts, reverse=True)  # dates come in order: what the merge needs


async def test_a_report_item_without_a_start_fails_before_any_entry() -> None:
    row = {"user_id": 1, "time_entries": [
        {"id": 1, "start": "2026-01-14T08:00:00Z", "stop": "2026-01-14T09:00:00Z", "seconds": 3600},
        {"id": 2, "seconds": 60},
    ]}

    def handler(request: httpx.Request) -> httpx.Response:
        body = [row] if request.url.path.endswith("/search/time_entries") else []
        return httpx.Response(200, json=body, headers=QUOTA_OK)

    connector = _mock_connector(handler)
    with pytest.raises(UpstreamBadResponse, match="unexpected shape"):
        await anext(aiter(connector.time_entries(TimeEntryQuery(**WEEK))))
    await connector.aclose()

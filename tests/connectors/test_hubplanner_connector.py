"""The Hub Planner connector against the Hub Planner simulator (a black box over ASGITransport):
pagination ends, push-down checked in the simulator's request log, pacing, auth, writes."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from gateway.connectors.base import ConnectorContext, Order, TimeEntryDraft, TimeEntryQuery
from gateway.connectors.hubplanner import CONFIG, HubPlannerConnector, create_connector
from gateway.errors import (
    NotSupported,
    UpstreamAuthError,
    UpstreamNotFound,
    UpstreamUnavailable,
    UserInputError,
)
from gateway.listing import SortKey
from gateway.models import Kind, TimeEntry
from gateway.references import ReferenceStore
from gateway.service import Gateway, SourceRuntime, TimeEntryFilter, entry_key
from gateway.simulators.hubplanner import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig

TODAY = date(2026, 3, 15)
FAST = (1000, 1.0)
READ_ONLY_KEY = "0123456789abcdef0123456789abcdef"
SEARCH = "POST /v1/timeentry/search"


def simulator(rate_limit: tuple[int, float] | None = FAST) -> Any:
    options: dict[str, object] = {"read_only_key": READ_ONLY_KEY}
    return create_app(SimulatorConfig(seed=2, today=TODAY, rate_limit=rate_limit, options=options))


def connect(app: Any, rate: tuple[int, float] | None = FAST, **overrides: Any) -> HubPlannerConnector:
    entry: dict[str, Any] = {**demo_source("http://sim"), **overrides}
    if rate is not None:
        entry["rate_limit"] = {"requests": rate[0], "per_seconds": rate[1]}
    context = ConnectorContext(user_agent="hourglass-test", transport=httpx.ASGITransport(app=app))
    return create_connector(CONFIG.model_validate(entry), context)


async def control(app: Any, method: str, path: str) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim") as c:
        return (await c.request(method, f"/_simulator/{path}")).json()


async def stats(app: Any) -> dict[str, Any]:
    body: dict[str, Any] = await control(app, "GET", "stats")
    return body


async def requests_log(app: Any) -> list[dict[str, Any]]:
    body: list[dict[str, Any]] = await control(app, "GET", "requests")
    return body


async def raw_entries(app: Any) -> list[dict[str, Any]]:
    """Ground truth: every time entry row, read directly (then the counters are reset)."""
    key = str(demo_source("http://sim")["api_key"])
    headers = {"Authorization": key, "Accept": "application/json", "Content-Type": "application/json"}
    rows: list[dict[str, Any]] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim/v1/",
                                 headers=headers) as c:
        for number in range(100):
            got = (await c.get("timeentry", params={"page": number, "limit": 1000})).json()
            rows += got
            if len(got) < 1000:
                break
    await control(app, "POST", "reset")
    return rows


def matching(rows: list[dict[str, Any]], *, since: date, until: date, **equal: str) -> set[str]:
    return {
        r["_id"] for r in rows
        if r["status"] != "EMPTY" and since.isoformat() <= r["date"] <= until.isoformat()
        and all(r[k] == v for k, v in equal.items())
    }


async def listed(connector: HubPlannerConnector, query: TimeEntryQuery) -> list[TimeEntry]:
    return [e async for e in connector.time_entries(query)]


@pytest.fixture
async def sim() -> AsyncIterator[tuple[Any, list[dict[str, Any]]]]:
    app = simulator()
    yield app, await raw_entries(app)


# --- pagination --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size_of",
    [
        pytest.param(lambda n: n, id="a-full-page-then-an-empty-one"),
        pytest.param(lambda n: n // 4, id="several-pages-then-a-short-or-empty-one"),
        pytest.param(lambda n: n - 1, id="a-last-page-shorter-than-limit"),
        pytest.param(lambda n: n + 1, id="one-short-page"),
    ],
)
async def test_pagination_ends_on_a_short_or_empty_page(
    sim: tuple[Any, list[dict[str, Any]]], size_of: Any
) -> None:
    app, rows = sim
    user = rows[0]["resource"]
    since, until = TODAY - timedelta(days=30), TODAY
    truth = matching(rows, since=since, until=until, resource=user)
    size = size_of(len(truth))
    connector = connect(app, page_size=size)
    query = TimeEntryQuery(date_from=since, date_to=until, user_ids=frozenset({user}))
    ids = [e.id for e in await listed(connector, query)]
    await connector.aclose()
    assert len(ids) == len(set(ids)) and set(ids) == truth  # nothing missing, nothing twice
    calls = len(truth) // size + 1  # full pages, then one short (possibly empty) page
    assert (await stats(app))["requests"] == {SEARCH: calls}
    pages = [dict(httpx.QueryParams(r["query"])) for r in await requests_log(app)]
    assert [p["page"] for p in pages] == [str(i) for i in range(calls)]
    assert {p["limit"] for p in pages} == {str(size)}
    if len(truth) % size == 0:
        last = (await requests_log(app))[-1]
        assert last["status"] == 200 and httpx.QueryParams(last["query"])["page"] == str(calls - 1)


async def test_empty_rows_count_for_the_page_size_but_never_surface() -> None:
    # A vendor ignoring the ``$nin EMPTY`` filter: a full page made partly of padding rows
    # must still be followed, and the padding must not come out as time.
    def row(i: int, status: str) -> dict[str, Any]:
        return {"_id": f"{i:024x}", "resource": "6" * 24, "project": "a" * 24,
                "date": "2026-03-01", "minutes": 0 if status == "EMPTY" else 60, "status": status}

    pages = {"0": [row(1, "APPROVED"), row(2, "EMPTY")], "1": [row(3, "EMPTY")]}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params["page"])
        return httpx.Response(200, json=pages[request.url.params["page"]])

    context = ConnectorContext(user_agent="t", transport=httpx.MockTransport(handler))
    entry = {**demo_source("http://sim"), "page_size": 2}
    connector = create_connector(CONFIG.model_validate(entry), context)
    entries = await listed(connector, TimeEntryQuery())
    await connector.aclose()
    assert [e.id for e in entries] == [f"{1:024x}"] and seen == ["0", "1"]


# --- push-down ---------------------------------------------------------------------------


async def test_a_60_day_one_project_query_is_one_search_with_the_filters_in_the_body(
    sim: tuple[Any, list[dict[str, Any]]],
) -> None:
    app, rows = sim
    project = rows[0]["project"]
    since = TODAY - timedelta(days=59)
    connector = connect(app)
    query = TimeEntryQuery(date_from=since, date_to=TODAY, project_ids=frozenset({project}))
    entries = await listed(connector, query)
    await connector.aclose()
    assert {e.id for e in entries} == matching(rows, since=since, until=TODAY, project=project)
    counted = await stats(app)
    assert counted["requests"] == {SEARCH: 1} and counted["total_requests"] == 1
    (logged,) = await requests_log(app)
    assert json.loads(logged["body"]) == {
        "status": {"$nin": ["EMPTY"]},
        "date": {"$gte": since.isoformat(), "$lte": TODAY.isoformat()},
        "project": project,
    }
    assert httpx.QueryParams(logged["query"]).get_list("sort") == ["-date", "-createdDate"]


async def test_users_and_updated_since_are_pushed_down(sim: tuple[Any, list[dict[str, Any]]]) -> None:
    app, rows = sim
    users = sorted({r["resource"] for r in rows})[:2]
    since = TODAY - timedelta(days=90)
    cutoff = datetime.fromisoformat("2026-02-01T00:00:00+00:00")
    connector = connect(app)
    query = TimeEntryQuery(date_from=since, date_to=TODAY, user_ids=frozenset(users),
                           updated_since=cutoff)
    entries = await listed(connector, query)
    await connector.aclose()
    in_range = matching(rows, since=since, until=TODAY)
    truth = {
        r["_id"] for r in rows
        if r["_id"] in in_range and r["resource"] in users
        and r["updatedDate"] >= "2026-02-01T00:00:00.000Z"
    }
    assert {e.id for e in entries} == truth and truth
    (logged,) = await requests_log(app)
    body = json.loads(logged["body"])
    assert body["resource"] == {"$in": users}
    assert body["updatedDate"] == {"$gte": "2026-02-01T00:00:00.000Z"}


async def test_running_true_costs_no_call(sim: tuple[Any, list[dict[str, Any]]]) -> None:
    app, _ = sim
    connector = connect(app)
    assert await listed(connector, TimeEntryQuery(running=True)) == []
    await connector.aclose()
    assert (await stats(app))["total_requests"] == 0


async def test_server_sorting_lets_the_service_stop_after_one_page(
    sim: tuple[Any, list[dict[str, Any]]],
) -> None:
    app, rows = sim
    connector = connect(app, page_size=200)
    runtime = SourceRuntime(CONFIG.model_validate({**demo_source("http://sim")}), connector,
                            ReferenceStore(connector, ttl=60, maxsize=1000))
    gateway = Gateway({"hubplanner-demo": runtime}, today=lambda: TODAY)
    listing = await gateway.time_entries(TimeEntryFilter(), first=50, after=None, order=Order.DESC)
    await gateway.aclose()
    since = TODAY - timedelta(days=365)
    truth = matching(rows, since=since, until=date.max)
    assert len(truth) > 1000  # a full read would take many pages
    newest: list[SortKey] = sorted(
        ((date.fromisoformat(r["date"]).toordinal(), -1.0, "hubplanner-demo", r["_id"])
         for r in rows if r["_id"] in truth), reverse=True,
    )
    assert [entry_key(e) for e in listing.items] == newest[:50]
    assert (await stats(app))["requests"] == {SEARCH: 1}


# --- references and single entries ---------------------------------------------------------


async def test_references_and_single_entries(sim: tuple[Any, list[dict[str, Any]]]) -> None:
    app, rows = sim
    connector = connect(app)
    users = [u async for u in connector.references(Kind.USER)]
    projects = [p async for p in connector.references(Kind.PROJECT)]
    clients = {c.id async for c in connector.references(Kind.CLIENT)}
    assert len(users) == 20 and len(clients) == 5
    linked = {p.client_id for p in projects if p.client_id}  # type: ignore[union-attr]
    assert linked and linked <= clients
    by_id = await connector.references_by_id(Kind.USER, [users[0].id, "f" * 24, "../client"])
    assert list(by_id) == [users[0].id]
    with pytest.raises(NotSupported):
        await anext(connector.references(Kind.TASK))
    empty = next(r for r in rows if r["status"] == "EMPTY")
    real = next(r for r in rows if r["status"] != "EMPTY")
    entry = await connector.time_entry(real["_id"])
    assert entry is not None and entry.duration_seconds == real["minutes"] * 60
    assert entry.start is None and entry.end is None
    assert await connector.time_entry(empty["_id"]) is None  # padding is never time
    assert await connector.time_entry("f" * 24) is None
    before = (await stats(app))["total_requests"]
    assert await connector.time_entry("not-an-id") is None
    assert (await stats(app))["total_requests"] == before  # refused without a call
    await connector.aclose()


# --- pacing ------------------------------------------------------------------------------


async def test_50_concurrent_listings_are_paced_with_zero_429s() -> None:
    # Same arithmetic as 2 per 1 s, ten times faster: 20 sends per window, so 50 single-page
    # listings need ceil(50 / 20) = 3 windows, i.e. >= 2 full windows of waiting.
    requests, window = 20, 1.0
    app = simulator(rate_limit=(requests, window))
    connector = connect(app, rate=(requests, window))
    users = sorted({u.id async for u in connector.references(Kind.USER)})
    await control(app, "POST", "reset")
    queries = [
        TimeEntryQuery(date_from=TODAY - timedelta(days=7 + i), date_to=TODAY,
                       user_ids=frozenset({users[i % len(users)]}))
        for i in range(50)
    ]
    started = time.monotonic()
    results = await asyncio.gather(*(listed(connector, q) for q in queries))
    elapsed = time.monotonic() - started
    await connector.aclose()
    counted = await stats(app)
    assert counted["rate_limited"] == 0 and counted["requests"] == {SEARCH: 50}
    assert len(results) == 50 and sum(map(len, results)) > 0
    # Sends go out in 3 bursts of <= 20, each one (stretched) window after the previous one:
    # the SlidingWindowLimiter adds a 2 % + 50 ms margin, so a window is 1.07 s here.
    waits = math.ceil(50 / requests) - 1
    stretched = window * 1.02 + 0.05
    assert waits * window <= elapsed < waits * stretched + 0.5


async def test_the_documented_2_per_second_is_the_default() -> None:
    app = simulator(rate_limit=None)  # the simulator's documented 2 per 1 s
    connector = connect(app, rate=None)
    started = time.monotonic()
    # distinct ids: identical in-flight GETs would be coalesced into one call
    found = await asyncio.gather(*(connector.time_entry(f"{i:024x}") for i in range(5)))
    elapsed = time.monotonic() - started
    await connector.aclose()
    assert found == [None] * 5
    assert (await stats(app))["rate_limited"] == 0
    assert elapsed >= 2.0  # 5 calls at 2 per second: sends at 0, 0, 1, 1, 2 s


async def test_a_stricter_vendor_is_honoured_through_retry_after() -> None:
    app = simulator(rate_limit=(3, 1.0))
    connector = connect(app, rate=(30, 1.0))  # the connector believes 10x what is true
    found = await asyncio.gather(*(connector.time_entry(f"{i:024x}") for i in range(6)))
    await connector.aclose()
    assert found == [None] * 6
    counted = await stats(app)
    assert counted["rate_limited"] > 0 and counted["responses"]["404"] == 6


# --- auth and headers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "says"),
    [
        pytest.param("f" * 32, "Settings -> API", id="unknown-key"),
        pytest.param("Bearer " + str(demo_source("http://sim")["api_key"]), "raw API key",
                     id="bearer-prefixed"),
    ],
)
async def test_a_rejected_key_is_upstream_auth_failed(key: str, says: str) -> None:
    app = simulator()
    connector = connect(app, api_key=key)
    with pytest.raises(UpstreamAuthError) as caught:
        await listed(connector, TimeEntryQuery())
    await connector.aclose()
    assert caught.value.code == "UPSTREAM_AUTH_FAILED" and says in caught.value.message
    assert key.split()[-1] not in str(caught.value) and "http" not in str(caught.value)


async def test_every_request_sends_the_raw_key_and_json_headers() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=[])

    connector = create_connector(
        CONFIG.model_validate(demo_source("http://sim")),
        ConnectorContext(user_agent="hourglass-test", transport=httpx.MockTransport(handler)),
    )
    [u async for u in connector.references(Kind.USER)]
    await listed(connector, TimeEntryQuery())
    await connector.aclose()
    for request in sent:
        assert request.headers["authorization"] == demo_source("http://sim")["api_key"]
        assert request.headers["accept"] == "application/json"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["user-agent"] == "hourglass-test"


# --- writes --------------------------------------------------------------------------------


async def test_create_update_delete(sim: tuple[Any, list[dict[str, Any]]]) -> None:
    app, rows = sim
    template = rows[0]
    connector = connect(app)
    draft = TimeEntryDraft(user_id=template["resource"], project_id=template["project"],
                           date=date(2026, 3, 10), duration_seconds=5400, description="Review")
    created = await connector.create_time_entry(draft)
    assert (created.duration_seconds, created.date, created.description) == (
        5400, date(2026, 3, 10), "Review")
    assert await connector.time_entry(created.id) == created

    await control(app, "POST", "reset")  # (reset restores the seed, so write again)
    created = await connector.create_time_entry(draft)
    updated = await connector.update_time_entry(created.id, TimeEntryDraft(duration_seconds=7200))
    assert (updated.id, updated.duration_seconds, updated.description) == (created.id, 7200, "Review")
    methods = [(r["method"], r["route"]) for r in await requests_log(app)]
    assert methods[-2:] == [("GET", "/v1/timeentry/{item_id}"), ("PUT", "/v1/timeentry/{item_id}")]
    put = json.loads((await requests_log(app))[-1]["body"])
    assert {k: put[k] for k in ("resource", "project", "date", "minutes", "note")} == {
        "resource": template["resource"], "project": template["project"], "date": "2026-03-10",
        "minutes": 120, "note": "Review"}

    await connector.delete_time_entry(created.id)
    assert await connector.time_entry(created.id) is None
    with pytest.raises(UpstreamNotFound):
        await connector.update_time_entry(created.id, TimeEntryDraft(duration_seconds=60))
    await connector.aclose()


async def test_write_refusals(sim: tuple[Any, list[dict[str, Any]]]) -> None:
    app, rows = sim
    locked = next(r for r in rows if r["locked"] and r["status"] != "EMPTY")
    connector = connect(app)
    with pytest.raises(UpstreamAuthError, match="locked"):
        await connector.update_time_entry(locked["_id"], TimeEntryDraft(duration_seconds=60))
    with pytest.raises(UserInputError, match="missing: user, date, duration"):
        await connector.create_time_entry(TimeEntryDraft(project_id=locked["project"]))
    with pytest.raises(UserInputError):
        await connector.delete_time_entry("../resource")
    before = (await stats(app))["total_requests"]
    with pytest.raises(UserInputError, match="billable"):
        await connector.update_time_entry(locked["_id"], TimeEntryDraft(billable=True))
    assert (await stats(app))["total_requests"] == before  # refused before reading
    await connector.aclose()

    read_only = connect(app, api_key=READ_ONLY_KEY)
    draft = TimeEntryDraft(user_id=locked["resource"], project_id=locked["project"],
                           date=TODAY, duration_seconds=600)
    with pytest.raises(UpstreamAuthError, match="Read & Write") as caught:
        await read_only.create_time_entry(draft)
    await read_only.aclose()
    assert READ_ONLY_KEY not in str(caught.value)


async def test_a_create_is_never_retried() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(502)

    connector = create_connector(
        CONFIG.model_validate(demo_source("http://sim")),
        ConnectorContext(user_agent="t", transport=httpx.MockTransport(handler)),
    )
    draft = TimeEntryDraft(user_id="6" * 24, project_id="a" * 24, date=TODAY, duration_seconds=600)
    with pytest.raises(UpstreamUnavailable):
        await connector.create_time_entry(draft)
    await connector.aclose()
    assert calls == ["POST"]

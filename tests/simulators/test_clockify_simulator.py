"""The Clockify simulator against the vendor sheet, issue 7 and the published OpenAPI spec."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import FastAPI

from gateway.simulators.clockify import create_app, demo_source
from gateway.simulators.clockify.data import DEMO_API_KEY, WORKSPACE_ID
from gateway.simulators.kit import ManualClock, SimulatorConfig

TODAY = date(2026, 1, 15)  # a Thursday
DAY = TODAY.isoformat()
SPEC = Path("/work/shared/vendors/specs/clockify-v1.openapi.json")
API = f"/api/v1/workspaces/{WORKSPACE_ID}"
REPORT = f"/reports/v1/workspaces/{WORKSPACE_ID}/reports/detailed"
KEY = {"X-Api-Key": DEMO_API_KEY}
ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")

# Where the spec is stricter than the API it describes, relaxed for validation:
# - "enum wrapper" schemas (AccountStatus, TaskStatus, ...) are declared as objects with a
#   oneOf of one string enum, but the API sends the bare string;
# - these fields are null on the wire (running timers, entries without a project, unset rates),
#   which the spec, having no ``nullable``, cannot say.
NULLABLE = {
    "TimeIntervalDtoV1": ("end", "duration"),
    "TimeEntryWithRatesDtoV1": ("projectId", "taskId", "kioskId", "hourlyRate", "costRate"),
    "TimeEntryDtoImplV1": ("projectId", "taskId", "kioskId"),
    "TaskDtoV1": ("assigneeId", "hourlyRate", "costRate"),
    "MembershipDtoV1": ("hourlyRate", "costRate"),
    "ProjectDtoV1": ("costRate",),
}


@cache
def _components() -> dict[str, Any]:
    schemas = copy.deepcopy(json.loads(SPEC.read_text())["components"]["schemas"])
    for name, schema in list(schemas.items()):
        if schema.get("type") == "object" and len(schema.get("oneOf", [])) == 1:
            schemas[name] = schema["oneOf"][0]
    for name, fields in NULLABLE.items():
        for field in fields:
            prop = schemas[name]["properties"][field]
            schemas[name]["properties"][field] = {"anyOf": [prop, {"type": "null"}]}
    return {"schemas": schemas}


def assert_valid(body: object, schema: str, array: bool = False) -> None:
    ref: dict[str, Any] = {"$ref": f"#/components/schemas/{schema}"}
    root = {"type": "array", "items": ref} if array else ref
    jsonschema.Draft7Validator({**root, "components": _components()}).validate(body)


def seconds(duration: str) -> int:
    match = ISO_DURATION.match(duration)
    assert match, duration
    h, m, s = (int(g or 0) for g in match.groups())
    return h * 3600 + m * 60 + s


def config(**options: object) -> SimulatorConfig:
    clock = ManualClock(datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    return SimulatorConfig(seed=4, today=TODAY, clock=clock, options=dict(options))


@cache
def shared_app() -> FastAPI:
    """One app for the read-only tests (building the workspace is the slow part); the rate
    limit is lifted so that they may share it."""
    cfg = config()
    cfg.rate_limit = (1_000_000, 1.0)
    return create_app(cfg)


@pytest.fixture
def cfg() -> SimulatorConfig:
    return config()


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=shared_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        yield c


@pytest.fixture
async def fresh(cfg: SimulatorConfig) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app of its own, for tests that write."""
    transport = httpx.ASGITransport(app=create_app(cfg))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        yield c


Query = str | int


async def users(client: httpx.AsyncClient, **query: Query) -> list[dict[str, Any]]:
    response = await client.get(f"{API}/users", params={"page-size": 5000, **query})
    result: list[dict[str, Any]] = response.json()
    return result


async def entries(client: httpx.AsyncClient, user_id: str, **query: Query) -> httpx.Response:
    return await client.get(f"{API}/user/{user_id}/time-entries", params=query)


# -- auth ------------------------------------------------------------------------------------
MULTIPLE = {"message": "Multiple or none auth tokens present", "code": 1000}
WRONG = {"message": "Full authentication is required to access this resource", "code": 1000}


@pytest.mark.parametrize(
    ("headers", "status", "body"),
    [
        pytest.param({}, 401, MULTIPLE, id="missing"),
        pytest.param({**KEY, "X-Addon-Token": DEMO_API_KEY}, 401, MULTIPLE, id="both-headers"),
        pytest.param({"X-Api-Key": "nope"}, 401, WRONG, id="wrong-key"),
        pytest.param({"X-Addon-Token": DEMO_API_KEY}, 200, None, id="addon-token"),
    ],
)
async def test_auth(headers: dict[str, str], status: int, body: object) -> None:
    transport = httpx.ASGITransport(app=shared_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as c:
        for path in ("/api/v1/user", f"{API}/time-entries"):
            response = await c.get(path, headers=headers)
            assert response.status_code == (405 if status == 200 and "time" in path else status)
            if body is not None:
                assert response.json() == body


async def test_current_user_is_the_owner_and_matches_spec(client: httpx.AsyncClient) -> None:
    me = (await client.get("/api/v1/user", params={"include-memberships": "true"})).json()
    assert_valid(me, "UserDtoV1")
    assert me["activeWorkspace"] == WORKSPACE_ID
    assert me["memberships"][0]["membershipType"] == "WORKSPACE"
    assert re.fullmatch(r"[0-9a-f]{24}", me["id"])


# -- pagination ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "count", "last"),
    [
        pytest.param({}, 40, "true", id="defaults"),
        pytest.param({"page": 1, "page-size": 15}, 15, "false", id="first"),
        pytest.param({"page": 2, "page-size": 15}, 15, "false", id="middle"),
        pytest.param({"page": 3, "page-size": 15}, 10, "true", id="last-short"),
        pytest.param({"page": 2, "page-size": 20}, 20, "true", id="last-exactly-full"),
        pytest.param({"page": 4, "page-size": 15}, 0, "true", id="past-the-end"),
    ],
)
async def test_users_pages(
    client: httpx.AsyncClient, query: dict[str, int], count: int, last: str
) -> None:
    response = await client.get(f"{API}/users", params=query)
    assert response.status_code == 200
    assert len(response.json()) == count
    assert response.headers["Last-Page"] == last
    assert_valid(response.json(), "UserDtoV1", array=True)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({"page": 0}, id="page-0"),
        pytest.param({"page-size": 0}, id="size-0"),
        pytest.param({"page-size": 5001}, id="size-over-max"),
        pytest.param({"page-size": "ten"}, id="not-a-number"),
    ],
)
async def test_bad_paging_is_400(client: httpx.AsyncClient, query: dict[str, Query]) -> None:
    response = await client.get(f"{API}/projects", params=query)
    assert response.status_code == 400
    assert response.json()["code"] == 501


async def test_user_status_filter(client: httpx.AsyncClient) -> None:
    assert len(await users(client)) == 40
    assert len(await users(client, status="INACTIVE")) == 1
    assert len(await users(client, status="PENDING")) == 1
    assert len(await users(client, status="ACTIVE")) == 38


# -- catalogue -------------------------------------------------------------------------------
async def test_projects_clients_tasks_match_spec(client: httpx.AsyncClient) -> None:
    projects = (await client.get(f"{API}/projects")).json()
    clients = (await client.get(f"{API}/clients")).json()
    assert len(projects) >= 10 and len(clients) >= 3
    assert_valid(projects, "ProjectDtoV1", array=True)
    assert_valid(clients, "ClientWithCurrencyDtoV1", array=True)
    assert any(p["clientId"] for p in projects) and any(not p["clientId"] for p in projects)
    archived = (await client.get(f"{API}/projects", params={"archived": "true"})).json()
    assert archived and all(p["archived"] for p in archived)
    one = (await client.get(f"{API}/projects/{projects[0]['id']}")).json()
    assert one["id"] == projects[0]["id"]
    assert_valid((await client.get(f"{API}/clients/{clients[0]['id']}")).json(),
                 "ClientWithCurrencyDtoV1")
    tasks = (await client.get(f"{API}/projects/{projects[0]['id']}/tasks")).json()
    assert tasks and all(t["projectId"] == projects[0]["id"] for t in tasks)
    assert_valid(tasks, "TaskDtoV1", array=True)


@pytest.mark.parametrize(
    "path",
    [
        pytest.param("/projects/ffffffffffffffffffffffff", id="project"),
        pytest.param("/clients/ffffffffffffffffffffffff", id="client"),
        pytest.param("/projects/ffffffffffffffffffffffff/tasks", id="tasks"),
        pytest.param("/time-entries/ffffffffffffffffffffffff", id="entry"),
        pytest.param("/user/ffffffffffffffffffffffff/time-entries", id="user"),
    ],
)
async def test_unknown_ids_are_400_code_501(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(API + path)
    assert response.status_code == 400
    assert response.json()["code"] == 501 and response.json()["message"]


async def test_deleted_projects_are_still_referenced_but_400(client: httpx.AsyncClient) -> None:
    listed = {p["id"] for p in (await client.get(f"{API}/projects")).json()}
    referenced: set[str] = set()
    for user in await users(client):
        page = (await entries(client, user["id"], **{"page-size": 5000})).json()
        referenced |= {e["projectId"] for e in page if e["projectId"]}
    dangling = referenced - listed
    assert len(dangling) == 2
    for project_id in dangling:
        response = await client.get(f"{API}/projects/{project_id}")
        assert (response.status_code, response.json()["code"]) == (400, 501)


# -- time entries ----------------------------------------------------------------------------
async def test_workspace_wide_listing_is_405(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/time-entries")
    assert response.status_code == 405


async def test_user_entries_pages_newest_first_with_iso_durations(
    client: httpx.AsyncClient,
) -> None:
    owner = (await client.get("/api/v1/user")).json()["id"]
    first = await entries(client, owner)
    assert first.headers["Last-Page"] == "false" and len(first.json()) == 50
    assert_valid(first.json(), "TimeEntryWithRatesDtoV1", array=True)
    everything = (await entries(client, owner, **{"page-size": 5000})).json()
    assert everything[:50] == first.json()
    starts = [e["timeInterval"]["start"] for e in everything]
    assert starts == sorted(starts, reverse=True)
    for entry in everything:
        interval = entry["timeInterval"]
        if interval["end"] is None:
            assert interval["duration"] is None
            continue
        span = datetime.fromisoformat(interval["end"]) - datetime.fromisoformat(interval["start"])
        assert seconds(interval["duration"]) == span.total_seconds()


async def test_duration_variety_across_the_workspace(client: httpx.AsyncClient) -> None:
    durations: set[str | None] = set()
    for user in await users(client):
        page = (await entries(client, user["id"], **{"page-size": 5000})).json()
        durations |= {e["timeInterval"]["duration"] for e in page}
    assert {"PT0S", "PT45S", "PT26H30M", None} <= durations
    assert any(d and d.endswith("S") and "M" in d for d in durations)


async def test_running_timers(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/time-entries/status/in-progress")
    running = response.json()
    assert len(running) >= 3 and response.headers["Last-Page"] == "true"
    assert_valid(running, "TimeEntryWithRatesDtoV1", array=True)
    assert all(e["timeInterval"]["end"] is None for e in running)
    mine = await entries(client, running[0]["userId"], **{"in-progress": "true"})
    assert [e["id"] for e in mine.json()] == [running[0]["id"]]
    finished = (await entries(client, running[0]["userId"], **{"in-progress": "false"})).json()
    assert finished and all(e["timeInterval"]["end"] for e in finished)


async def test_start_end_and_project_filters(client: httpx.AsyncClient) -> None:
    owner = (await client.get("/api/v1/user")).json()["id"]
    window: dict[str, Query] = {
        "start": "2026-01-05T00:00:00Z", "end": "2026-01-09T23:59:59Z", "page-size": 500
    }
    chosen = (await entries(client, owner, **window)).json()
    assert chosen
    assert all("2026-01-05" <= e["timeInterval"]["start"][:10] <= "2026-01-09" for e in chosen)
    project = next(e["projectId"] for e in chosen if e["projectId"])
    only = (await entries(client, owner, project=project, **window)).json()
    assert only and all(e["projectId"] == project for e in only)
    assert (await entries(client, owner, start="yesterday")).status_code == 400


# -- writes ----------------------------------------------------------------------------------
async def test_create_timer_stop_update_delete_and_reset(fresh: httpx.AsyncClient) -> None:
    client = fresh
    owner = (await client.get("/api/v1/user")).json()["id"]
    project = (await client.get(f"{API}/projects", params={"archived": "false"})).json()[0]
    body = {"start": "2026-01-15T13:00:00Z", "end": "2026-01-15T14:30:00Z",
            "projectId": project["id"], "description": "Pairing", "billable": True}
    created = await client.post(f"{API}/time-entries", json=body)
    assert created.status_code == 201
    assert_valid(created.json(), "TimeEntryDtoImplV1")
    assert created.json()["timeInterval"]["duration"] == "PT1H30M"
    entry_id = created.json()["id"]

    timer = await client.post(f"{API}/time-entries", json={"start": "2026-01-15T15:00:00Z"})
    assert timer.json()["timeInterval"] == {"start": "2026-01-15T15:00:00Z", "end": None,
                                            "duration": None}
    stopped = await client.patch(f"{API}/user/{owner}/time-entries",
                                 json={"end": "2026-01-15T23:00:00Z"})
    assert stopped.status_code == 200 and stopped.json()["timeInterval"]["duration"] == "PT8H"
    again = await client.patch(
        f"{API}/user/{owner}/time-entries", json={"end": "2026-01-15T23:30:00Z"}
    )
    assert again.status_code == 404

    updated = await client.put(f"{API}/time-entries/{entry_id}",
                               json={**body, "end": "2026-01-15T13:00:45Z"})
    assert updated.json()["timeInterval"]["duration"] == "PT45S"
    assert (await client.get(f"{API}/time-entries/{entry_id}")).json()["description"] == "Pairing"
    assert (await client.delete(f"{API}/time-entries/{entry_id}")).status_code == 204
    assert (await client.get(f"{API}/time-entries/{entry_id}")).status_code == 400

    await client.post("/_simulator/reset")
    assert (await client.get(f"{API}/time-entries/{timer.json()['id']}")).status_code == 400
    assert len((await client.get(f"{API}/time-entries/status/in-progress")).json()) >= 3


async def test_new_timer_stops_the_running_one(fresh: httpx.AsyncClient) -> None:
    client = fresh
    running = (await client.get(f"{API}/time-entries/status/in-progress")).json()
    owner = (await client.get("/api/v1/user")).json()["id"]
    ours = [e for e in running if e["userId"] == owner]
    first = await client.post(f"{API}/time-entries", json={"start": "2026-01-15T16:00:00Z"})
    second = await client.post(f"{API}/time-entries", json={"start": "2026-01-15T17:00:00Z"})
    now = (await client.get(f"{API}/time-entries/status/in-progress")).json()
    mine = [e["id"] for e in now if e["userId"] == owner]
    assert mine == [second.json()["id"]] and len(now) == len(running) + (0 if ours else 1)
    earlier = (await client.get(f"{API}/time-entries/{first.json()['id']}")).json()
    assert earlier["timeInterval"]["duration"] == "PT1H"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-start"),
        pytest.param({"start": f"{DAY}T10:00:00Z", "end": f"{DAY}T09:00:00Z"}, id="end<start"),
        pytest.param({"start": f"{DAY}T10:00:00Z", "projectId": "f" * 24}, id="unknown-project"),
        pytest.param({"start": "not a date"}, id="bad-start"),
    ],
)
async def test_bad_writes_are_400(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await client.post(f"{API}/time-entries", json=body)
    assert response.status_code == 400 and response.json()["code"] == 501


# -- detailed report -------------------------------------------------------------------------
def report_body(page: int = 1, size: int = 200, **extra: object) -> dict[str, object]:
    return {
        "dateRangeStart": "2025-12-16T00:00:00.000Z",
        "dateRangeEnd": "2026-01-15T23:59:59.999Z",
        "detailedFilter": {"page": page, "pageSize": size},
        **extra,
    }


async def test_report_pages_add_up_to_totals(client: httpx.AsyncClient) -> None:
    first = (await client.post(REPORT, json=report_body())).json()
    assert_valid(first, "TimeEntryDetailedReportDto")
    total = first["totals"][0]
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        chunk = (await client.post(REPORT, json=report_body(page))).json()["timeEntries"]
        rows += chunk
        if len(chunk) < 200:
            break
        page += 1
    assert len(rows) == total["entriesCount"] == len({r["_id"] for r in rows})
    assert sum(r["timeInterval"]["duration"] for r in rows) == total["totalTime"]
    assert all(isinstance(r["timeInterval"]["duration"], int) for r in rows)
    assert all(r["timeInterval"]["end"] for r in rows)  # running timers are not reported


async def test_report_matches_the_per_user_listing(client: httpx.AsyncClient) -> None:
    user = (await users(client, status="ACTIVE"))[0]["id"]
    body = report_body(size=1000, users={"ids": [user], "contains": "CONTAINS"})
    reported = {r["_id"] for r in (await client.post(REPORT, json=body)).json()["timeEntries"]}
    listed = (await entries(client, user, start="2025-12-16T00:00:00Z",
                            end="2026-01-15T23:59:59Z", **{"page-size": 5000})).json()
    assert reported == {e["id"] for e in listed if e["timeInterval"]["end"]}


async def test_report_rows_and_totals_follow_writes(fresh: httpx.AsyncClient) -> None:
    """Report rows are rendered when an entry is stored: every write shows in the next report."""
    client = fresh

    async def report() -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        body = (await client.post(REPORT, json=report_body(size=1000))).json()
        return body["totals"][0], {r["_id"]: r for r in body["timeEntries"]}

    (before, _) = await report()
    project = (await client.get(f"{API}/projects", params={"archived": "false"})).json()[0]
    body = {"start": f"{DAY}T13:00:00Z", "end": f"{DAY}T14:00:00Z", "billable": True,
            "projectId": project["id"], "description": "Pairing"}
    entry_id = (await client.post(f"{API}/time-entries", json=body)).json()["id"]
    totals, rows = await report()
    assert rows[entry_id]["description"] == "Pairing"
    assert rows[entry_id]["projectName"] == project["name"]
    assert totals["totalTime"] == before["totalTime"] + 3600
    assert totals["totalBillableTime"] == before["totalBillableTime"] + 3600
    assert totals["amounts"][0]["value"] > before["amounts"][0]["value"]

    await client.put(f"{API}/time-entries/{entry_id}", json={**body, "description": "Review",
                                                               "billable": False})
    totals, rows = await report()
    assert rows[entry_id]["description"] == "Review" and rows[entry_id]["billable"] is False
    assert totals["totalBillableTime"] == before["totalBillableTime"]

    owner = (await client.get("/api/v1/user")).json()["id"]
    timer = (await client.post(f"{API}/time-entries", json={"start": f"{DAY}T15:00:00Z"})).json()
    assert timer["id"] not in (await report())[1]  # running: not reported
    await client.patch(f"{API}/user/{owner}/time-entries", json={"end": f"{DAY}T15:30:00Z"})
    assert (await report())[1][timer["id"]]["timeInterval"]["duration"] == 1800

    await client.delete(f"{API}/time-entries/{entry_id}")
    assert entry_id not in (await report())[1]
    await client.post("/_simulator/reset")
    totals, rows = await report()
    assert totals == before and timer["id"] not in rows


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(report_body(dateRangeStart="2025-12-01T00:00:00Z"), id="over-31-days"),
        pytest.param({"dateRangeStart": "2026-01-01T00:00:00Z"}, id="missing-fields"),
        pytest.param(report_body(size=1001), id="page-size-over-max"),
    ],
)
async def test_report_rejects(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await client.post(REPORT, json=body)
    assert response.status_code == 400 and response.json()["code"] == 501


# -- rate limit, determinism, demo -----------------------------------------------------------
async def test_rate_limit_50_per_second(cfg: SimulatorConfig) -> None:
    app = create_app(cfg)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        statuses = [(await c.get("/api/v1/user")).status_code for _ in range(51)]
        assert statuses == [200] * 50 + [429]
        limited = await c.get(REPORT.replace("detailed", "x"))
        assert limited.status_code in (404, 405, 429)
        response = await c.get("/api/v1/user")
        assert response.json() == {"message": "Too many requests", "code": 429}
        assert "Retry-After" not in response.headers
        assert isinstance(cfg.clock, ManualClock)
        cfg.clock.advance(1.0)
        assert (await c.get("/api/v1/user")).status_code == 200
        assert (await c.get("/_simulator/stats")).json()["rate_limited"] >= 2


async def test_rate_limit_override() -> None:
    cfg = config()
    cfg.rate_limit = (3, 10.0)
    transport = httpx.ASGITransport(app=create_app(cfg))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        assert [(await c.get("/api/v1/user")).status_code for _ in range(4)] == [200] * 3 + [429]
        await c.post("/_simulator/reset")
        assert (await c.get("/api/v1/user")).status_code == 200


async def _snapshot(cfg: SimulatorConfig) -> list[object]:
    transport = httpx.ASGITransport(app=create_app(cfg))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        people = await users(c)
        return [people, (await entries(c, people[3]["id"])).json()]


async def test_same_seed_same_data_and_option_users() -> None:
    assert await _snapshot(config()) == await _snapshot(config())
    other = config()
    other.seed = 5
    assert await _snapshot(other) != await _snapshot(config())
    transport = httpx.ASGITransport(app=create_app(config(users=15)))
    async with httpx.AsyncClient(transport=transport, base_url="http://sim", headers=KEY) as c:
        assert len(await users(c)) == 15


def test_demo_source() -> None:
    source = demo_source("http://127.0.0.1:8001/")
    assert source == {
        "name": "clockify-demo",
        "vendor": "clockify",
        "base_url": "http://127.0.0.1:8001/api/v1",
        "reports_url": "http://127.0.0.1:8001/reports/v1",
        "api_key": DEMO_API_KEY,
        "workspace_id": WORKSPACE_ID,
    }


async def test_ninety_days_of_data(client: httpx.AsyncClient) -> None:
    owner = (await client.get("/api/v1/user")).json()["id"]
    oldest = (await entries(client, owner, **{"page-size": 5000})).json()[-1]
    start = datetime.fromisoformat(oldest["timeInterval"]["start"]).date()
    assert TODAY - timedelta(days=89) <= start <= TODAY - timedelta(days=85)

"""The Harvest API v2 simulator: auth, pagination (page and cursor), filters, limits, writes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from fastapi import FastAPI
from jsonschema import Draft202012Validator

from gateway.simulators.harvest import create_app, demo_source
from gateway.simulators.kit import ManualClock, SimulatorConfig

TODAY = date(2026, 3, 20)  # a Friday
NOON_ET = datetime(2026, 3, 20, 16, 0, tzinfo=UTC)
SPEC = Path("/work/shared/vendors/specs/harvest-v2.openapi.yaml")
SOURCE = demo_source("http://sim")
HEADERS = {
    "User-Agent": "Hourglass tests (dev@example.com)",
    "Authorization": f"Bearer {SOURCE['token']}",
    "Harvest-Account-Id": str(SOURCE["account_id"]),
}
Json = dict[str, Any]


def make_app(clock: ManualClock | None = None, **kwargs: Any) -> FastAPI:
    kwargs.setdefault("rate_limit", (1_000_000, 1.0))
    return create_app(SimulatorConfig(seed=7, today=TODAY, clock=clock or ManualClock(NOON_ET),
                                      **kwargs))


def client_for(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    headers = HEADERS if headers is None else headers
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim",
                               headers=headers)
    if "User-Agent" not in headers:  # httpx would send its own
        del client.headers["User-Agent"]
    return client


@pytest.fixture(scope="module")
def shared_app() -> FastAPI:
    """A read-only app shared by the tests that do not write or count."""
    return make_app()


@pytest.fixture
async def sim(shared_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(shared_app) as c:
        yield c


async def all_entries(c: httpx.AsyncClient) -> list[Json]:
    out: list[Json] = []
    url: str | None = "/v2/time_entries"
    while url:
        body = (await c.get(url)).json()
        out += body["time_entries"]
        url = body["links"]["next"]
    return out


# --- the spec ----------------------------------------------------------------------------------


def _openapi_to_jsonschema(node: Any) -> Any:
    """OpenAPI 3.0 ``nullable: true`` becomes a JSON Schema ``null`` type."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: _openapi_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable") and "type" in node:
        out["type"] = [node["type"], "null"]
    return out


@cache
def _components() -> Json:
    spec = yaml.safe_load(SPEC.read_text())
    return {"components": _openapi_to_jsonschema(spec["components"])}


def validate(name: str, body: Json) -> None:
    Draft202012Validator({**_components(), "$ref": f"#/components/schemas/{name}"}).validate(body)


SPEC_CASES = [
    pytest.param("/v2/users", "Users", "User", "users", id="users"),
    pytest.param("/v2/projects", "Projects", "Project", "projects", id="projects"),
    pytest.param("/v2/clients", "Clients", "Client", "clients", id="clients"),
    pytest.param("/v2/tasks", "Tasks", "Task", "tasks", id="tasks"),
    pytest.param("/v2/time_entries?per_page=300", "TimeEntries", "TimeEntry", "time_entries",
                 id="time_entries"),
]


@pytest.mark.parametrize(("path", "list_schema", "item_schema", "key"), SPEC_CASES)
async def test_lists_and_records_match_the_spec(sim: httpx.AsyncClient, path: str,
                                                list_schema: str, item_schema: str,
                                                key: str) -> None:
    body = (await sim.get(path)).json()
    validate(list_schema, body)
    documented = set(_components()["components"]["schemas"][item_schema]["properties"])
    assert body[key] and all(set(record) <= documented for record in body[key])
    one = await sim.get(f"{urlsplit(path).path}/{body[key][0]['id']}")
    validate(item_schema, one.json())
    assert set(one.json()) <= documented
    assert one.json() == body[key][0]


@pytest.mark.parametrize(("path", "schema"), [("/v2/users/me", "User"),
                                              ("/v2/company", "Company")])
async def test_singletons_match_the_spec(sim: httpx.AsyncClient, path: str, schema: str) -> None:
    response = await sim.get(path)
    assert response.status_code == 200
    validate(schema, response.json())


# --- transport rules ---------------------------------------------------------------------------

GOOD = HEADERS
AUTH_CASES = [
    pytest.param({k: v for k, v in GOOD.items() if k != "User-Agent"}, 400, "bad_request",
                 id="no-user-agent"),
    pytest.param({**GOOD, "User-Agent": ""}, 400, "bad_request", id="empty-user-agent"),
    pytest.param({k: v for k, v in GOOD.items() if k != "Authorization"}, 401, "invalid_token",
                 id="no-token"),
    pytest.param({**GOOD, "Authorization": "Bearer wrong"}, 401, "invalid_token",
                 id="wrong-token"),
    pytest.param({**GOOD, "Authorization": f"Basic {SOURCE['token']}"}, 401, "invalid_token",
                 id="not-bearer"),
    pytest.param({**GOOD, "Authorization": str(SOURCE["token"])}, 401, "invalid_token",
                 id="bare-token"),
    pytest.param({k: v for k, v in GOOD.items() if k != "Harvest-Account-Id"}, 401,
                 "invalid_account", id="no-account"),
    pytest.param({**GOOD, "Harvest-Account-Id": "999"}, 401, "invalid_account",
                 id="wrong-account"),
]


@pytest.mark.parametrize("path", ["/v2/time_entries", "/v2/users/me", "/v2/no_such_thing"])
@pytest.mark.parametrize(("headers", "status", "error"), AUTH_CASES)
async def test_every_request_needs_user_agent_token_and_account(
    shared_app: FastAPI, path: str, headers: dict[str, str], status: int, error: str
) -> None:
    async with client_for(shared_app, headers) as c:
        response = await c.get(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error


async def test_credentials_come_from_options() -> None:
    app = make_app(options={"token": "tok-1", "account_id": "42"})
    headers = {**HEADERS, "Authorization": "Bearer tok-1", "Harvest-Account-Id": "42"}
    async with client_for(app, headers) as c:
        assert (await c.get("/v2/users/me")).status_code == 200
    async with client_for(app) as c:
        assert (await c.get("/v2/users/me")).status_code == 401


@pytest.mark.parametrize(("path", "status"), [
    ("/v2/nowhere", 404), ("/v2/users/12", 404), ("/v2/users/abc", 404),
    ("/v2/time_entries/1", 404), ("/v2/projects/0", 404),
])
async def test_unknown_things_are_404_in_the_error_shape(sim: httpx.AsyncClient, path: str,
                                                         status: int) -> None:
    response = await sim.get(path)
    assert response.status_code == status
    assert response.json()["error"] == "not_found"


async def test_rate_limit_answers_429_with_retry_after_and_recovers() -> None:
    clock = ManualClock(NOON_ET)
    app = make_app(clock, rate_limit=(3, 10.0))
    async with client_for(app) as c, client_for(app, {"User-Agent": "x"}) as anonymous:
        assert (await anonymous.get("/v2/users/me")).status_code == 401  # does not count
        assert [(await c.get("/v2/users/me")).status_code for _ in range(3)] == [200] * 3
        clock.advance(4)
        limited = await c.get("/v2/users/me")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "6"
        assert limited.json()["error"] == "rate_limit_exceeded"
        clock.advance(6)
        assert (await c.get("/v2/users/me")).status_code == 200
        stats = (await c.get("/_simulator/stats")).json()
    assert stats["rate_limited"] == 1
    assert stats["responses"] == {"200": 4, "401": 1, "429": 1}
    assert stats["requests"]["GET /v2/users/me"] == 6


async def test_documented_limit_is_100_per_15_seconds() -> None:
    app = create_app(SimulatorConfig(seed=7, today=TODAY, clock=ManualClock(NOON_ET)))
    async with client_for(app) as c:
        codes = Counter([(await c.get("/v2/company")).status_code for _ in range(101)])
        retry = (await c.get("/v2/company")).headers["Retry-After"]
    assert codes == {200: 100, 429: 1} and retry == "15"


# --- pagination --------------------------------------------------------------------------------

PER_PAGE_CASES = [
    pytest.param("per_page=0", id="per-page-zero"),
    pytest.param("per_page=2001", id="per-page-over-max"),
    pytest.param("per_page=-5", id="per-page-negative"),
    pytest.param("per_page=ten", id="per-page-not-a-number"),
    pytest.param("page=0", id="page-zero"),
    pytest.param("page=x", id="page-not-a-number"),
]


@pytest.mark.parametrize("resource", ["time_entries", "users", "projects", "clients", "tasks"])
@pytest.mark.parametrize("query", PER_PAGE_CASES)
async def test_bad_page_parameters_are_422(sim: httpx.AsyncClient, resource: str,
                                           query: str) -> None:
    response = await sim.get(f"/v2/{resource}?{query}")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_params"


async def test_time_entry_pages_first_middle_last_and_beyond(sim: httpx.AsyncClient) -> None:
    first = (await sim.get("/v2/time_entries?per_page=1000")).json()
    total = first["total_entries"]
    pages = -(-total // 1000)
    assert first["per_page"] == 1000 and first["total_pages"] == pages >= 3
    assert (first["page"], first["next_page"], first["previous_page"]) == (1, 2, None)
    assert first["links"] == {
        "first": "http://sim/v2/time_entries?page=1&per_page=1000",
        "next": "http://sim/v2/time_entries?page=2&per_page=1000",
        "previous": None,
        "last": f"http://sim/v2/time_entries?page={pages}&per_page=1000",
    }
    middle = (await sim.get(first["links"]["next"])).json()
    assert (middle["page"], middle["next_page"], middle["previous_page"]) == (2, 3, 1)
    assert middle["links"]["previous"] == first["links"]["first"]
    last = (await sim.get(first["links"]["last"])).json()
    assert len(last["time_entries"]) == total - 1000 * (pages - 1)
    assert last["next_page"] is None and last["links"]["next"] is None
    beyond = (await sim.get(f"/v2/time_entries?per_page=1000&page={pages + 1}")).json()
    assert beyond["time_entries"] == [] and beyond["previous_page"] == pages


async def test_default_page_size_is_2000(sim: httpx.AsyncClient) -> None:
    body = (await sim.get("/v2/time_entries")).json()
    assert body["per_page"] == 2000 and len(body["time_entries"]) == 2000
    assert body["links"]["first"] == "http://sim/v2/time_entries?page=1&per_page=2000"


async def test_links_keep_the_filters(sim: httpx.AsyncClient) -> None:
    body = (await sim.get("/v2/time_entries?to=2026-03-01&from=2026-01-01&per_page=50")).json()
    query = parse_qs(urlsplit(body["links"]["next"]).query)
    assert query == {"from": ["2026-01-01"], "to": ["2026-03-01"], "page": ["2"],
                     "per_page": ["50"]}


async def test_empty_result_envelope(sim: httpx.AsyncClient) -> None:
    body = (await sim.get("/v2/time_entries?from=2030-01-01")).json()
    assert body["time_entries"] == []
    assert (body["total_entries"], body["total_pages"], body["page"]) == (0, 0, 1)
    assert (body["next_page"], body["previous_page"], body["links"]["next"]) == (None, None, None)
    assert body["links"]["last"] == "http://sim/v2/time_entries?from=2030-01-01&page=1&per_page=2000"


async def test_paging_returns_each_entry_once_in_harvest_order(sim: httpx.AsyncClient) -> None:
    entries = await all_entries(sim)
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids)) == (await sim.get("/v2/time_entries")).json()["total_entries"]
    keys = [(e["spent_date"], e["id"]) for e in entries]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize("resource", ["users", "projects", "clients", "tasks"])
async def test_cursor_links_walk_the_same_records_as_pages(sim: httpx.AsyncClient,
                                                           resource: str) -> None:
    everything = (await sim.get(f"/v2/{resource}")).json()[resource]
    seen: list[Json] = []
    body = (await sim.get(f"/v2/{resource}?per_page=2")).json()
    while True:
        seen += body[resource]
        if body["links"]["next"] is None:
            break
        parts = urlsplit(body["links"]["next"])
        query = parse_qs(parts.query)
        assert parts.path == f"/v2/{resource}" and set(query) == {"cursor", "per_page", "ref"}
        assert query["cursor"][0].startswith("eyJ") and query["ref"] == ["next_cursor"]
        assert query["per_page"] == ["2"]
        body = (await sim.get(body["links"]["next"])).json()
    assert seen == everything
    created = [(r["created_at"], r["id"]) for r in everything]
    assert created == sorted(created, reverse=True)  # newest first
    page2 = (await sim.get(f"/v2/{resource}?per_page=2&page=2")).json()[resource]
    assert page2 == everything[2:4]  # page numbers still work


async def test_cursor_carries_the_filters(sim: httpx.AsyncClient) -> None:
    active = (await sim.get("/v2/projects?is_active=true")).json()["projects"]
    body = (await sim.get("/v2/projects?is_active=true&per_page=3")).json()
    seen = body["projects"]
    while body["links"]["next"]:
        body = (await sim.get(body["links"]["next"])).json()
        assert body["total_entries"] == len(active)
        seen += body["projects"]
    assert seen == active and all(p["is_active"] for p in seen)


@pytest.mark.parametrize("cursor", ["garbage!", "eyJ9", "bm90IGpzb24"])
async def test_bad_cursor_is_422(sim: httpx.AsyncClient, cursor: str) -> None:
    response = await sim.get(f"/v2/users?cursor={cursor}&per_page=2&ref=next_cursor")
    assert response.status_code == 422


# --- filters -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def everything(shared_app: FastAPI) -> list[Json]:
    import asyncio

    async def load() -> list[Json]:
        async with client_for(shared_app) as c:
            return await all_entries(c)

    return asyncio.run(load())


def _seed_ids(entries: list[Json]) -> dict[str, int]:
    e = entries[len(entries) // 2]
    return {"user": e["user"]["id"], "project": e["project"]["id"],
            "client": e["client"]["id"], "task": e["task"]["id"]}


SINCE = "2026-03-01T00:00:00Z"
ENTRY_FILTERS: list[Any] = [
    pytest.param(lambda i: {"from": "2026-02-02", "to": "2026-02-06"},
                 lambda e, i: "2026-02-02" <= e["spent_date"] <= "2026-02-06", id="from-to"),
    pytest.param(lambda i: {"from": "2026-03-16"},
                 lambda e, i: e["spent_date"] >= "2026-03-16", id="from"),
    pytest.param(lambda i: {"to": "2025-12-31"},
                 lambda e, i: e["spent_date"] <= "2025-12-31", id="to"),
    pytest.param(lambda i: {"user_id": i["user"]},
                 lambda e, i: e["user"]["id"] == i["user"], id="user"),
    pytest.param(lambda i: {"project_id": i["project"]},
                 lambda e, i: e["project"]["id"] == i["project"], id="project"),
    pytest.param(lambda i: {"client_id": i["client"]},
                 lambda e, i: e["client"]["id"] == i["client"], id="client"),
    pytest.param(lambda i: {"task_id": i["task"]},
                 lambda e, i: e["task"]["id"] == i["task"], id="task"),
    pytest.param(lambda i: {"user_id": i["user"], "project_id": i["project"], "from": "2026-02-01"},
                 lambda e, i: e["user"]["id"] == i["user"] and e["project"]["id"] == i["project"]
                 and e["spent_date"] >= "2026-02-01", id="user-project-from"),
    pytest.param(lambda i: {"is_running": "true"}, lambda e, i: e["is_running"], id="running"),
    pytest.param(lambda i: {"is_running": "false", "to": "2026-03-20"},
                 lambda e, i: not e["is_running"], id="not-running"),
    pytest.param(lambda i: {"is_billed": "true"}, lambda e, i: e["is_billed"], id="billed"),
    pytest.param(lambda i: {"is_billed": "false", "client_id": i["client"]},
                 lambda e, i: not e["is_billed"] and e["client"]["id"] == i["client"],
                 id="unbilled-client"),
    pytest.param(lambda i: {"updated_since": SINCE}, lambda e, i: e["updated_at"] >= SINCE,
                 id="updated-since"),
    pytest.param(lambda i: {"is_running": "true", "user_id": i["user"]},
                 lambda e, i: e["is_running"] and e["user"]["id"] == i["user"],
                 id="running-user"),
]


@pytest.mark.parametrize(("query", "keep"), ENTRY_FILTERS)
async def test_time_entry_filters(sim: httpx.AsyncClient, everything: list[Json],
                                  query: Callable[[dict[str, int]], dict[str, Any]],
                                  keep: Callable[[Json, dict[str, int]], bool]) -> None:
    ids = _seed_ids(everything)
    body = (await sim.get("/v2/time_entries", params=query(ids))).json()
    expected = [e["id"] for e in everything if keep(e, ids)]
    assert [e["id"] for e in body["time_entries"]] == expected[:2000]
    assert body["total_entries"] == len(expected) > 0


@pytest.mark.parametrize("query", ["from=yesterday", "to=2026-13-01", "is_running=maybe",
                                   "is_billed=2", "user_id=abc", "updated_since=soon"])
async def test_bad_filter_values_are_422(sim: httpx.AsyncClient, query: str) -> None:
    assert (await sim.get(f"/v2/time_entries?{query}")).status_code == 422


REF_FILTERS = [
    pytest.param("users", {"is_active": "false"}, lambda r: not r["is_active"],
                 id="users-inactive"),
    pytest.param("users", {"is_active": "true"}, lambda r: r["is_active"], id="users-active"),
    pytest.param("projects", {"is_active": "false"}, lambda r: not r["is_active"],
                 id="projects-inactive"),
    pytest.param("clients", {"is_active": "true"}, lambda r: r["is_active"], id="clients-active"),
    pytest.param("tasks", {"is_active": "false"}, lambda r: not r["is_active"],
                 id="tasks-archived"),
    pytest.param("tasks", {"updated_since": "2026-03-01T00:00:00Z"},
                 lambda r: r["updated_at"] >= "2026-03-01T00:00:00Z", id="tasks-updated"),
]


@pytest.mark.parametrize(("resource", "query", "keep"), REF_FILTERS)
async def test_reference_filters(sim: httpx.AsyncClient, resource: str, query: dict[str, str],
                                 keep: Callable[[Json], bool]) -> None:
    everything = (await sim.get(f"/v2/{resource}")).json()[resource]
    got = (await sim.get(f"/v2/{resource}", params=query)).json()[resource]
    assert got == [r for r in everything if keep(r)] and got


async def test_projects_filter_by_client(sim: httpx.AsyncClient) -> None:
    projects = (await sim.get("/v2/projects")).json()["projects"]
    client_id = projects[0]["client"]["id"]
    got = (await sim.get(f"/v2/projects?client_id={client_id}")).json()["projects"]
    assert got == [p for p in projects if p["client"]["id"] == client_id]


# --- seeded data -------------------------------------------------------------------------------


async def test_seeded_account_shape(sim: httpx.AsyncClient, everything: list[Json]) -> None:
    users = (await sim.get("/v2/users")).json()["users"]
    projects = (await sim.get("/v2/projects")).json()["projects"]
    clients = (await sim.get("/v2/clients")).json()["clients"]
    assert len(users) == 15 and sum(not u["is_active"] for u in users) == 1
    assert len(projects) == 10 and 1 <= sum(not p["is_active"] for p in projects) < 10
    assert len(clients) >= 3
    days = {e["spent_date"] for e in everything}
    first = TODAY - timedelta(days=89)
    first += timedelta(days=(7 - first.weekday()) % 7 if first.weekday() >= 5 else 0)
    assert (min(days), max(days)) == (first.isoformat(), TODAY.isoformat())
    per_day = Counter((e["user"]["id"], e["spent_date"]) for e in everything)
    assert set(per_day.values()) == {2, 3, 4} and len(everything) > 3000
    assert all(date.fromisoformat(d).weekday() < 5 for d in days)


async def test_entries_respect_project_dates(sim: httpx.AsyncClient,
                                             everything: list[Json]) -> None:
    projects = {p["id"]: p for p in (await sim.get("/v2/projects")).json()["projects"]}
    for e in everything:
        p = projects[e["project"]["id"]]
        assert p["starts_on"] <= e["spent_date"] <= (p["ends_on"] or "9999")
        assert e["billable"] == (e["billable_rate"] is not None)


async def test_timestamps_and_durations_coexist(everything: list[Json]) -> None:
    stamped = [e for e in everything if e["started_time"] is not None]
    assert 0 < len(stamped) < len(everything)
    pattern = re.compile(r"^(1[0-2]|[1-9]):[0-5]\d(am|pm)$")
    assert all(pattern.match(e["started_time"]) for e in stamped)
    assert all(pattern.match(e["ended_time"]) for e in stamped if not e["is_running"])
    assert all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", e["updated_at"]) for e in everything)


async def test_running_timers_grow_with_the_clock() -> None:
    clock = ManualClock(NOON_ET)
    async with client_for(make_app(clock)) as c:
        running = (await c.get("/v2/time_entries?is_running=true")).json()["time_entries"]
        clock.advance(1800)
        later = (await c.get("/v2/time_entries?is_running=true")).json()["time_entries"]
    assert 2 <= len(running) <= 5
    assert all(e["spent_date"] == TODAY.isoformat() and e["timer_started_at"] for e in running)
    grown = [round(b["hours"] - a["hours"], 2) for a, b in zip(running, later, strict=True)]
    assert grown == [0.5] * len(running)


async def test_same_seed_same_data_other_seed_other_data() -> None:
    async def snapshot(seed: int) -> list[Json]:
        app = create_app(SimulatorConfig(seed=seed, today=TODAY, clock=ManualClock(NOON_ET)))
        async with client_for(app) as c:
            entries: list[Json] = (await c.get("/v2/time_entries?per_page=500")).json()[
                "time_entries"]
            return entries

    assert await snapshot(3) == await snapshot(3)
    assert await snapshot(3) != await snapshot(4)


# --- writes and reset --------------------------------------------------------------------------


@pytest.fixture
async def writer() -> AsyncIterator[tuple[httpx.AsyncClient, ManualClock]]:
    clock = ManualClock(NOON_ET)
    async with client_for(make_app(clock)) as c:
        yield c, clock


async def _assignment(c: httpx.AsyncClient) -> Json:
    """A (user, project, task) combination the account allows: copy it from an entry."""
    entry = (await c.get("/v2/time_entries?per_page=1&is_running=false")).json()["time_entries"][0]
    return {"user_id": entry["user"]["id"], "project_id": entry["project"]["id"],
            "task_id": entry["task"]["id"]}


async def test_create_with_hours_is_stopped_and_listed(writer: tuple[httpx.AsyncClient,
                                                                     ManualClock]) -> None:
    c, _ = writer
    body = {**await _assignment(c), "spent_date": "2026-03-19", "hours": 1.5, "notes": "x"}
    created = await c.post("/v2/time_entries", json=body)
    assert created.status_code == 201
    entry = created.json()
    validate("TimeEntry", entry)
    assert (entry["hours"], entry["is_running"], entry["notes"]) == (1.5, False, "x")
    assert entry["created_at"] == "2026-03-20T16:00:00Z"
    listed = (await c.get("/v2/time_entries?from=2026-03-19&to=2026-03-19")).json()
    assert entry["id"] in [e["id"] for e in listed["time_entries"]]


async def test_timer_lifecycle(writer: tuple[httpx.AsyncClient, ManualClock]) -> None:
    c, clock = writer
    combo = await _assignment(c)
    started = (await c.post("/v2/time_entries", json={**combo, "spent_date": "2026-03-20"})).json()
    assert started["is_running"] and started["hours"] == 0.0
    assert started["timer_started_at"] == "2026-03-20T16:00:00Z"
    assert started["started_time"] == "12:00pm"  # noon in America/New_York
    clock.advance(3600)
    read = (await c.get(f"/v2/time_entries/{started['id']}")).json()
    assert read["hours"] == 1.0 and read["rounded_hours"] == 1.0
    stopped = (await c.patch(f"/v2/time_entries/{started['id']}/stop")).json()
    assert (stopped["is_running"], stopped["hours"]) == (False, 1.0)
    assert stopped["ended_time"] == "1:00pm"
    assert stopped["timer_started_at"] is None
    assert (await c.patch(f"/v2/time_entries/{started['id']}/stop")).status_code == 422
    clock.advance(900)
    restarted = (await c.patch(f"/v2/time_entries/{started['id']}/restart")).json()
    assert restarted["is_running"] and restarted["hours_without_timer"] == 1.0
    clock.advance(900)
    assert (await c.get(f"/v2/time_entries/{started['id']}")).json()["hours"] == 1.25
    assert (await c.patch(f"/v2/time_entries/{started['id']}/restart")).status_code == 422


async def test_starting_a_timer_stops_the_users_other_timer(
    writer: tuple[httpx.AsyncClient, ManualClock],
) -> None:
    c, _ = writer
    first = (await c.get("/v2/time_entries?is_running=true")).json()["time_entries"][0]
    body = {"user_id": first["user"]["id"], "project_id": first["project"]["id"],
            "task_id": first["task"]["id"], "spent_date": "2026-03-20"}
    new = (await c.post("/v2/time_entries", json=body)).json()
    running = (await c.get(f"/v2/time_entries?is_running=true&user_id={body['user_id']}")).json()
    assert [e["id"] for e in running["time_entries"]] == [new["id"]]


async def test_update_and_delete(writer: tuple[httpx.AsyncClient, ManualClock]) -> None:
    c, clock = writer
    entry = (await c.get("/v2/time_entries?per_page=1&is_running=false")).json()["time_entries"][0]
    clock.advance(86400 + 60)  # past every seeded change
    patched = await c.patch(f"/v2/time_entries/{entry['id']}",
                            json={"notes": "Edited", "hours": 3.2, "spent_date": "2026-03-02"})
    body = patched.json()
    assert patched.status_code == 200
    assert (body["notes"], body["hours"], body["spent_date"]) == ("Edited", 3.2, "2026-03-02")
    assert body["updated_at"] == "2026-03-21T16:01:00Z"
    since = (await c.get("/v2/time_entries?updated_since=2026-03-21T16:00:30Z")).json()
    assert [e["id"] for e in since["time_entries"]] == [entry["id"]]
    day = (await c.get("/v2/time_entries?from=2026-03-02&to=2026-03-02")).json()["time_entries"]
    assert entry["id"] in [e["id"] for e in day]
    assert (await c.delete(f"/v2/time_entries/{entry['id']}")).status_code == 200
    assert (await c.get(f"/v2/time_entries/{entry['id']}")).status_code == 404


async def test_listed_json_follows_writes(writer: tuple[httpx.AsyncClient, ManualClock]) -> None:
    """Stopped entries are listed as JSON serialised on attach: each write re-serialises."""
    c, clock = writer

    async def listed(entry_id: int) -> Json | None:
        day = (await c.get("/v2/time_entries?from=2026-03-19&to=2026-03-19")).json()
        return next((e for e in day["time_entries"] if e["id"] == entry_id), None)

    body = {**await _assignment(c), "spent_date": "2026-03-19", "hours": 1.5, "notes": "x"}
    entry_id = (await c.post("/v2/time_entries", json=body)).json()["id"]
    assert (await listed(entry_id) or {}).get("notes") == "x"
    await c.patch(f"/v2/time_entries/{entry_id}", json={"notes": "Edited", "hours": 2.0})
    edited = await listed(entry_id) or {}
    assert (edited.get("notes"), edited.get("hours")) == ("Edited", 2.0)
    await c.patch(f"/v2/time_entries/{entry_id}/restart")
    clock.advance(1800)
    assert (await listed(entry_id) or {}).get("hours") == 2.5  # running: grows with the clock
    await c.patch(f"/v2/time_entries/{entry_id}/stop")
    clock.advance(1800)
    stopped = await listed(entry_id) or {}
    assert (stopped.get("hours"), stopped.get("is_running")) == (2.5, False)
    await c.delete(f"/v2/time_entries/{entry_id}")
    assert await listed(entry_id) is None


INVALID_WRITES = [
    pytest.param(lambda b: {k: v for k, v in b.items() if k != "project_id"}, id="no-project"),
    pytest.param(lambda b: {k: v for k, v in b.items() if k != "spent_date"}, id="no-date"),
    pytest.param(lambda b: {**b, "project_id": 1}, id="unknown-project"),
    pytest.param(lambda b: {**b, "task_id": "seven"}, id="task-not-a-number"),
    pytest.param(lambda b: {**b, "spent_date": "20 March"}, id="bad-date"),
    pytest.param(lambda b: {**b, "hours": "lots"}, id="bad-hours"),
    pytest.param(lambda b: {**b, "hours": 25}, id="too-many-hours"),
    pytest.param(lambda b: {**b, "started_time": "25:00"}, id="bad-time"),
    pytest.param(lambda b: {**b, "started_time": "3:00pm", "ended_time": "1:00pm"},
                 id="ends-before-start"),
]


@pytest.mark.parametrize("change", INVALID_WRITES)
async def test_invalid_creates_are_422(writer: tuple[httpx.AsyncClient, ManualClock],
                                       change: Callable[[Json], Json]) -> None:
    c, _ = writer
    body = change({**await _assignment(c), "spent_date": "2026-03-20"})
    response = await c.post("/v2/time_entries", json=body)
    assert response.status_code == 422 and response.json()["error"] == "invalid_params"


async def test_unassigned_task_is_422_and_bad_json_400(
    writer: tuple[httpx.AsyncClient, ManualClock],
) -> None:
    c, _ = writer
    projects = (await c.get("/v2/projects")).json()["projects"]
    tasks = (await c.get("/v2/tasks")).json()["tasks"]
    internal = next(p["id"] for p in projects if p["name"] == "Internal Operations")
    programming = next(t["id"] for t in tasks if t["name"] == "Programming")
    body = {"project_id": internal, "task_id": programming, "spent_date": "2026-03-20",
            "hours": 1}
    assert (await c.post("/v2/time_entries", json=body)).status_code == 422
    body["task_id"] = next(t["id"] for t in tasks if t["name"] == "Meetings")
    assert (await c.post("/v2/time_entries", json=body)).status_code == 201
    bad = await c.post("/v2/time_entries", content=b"{nope",
                       headers={"Content-Type": "application/json"})
    assert bad.status_code == 400


async def test_reset_restores_seed_and_clears_counters_and_window() -> None:
    clock = ManualClock(NOON_ET)
    app = make_app(clock, rate_limit=(5, 60.0))
    async with client_for(app) as c:
        before = (await c.get("/v2/time_entries?per_page=5")).json()
        await c.delete(f"/v2/time_entries/{before['time_entries'][0]['id']}")
        for _ in range(4):
            await c.get("/v2/company")
        assert (await c.get("/v2/company")).status_code == 429
        assert (await c.post("/_simulator/reset")).json() == {"reset": True}
        assert (await c.get("/_simulator/stats")).json()["total_requests"] == 0
        after = (await c.get("/v2/time_entries?per_page=5")).json()
    assert after == before

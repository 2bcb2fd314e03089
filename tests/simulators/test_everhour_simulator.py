"""The Everhour simulator against its contract (shared/vendors/everhour.md, issue 8)."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from gateway.simulators.everhour import create_app, demo_source
from gateway.simulators.everhour.data import member_key
from gateway.simulators.everhour.payloads import (
    ClientPayload,
    ProjectPayload,
    TaskPayload,
    TaskRefPayload,
    TimeRecordPayload,
    TimerPayload,
    UserPayload,
)
from gateway.simulators.kit import ManualClock, SimulatorConfig

TODAY = date(2026, 1, 15)  # a Thursday; ManualClock starts at 2026-01-15 12:00 UTC
UNLIMITED = (1_000_000, 10.0)
KEY = str(demo_source("http://sim")["api_key"])
ZONELESS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
PREFIXED = re.compile(r"^(ev|as|jr):[0-9-]+$")


def make_app(**overrides: Any) -> tuple[FastAPI, ManualClock]:
    clock = ManualClock()
    settings: dict[str, Any] = {"seed": 4, "today": TODAY, "rate_limit": UNLIMITED}
    settings.update(overrides)
    return create_app(SimulatorConfig(clock=clock, **settings)), clock


def client(app: FastAPI, key: str | None = KEY) -> httpx.AsyncClient:
    headers = {"X-Api-Key": key} if key is not None else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sim", headers=headers
    )


@pytest.fixture
async def api() -> Any:
    app, _ = make_app()
    async with client(app) as c:
        yield c


async def get_all(c: httpx.AsyncClient, path: str, limit: int, **params: Any) -> list[list[Any]]:
    """Pages as a connector reads them: until the first page shorter than ``limit``."""
    pages: list[list[Any]] = []
    while True:
        r = await c.get(path, params={**params, "page": len(pages) + 1, "limit": limit})
        assert r.status_code == 200, r.text
        pages.append(r.json())
        if len(pages[-1]) < limit:
            return pages


def assert_shape(item: dict[str, Any], payload: Any) -> None:
    required, optional = payload.__required_keys__, payload.__optional_keys__
    assert required <= set(item) <= required | optional


# --- contract surface ----------------------------------------------------------------------


def test_demo_source_points_at_the_root() -> None:
    assert demo_source("http://127.0.0.1:8001/") == {
        "name": "everhour-demo", "vendor": "everhour", "base_url": "http://127.0.0.1:8001",
        "api_key": KEY, "timezone": "Europe/Berlin",
    }


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown"):
        make_app(options={"page_size": 5})


@pytest.mark.parametrize("key", [None, "", "wrong-key"], ids=["missing", "empty", "unknown"])
@pytest.mark.parametrize("path", ["/users/me", "/projects", "/team/time", "/timers/current"])
async def test_bad_key_is_401(key: str | None, path: str) -> None:
    app, _ = make_app()
    async with client(app, key) as c:
        r = await c.get(path)
    assert (r.status_code, r.json()) == (401, {"code": 401, "message": "Unauthorized"})


async def test_unknown_route_and_project_are_everhour_404s(api: httpx.AsyncClient) -> None:
    for path in ("/nothing-here", "/projects/ev:1/tasks"):
        r = await api.get(path)
        assert (r.status_code, r.json()) == (404, {"code": 404, "message": "Resource not found"})


# --- users, clients, projects --------------------------------------------------------------


async def test_users_me_follows_the_key(api: httpx.AsyncClient) -> None:
    team = (await api.get("/team/users", params={"limit": 2})).json()
    assert len(team) == 15  # not paginated: page/limit are ignored
    for user in team:
        assert_shape(user, UserPayload)
    assert (await api.get("/users/me")).json() == team[0] | {"role": "admin"}
    member = team[5]
    r = await api.get("/users/me", headers={"X-Api-Key": member_key(member["id"], 4)})
    assert r.json() == member


async def test_clients_and_projects_have_everhour_ids(api: httpx.AsyncClient) -> None:
    clients = (await api.get("/clients", params={"limit": 1})).json()
    projects = (await api.get("/projects")).json()
    assert len(clients) >= 3 and len(projects) >= 10
    assert all(isinstance(c["id"], int) for c in clients)
    assert all(PREFIXED.match(p["id"]) for p in projects)
    assert {p["id"][:3] for p in projects} == {"ev:", "as:", "jr:"}
    assert any("client" not in p for p in projects)  # no client: the key is absent
    by_client = {c["id"]: c["projects"] for c in clients}
    for project in projects:
        assert_shape(project, ProjectPayload)
        assert all(ZONELESS.match(p["createdAt"]) for p in projects)
        if "client" in project:
            assert project["id"] in by_client[project["client"]]
    for each in clients:
        assert_shape(each, ClientPayload)


@pytest.mark.parametrize(
    ("limit", "sizes"),
    [
        pytest.param(5, [5, 5, 2], id="short-last-page"),
        pytest.param(4, [4, 4, 4, 0], id="exact-multiple-ends-with-empty-page"),
        pytest.param(12, [12, 0], id="one-full-page"),
        pytest.param(100, [12], id="default-sized-page"),
    ],
)
async def test_projects_pages(api: httpx.AsyncClient, limit: int, sizes: list[int]) -> None:
    pages = await get_all(api, "/projects", limit)
    assert [len(p) for p in pages] == sizes
    everything = (await api.get("/projects")).json()  # default limit 100 covers all 12
    assert [p for page in pages for p in page] == everything


async def test_page_past_the_end_is_empty(api: httpx.AsyncClient) -> None:
    assert (await api.get("/projects", params={"page": 9, "limit": 10})).json() == []


async def test_projects_query_filters_by_name(api: httpx.AsyncClient) -> None:
    found = (await api.get("/projects", params={"query": "PORTAL"})).json()
    assert [p["name"] for p in found] == ["Patient Portal Redesign"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"limit": 1001}, "limit", id="limit-over-max"),
        pytest.param({"limit": 0}, "limit", id="limit-zero"),
        pytest.param({"page": 0}, "page", id="page-zero"),
        pytest.param({"page": "two"}, "page", id="page-not-a-number"),
    ],
)
async def test_bad_paging_is_422(
    api: httpx.AsyncClient, params: dict[str, Any], field: str
) -> None:
    for path in ("/projects", "/team/time"):
        r = await api.get(path, params=params)
        body = r.json()
        assert (r.status_code, body["code"], body["message"]) == (422, 422, "Validation failed")
        assert list(body["errors"]) == [field] and body["errors"][field]


async def test_project_tasks_share_the_project_prefix(api: httpx.AsyncClient) -> None:
    for project in (await api.get("/projects")).json():
        # A colon in the path may arrive percent-encoded; both forms name the project.
        encoded = project["id"].replace(":", "%3A")
        tasks = (await api.get(f"/projects/{encoded}/tasks")).json()
        assert tasks and all(t["id"][:3] == project["id"][:3] for t in tasks)
        for task in tasks:
            assert_shape(task, TaskPayload)
            assert task["projects"] == [project["id"]]
            assert task["time"]["total"] == sum(task["time"]["users"].values())


async def test_project_tasks_paginate(api: httpx.AsyncClient) -> None:
    project = (await api.get("/projects")).json()[0]["id"]
    tasks = (await api.get(f"/projects/{project}/tasks")).json()
    pages = await get_all(api, f"/projects/{project}/tasks", 2)
    assert [t for page in pages for t in page] == tasks


# --- time records --------------------------------------------------------------------------


async def test_team_time_covers_90_days_newest_first(api: httpx.AsyncClient) -> None:
    pages = await get_all(api, "/team/time", 1000)
    records = [r for page in pages for r in page]
    dates = [r["date"] for r in records]
    assert max(dates) == TODAY.isoformat()
    assert min(dates) >= (TODAY - timedelta(days=89)).isoformat()
    assert min(dates) <= (TODAY - timedelta(days=85)).isoformat()
    assert [(r["date"], r["id"]) for r in records] == sorted(
        ((r["date"], r["id"]) for r in records), reverse=True
    )
    per_user_day = Counter((r["user"], r["date"]) for r in records)
    assert len({u for u, _ in per_user_day}) == 15
    assert sum(per_user_day.values()) / len(per_user_day) >= 2
    assert len(set(per_user_day.values())) > 1
    assert len({(r["user"], r["task"]["id"], r["date"]) for r in records}) == len(records)


async def test_time_records_are_date_and_seconds(api: httpx.AsyncClient) -> None:
    for record in (await api.get("/team/time", params={"limit": 300})).json():
        assert_shape(record, TimeRecordPayload)
        assert_shape(record["task"], TaskRefPayload)
        assert "start" not in record and "end" not in record
        assert record["time"] == record["timerTime"] + record["manualTime"] > 0
        assert ZONELESS.match(record["createdAt"])
        assert record["cost"] == round(record["costRate"] * record["time"] / 3600)


async def test_some_records_belong_to_no_known_project(api: httpx.AsyncClient) -> None:
    known = {p["id"] for p in (await api.get("/projects")).json()}
    records = [r for page in await get_all(api, "/team/time", 1000) for r in page]
    orphans = [r["task"]["projects"] for r in records if not set(r["task"]["projects"]) & known]
    assert [] in orphans  # a task with no project
    assert any(p and p[0] not in known for p in orphans)  # a task naming a deleted project
    assert len(orphans) < len(records) / 10


async def test_team_time_from_to_are_inclusive(api: httpx.AsyncClient) -> None:
    week = {"from": "2026-01-05", "to": "2026-01-09"}
    records = [r for page in await get_all(api, "/team/time", 50, **week) for r in page]
    assert {r["date"] for r in records} == {f"2026-01-0{d}" for d in range(5, 10)}
    one_day = {"from": "2026-01-07", "to": "2026-01-07"}
    size = len([r for r in records if r["date"] == "2026-01-07"])
    # A list whose size is an exact multiple of the limit ends with one empty page.
    pages = await get_all(api, "/team/time", size, **one_day)
    assert [len(p) for p in pages] == [size, 0]
    reversed_range = {"from": "2026-01-09", "to": "2026-01-05"}
    assert (await api.get("/team/time", params=reversed_range)).json() == []


@pytest.mark.parametrize("field", ["from", "to"])
async def test_team_time_bad_date_is_422(api: httpx.AsyncClient, field: str) -> None:
    r = await api.get("/team/time", params={field: "18/10/2024"})
    assert r.status_code == 422 and list(r.json()["errors"]) == [field]


# --- rate limit ----------------------------------------------------------------------------


async def test_twenty_requests_per_ten_seconds_per_key() -> None:
    app, clock = make_app(rate_limit=None)
    other = member_key((await _team(app))[1]["id"], 4)
    async with client(app) as c:
        for _ in range(19):  # _team used one
            assert (await c.get("/users/me")).status_code == 200
        r = await c.get("/users/me")
        assert (r.status_code, r.headers["Retry-After"]) == (429, "10")
        assert r.json()["code"] == 429
        assert (await c.get("/users/me", headers={"X-Api-Key": other})).status_code == 200
        assert (await c.get("/users/me", headers={"X-Api-Key": "bad"})).status_code == 401
        clock.advance(4)
        assert (await c.get("/users/me")).headers["Retry-After"] == "6"
        clock.advance(6)
        assert (await c.get("/users/me")).status_code == 200
        assert (await c.get("/_simulator/stats")).json()["rate_limited"] == 2


async def test_rate_limit_override_and_reset_clears_windows() -> None:
    app, _ = make_app(rate_limit=(2, 1.0))
    async with client(app) as c:
        assert [(await c.get("/clients")).status_code for _ in range(3)] == [200, 200, 429]
        await c.post("/_simulator/reset")
        assert (await c.get("/clients")).status_code == 200


async def _team(app: FastAPI) -> list[dict[str, Any]]:
    async with client(app) as c:
        team: list[dict[str, Any]] = (await c.get("/team/users")).json()
        return team


# --- timers --------------------------------------------------------------------------------


async def test_seeded_timers_are_running(api: httpx.AsyncClient) -> None:
    timers = (await api.get("/team/timers")).json()
    assert len(timers) >= 2
    for timer in timers:
        assert_shape(timer, TimerPayload)
        assert timer["status"] == "active" and timer["duration"] > 0
        assert ZONELESS.match(timer["startedAt"])
        key = member_key(timer["user"]["id"], 4)
        mine = (await api.get("/timers/current", headers={"X-Api-Key": key})).json()
        assert mine == timer
    assert (await api.get("/timers/current")).json() == {"status": "stopped"}  # the owner's


@pytest.mark.parametrize(
    ("timezone", "started"),
    [("Europe/Berlin", "2026-01-15 13:00:00"), ("America/New_York", "2026-01-15 07:00:00")],
)
async def test_start_and_stop_a_timer(timezone: str, started: str) -> None:
    app, clock = make_app(options={"timezone": timezone})
    async with client(app) as c:
        task = (await c.get("/team/time", params={"limit": 1})).json()[0]["task"]
        r = await c.post("/timers", json={"task": task["id"], "comment": "Pairing"})
        assert r.status_code == 200
        assert r.json()["status"] == "active" and r.json()["startedAt"] == started
        clock.advance(600)
        current = (await c.get("/timers/current")).json()
        assert (current["duration"], current["task"], current["userDate"]) == (
            600, task, "2026-01-15",
        )
        stopped = (await c.delete("/timers/current")).json()
        assert stopped["status"] == "stopped" and stopped["duration"] == 600
        record = stopped["taskTime"]
        assert (record["task"]["id"], record["date"], record["comment"]) == (
            task["id"], "2026-01-15", "Pairing",
        )
        assert record["timerTime"] >= 600
        latest = (await c.get("/team/time", params={"from": "2026-01-15"})).json()
        assert record in latest
        assert (await c.get("/timers/current")).json() == {"status": "stopped"}
        r = await c.delete("/timers/current")
        assert (r.status_code, r.json()["message"]) == (404, "Resource not found")


async def test_starting_a_timer_stops_the_running_one() -> None:
    app, clock = make_app()
    async with client(app) as c:
        running = (await c.get("/team/timers")).json()[0]
        c.headers["X-Api-Key"] = member_key(running["user"]["id"], 4)
        clock.advance(60)
        await c.post("/timers", json={"task": running["task"]["id"]})
        timers = (await c.get("/team/timers")).json()
        mine = [t for t in timers if t["user"]["id"] == running["user"]["id"]]
        assert len(mine) == 1 and mine[0]["duration"] == 0


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        pytest.param({}, 422, ["task"], id="no-task"),
        pytest.param({"task": 5, "comment": 1}, 422, ["task", "comment"], id="wrong-types"),
        pytest.param({"task": "ev:1"}, 404, None, id="unknown-task"),
    ],
)
async def test_bad_timer_start(
    api: httpx.AsyncClient, body: dict[str, Any], status: int, fields: list[str] | None
) -> None:
    r = await api.post("/timers", json=body)
    assert r.status_code == status
    assert (list(r.json()["errors"]) if fields else r.json()) == (
        fields or {"code": 404, "message": "Resource not found"}
    )


# --- adding time ---------------------------------------------------------------------------


async def test_add_time_creates_then_grows_the_days_record(api: httpx.AsyncClient) -> None:
    project = (await api.get("/projects")).json()[0]["id"]
    task = (await api.get(f"/projects/{project}/tasks")).json()[0]
    me = (await api.get("/users/me")).json()["id"]
    body = {"time": 1800, "date": "2026-01-16", "user": me, "comment": "Late fix"}
    r = await api.post(f"/tasks/{task['id']}/time", json=body)
    assert r.status_code == 201
    created = r.json()
    assert (created["time"], created["manualTime"], created["user"]) == (1800, 1800, me)
    assert created["task"]["projects"] == [project]
    r = await api.post(f"/tasks/{task['id']}/time", json={"time": 600, "date": "2026-01-16"})
    assert r.status_code == 200
    assert (r.json()["id"], r.json()["time"], r.json()["comment"]) == (
        created["id"], 2400, "Late fix",
    )
    assert (await api.get("/team/time", params={"limit": 1})).json() == [r.json()]
    after = (await api.get(f"/projects/{project}/tasks")).json()[0]
    assert after["time"]["total"] == task["time"]["total"] + 2400
    assert after["time"]["users"][str(me)] == task["time"]["users"].get(str(me), 0) + 2400


async def test_add_time_validation(api: httpx.AsyncClient) -> None:
    task = (await api.get("/team/time", params={"limit": 1})).json()[0]["task"]["id"]
    body = {"time": 0, "date": "2026-13-01", "user": 1, "comment": 7}
    r = await api.post(f"/tasks/{task}/time", json=body)
    assert (r.status_code, r.json()["message"]) == (422, "Validation failed")
    assert sorted(r.json()["errors"]) == ["comment", "date", "time", "user"]
    r = await api.post(f"/tasks/{task}/time", json={"time": "1h"})
    assert sorted(r.json()["errors"]) == ["date", "time"]
    r = await api.post("/tasks/ev:1/time", json={"time": 60, "date": "2026-01-15"})
    assert r.json() == {"code": 404, "message": "Resource not found"}
    r = await api.post(f"/tasks/{task}/time", content=b"{not json")
    assert (r.status_code, r.json()) == (400, {"code": 400, "message": "Bad Request"})


# --- reset and determinism -----------------------------------------------------------------


async def test_reset_restores_the_seed(api: httpx.AsyncClient) -> None:
    before = (await api.get("/team/time", params={"limit": 5})).json()
    timers = (await api.get("/team/timers")).json()
    task = before[0]["task"]["id"]
    await api.post(f"/tasks/{task}/time", json={"time": 60, "date": "2026-01-20"})
    await api.post("/timers", json={"task": task})
    await api.post("/_simulator/reset")
    assert (await api.get("/team/time", params={"limit": 5})).json() == before
    assert (await api.get("/team/timers")).json() == timers


async def _snapshot(seed: int) -> list[Any]:
    app, _ = make_app(seed=seed)
    async with client(app) as c:
        paths = ["/team/users", "/projects", "/clients", "/team/time?limit=1000", "/team/timers"]
        return [(await c.get(path)).json() for path in paths]


async def test_same_seed_same_account() -> None:
    first = await _snapshot(4)
    assert first == await _snapshot(4)
    assert first != await _snapshot(5)

"""The Hubstaff simulator against the vendor contract (vendor sheet, seeds 000/001, spec)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from fastapi import FastAPI

from gateway.simulators.hubstaff import create_app, demo_source
from gateway.simulators.hubstaff.seed import build_seed
from gateway.simulators.kit import ManualClock, SimulatorConfig

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # a Thursday
ORG = 184402
SPEC = Path("/work/shared/vendors/specs/hubstaff-v2.swagger.json")
DEMO = demo_source("http://sim")


class Sim:
    """A simulator app with a ManualClock and a client holding a fresh access token."""

    def __init__(self, app: FastAPI, clock: ManualClock, client: httpx.AsyncClient) -> None:
        self.app, self.clock, self.client = app, clock, client
        self.headers: dict[str, str] = {}

    async def login(self, refresh: str = str(DEMO["refresh_token"])) -> httpx.Response:
        response = await exchange(self.client, refresh)
        if response.status_code == 200:
            self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        return response

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers)

    async def all_pages(self, path: str, key: str, **params: Any) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while True:
            body = (await self.get(path, **params)).json()
            records += body[key]
            if "pagination" not in body:
                return records
            params["page_start_id"] = body["pagination"]["next_page_start_id"]


async def exchange(client: httpx.AsyncClient, refresh: str) -> httpx.Response:
    return await client.post("/access_tokens",
                             data={"grant_type": "refresh_token", "refresh_token": refresh})


def make_sim(**config: Any) -> tuple[FastAPI, ManualClock]:
    clock = ManualClock(NOW)
    return create_app(SimulatorConfig(seed=11, clock=clock, **config)), clock


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[Sim]:
    config = getattr(request, "param", {})
    app, clock = make_sim(**config)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sim") as client:
        s = Sim(app, clock, client)
        assert (await s.login()).status_code == 200
        yield s


def org(path: str = "") -> str:
    return f"/v2/organizations/{ORG}{path}"


def week(start: str = "2026-01-08T00:00:00Z", days: float = 7) -> dict[str, str]:
    begin = datetime.fromisoformat(start)
    stop = begin + timedelta(days=days)
    return {"time_slot[start]": begin.isoformat(), "time_slot[stop]": stop.isoformat()}


def is_error(response: httpx.Response, status: int, code: str) -> bool:
    body = response.json()
    return (response.status_code == status and body["code"] == code
            and isinstance(body["error"], str) and isinstance(body["error_code"], int))


def epoch(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp).timestamp())


# -- auth -------------------------------------------------------------------------------------


def test_demo_source_points_at_both_hosts() -> None:
    expected = {
        "name": "hubstaff-demo", "vendor": "hubstaff", "base_url": "http://sim/v2",
        "token_url": "http://sim/access_tokens", "refresh_token": DEMO["refresh_token"],
        "organization_id": ORG,
    }
    assert expected == DEMO
    assert isinstance(DEMO["refresh_token"], str)


async def test_token_exchange_rotates_and_rejects_used_tokens(sim: Sim) -> None:
    seeded = str(DEMO["refresh_token"])
    reused = await exchange(sim.client, seeded)  # the fixture already spent it
    assert (reused.status_code, reused.json()) == (401, {"error": "invalid_grant"})
    unknown = await exchange(sim.client, "nope")
    assert (unknown.status_code, unknown.json()) == (401, {"error": "invalid_grant"})
    await sim.client.post("/_simulator/reset")
    first = (await sim.login(seeded)).json()
    assert set(first) == {"access_token", "refresh_token", "expires_in", "token_type"}
    assert first["expires_in"] == 3600 and first["refresh_token"] != seeded
    claims = json.loads(base64.urlsafe_b64decode(first["access_token"].split(".")[1] + "=="))
    assert claims["exp"] == int(NOW.timestamp()) + 3600
    second = (await sim.login(first["refresh_token"])).json()
    assert second["refresh_token"] not in (seeded, first["refresh_token"])
    assert (await exchange(sim.client, first["refresh_token"])).status_code == 401
    assert (await sim.get("/v2/users/me")).status_code == 200


async def test_concurrent_exchanges_of_one_token_succeed_once(sim: Sim) -> None:
    await sim.client.post("/_simulator/reset")
    results = await asyncio.gather(
        *(exchange(sim.client, str(DEMO["refresh_token"])) for _ in range(20)))
    assert sorted(r.status_code for r in results) == [200] + [401] * 19


@pytest.mark.parametrize(
    ("data", "content", "error"),
    [
        pytest.param({"refresh_token": "x"}, None, "invalid_request", id="no-grant-type"),
        pytest.param({"grant_type": "password", "refresh_token": "x"}, None,
                     "unsupported_grant_type", id="wrong-grant"),
        pytest.param({"grant_type": "refresh_token"}, None, "invalid_request", id="no-token"),
        pytest.param(None, b'{"grant_type": "refresh_token"}', "invalid_request", id="json"),
    ],
)
async def test_token_endpoint_rejects_malformed_requests(
        sim: Sim, data: dict[str, str] | None, content: bytes | None, error: str) -> None:
    response = await sim.client.post("/access_tokens", data=data, content=content)
    assert (response.status_code, response.json()) == (400, {"error": error})


@pytest.mark.parametrize("sim", [{"options": {"access_token_ttl": 60}}], indirect=True)
async def test_access_tokens_expire_after_their_ttl(sim: Sim) -> None:
    sim.clock.advance(59)
    assert (await sim.get("/v2/users/me")).status_code == 200
    sim.clock.advance(1)
    assert is_error(await sim.get("/v2/users/me"), 401, "token_expired")


async def test_refresh_tokens_expire_after_90_days(sim: Sim) -> None:
    await sim.client.post("/_simulator/reset")
    sim.clock.advance(90 * 86400)
    assert (await exchange(sim.client, str(DEMO["refresh_token"]))).json() == {
        "error": "invalid_grant"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer forged"}, {"Authorization": "Basic abc"}],
    ids=["missing", "unknown", "wrong-scheme"],
)
async def test_bad_access_tokens_are_401_with_error_body(sim: Sim, headers: dict[str, str]
                                                         ) -> None:
    response = await sim.client.get("/v2/users/me", headers=headers)
    assert is_error(response, 401, "invalid_token")


# -- rate limit ---------------------------------------------------------------------------------


def test_documented_limit_is_1000_per_hour() -> None:
    app, _ = make_sim()
    window = app.state.hubstaff.window
    assert (window.limit, window.window) == (1000, 3600.0)


@pytest.mark.parametrize(
    "sim", [{"rate_limit": (5, 3600.0), "options": {"access_token_ttl": 86400}}], indirect=True)
async def test_rate_limit_answers_429_with_retry_after(sim: Sim) -> None:
    for _ in range(5):
        assert (await sim.get("/v2/users/me")).status_code == 200
    assert (await sim.login()).status_code == 401  # token host: not counted, seed spent
    sim.clock.advance(600)
    limited = await sim.get("/v2/users/me")
    assert is_error(limited, 429, "rate_limit_exceeded")
    assert limited.headers["retry-after"] == "3000"
    assert "x-ratelimit-remaining" not in limited.headers
    sim.clock.advance(3000)
    assert (await sim.get("/v2/users/me")).status_code == 200
    stats = (await sim.client.get("/_simulator/stats")).json()
    assert stats["rate_limited"] == 1


# -- pagination ---------------------------------------------------------------------------------


async def test_pages_follow_next_page_start_id_and_last_page_has_no_pagination(sim: Sim) -> None:
    everything = (await sim.get(org("/tasks"), page_limit=500)).json()
    ids = [t["id"] for t in everything["tasks"]]
    assert "pagination" not in everything and ids == sorted(ids) and len(ids) > 40
    first = (await sim.get(org("/tasks"), page_limit=20)).json()
    assert [t["id"] for t in first["tasks"]] == ids[:20]
    assert first["pagination"] == {"next_page_start_id": ids[20]}
    middle = (await sim.get(org("/tasks"), page_limit=20, page_start_id=ids[20])).json()
    assert [t["id"] for t in middle["tasks"]] == ids[20:40]
    tail = len(ids) - (len(ids) - 1) % 20 - 1  # where a last page of 1 to 20 tasks begins
    last = (await sim.get(org("/tasks"), page_limit=20, page_start_id=ids[tail])).json()
    assert [t["id"] for t in last["tasks"]] == ids[tail:] and "pagination" not in last
    empty = (await sim.get(org("/tasks"), page_start_id=ids[-1] + 1)).json()
    assert empty == {"tasks": []}


@pytest.mark.parametrize(
    ("limit", "status", "size"),
    [(None, 200, 100), (1, 200, 1), (500, 200, 500), (5000, 200, 500), (0, 400, 0),
     ("x", 400, 0)],
)
async def test_page_limit_defaults_to_100_and_caps_at_500(
        sim: Sim, limit: object, status: int, size: int) -> None:
    params = week() | ({} if limit is None else {"page_limit": limit})
    response = await sim.get(org("/activities"), **params)
    assert response.status_code == status
    if status == 200:
        assert len(response.json()["activities"]) == size
    else:
        assert is_error(response, 400, "invalid_params")


async def test_activity_pages_cover_the_window_once_in_id_order(sim: Sim) -> None:
    paged = await sim.all_pages(org("/activities"), "activities", page_limit=500, **week())
    ids = [a["id"] for a in paged]
    assert ids == sorted(set(ids)) and len(ids) > 2000
    small = await sim.all_pages(org("/activities"), "activities", page_limit=97,
                                **week(days=1))
    assert [a["id"] for a in small] == [a["id"] for a in paged if a["date"] == "2026-01-08"]


# -- activities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        pytest.param(week(days=7), 200, None, id="exactly-7-days"),
        pytest.param(week(days=7.001), 400, "date_range_too_large", id="over-7-days"),
        pytest.param(week(days=0), 400, "invalid_params", id="empty-range"),
        pytest.param({"time_slot[start]": "2026-01-08T00:00:00Z"}, 400, "invalid_params",
                     id="missing-stop"),
        pytest.param(week() | {"time_slot[start]": "yesterday"}, 400, "invalid_params",
                     id="malformed"),
        pytest.param(week("2025-07-01T00:00:00Z"), 400, "invalid_params", id="over-6-months"),
        pytest.param(week() | {"user_ids[]": "x"}, 400, "invalid_params", id="bad-filter"),
    ],
)
async def test_activity_range_rules(sim: Sim, params: dict[str, str], status: int,
                                    code: str | None) -> None:
    response = await sim.get(org("/activities"), **params)
    assert response.status_code == status
    if code:
        assert is_error(response, status, code)


async def test_time_slot_stop_is_exclusive(sim: Sim) -> None:
    params = {"time_slot[start]": "2026-01-14T10:00:00Z", "time_slot[stop]": "2026-01-14T10:10:00Z"}
    slots = {a["time_slot"] for a in await sim.all_pages(org("/activities"), "activities",
                                                         **params)}
    assert slots == {"2026-01-14T10:00:00Z"}


async def test_array_filters_accept_brackets_and_comma_lists(sim: Sim) -> None:
    day = week(days=1)
    everyone = await sim.all_pages(org("/activities"), "activities", page_limit=500, **day)
    pair = sorted({a["user_id"] for a in everyone})[:2]
    task = everyone[0]["task_id"]
    bracketed = await sim.client.get(org("/activities"), headers=sim.headers, params=[
        *day.items(), ("user_ids[]", pair[0]), ("user_ids[]", pair[1]), ("page_limit", 500)])
    comma = await sim.get(org("/activities"), user_ids=f"{pair[0]},{pair[1]}", page_limit=500,
                          **day)
    expected = [a for a in everyone if a["user_id"] in pair]
    assert bracketed.json()["activities"] == comma.json()["activities"] == expected
    by_task = await sim.get(org("/activities"), **{"task_ids[]": task}, **day)
    assert {a["task_id"] for a in by_task.json()["activities"]} == {task}
    project = everyone[0]["project_id"]
    by_project = await sim.get(org("/activities"), **{"project_ids[]": project}, **day)
    assert {a["project_id"] for a in by_project.json()["activities"]} == {project}


async def test_include_side_loads_related_records(sim: Sim) -> None:
    body = (await sim.get(org("/activities"), page_limit=50,
                          **{"include[]": ["users", "tasks", "projects"]}, **week())).json()
    assert {u["id"] for u in body["users"]} == {a["user_id"] for a in body["activities"]}
    assert {t["id"] for t in body["tasks"]} == {a["task_id"] for a in body["activities"]}
    assert {p["id"] for p in body["projects"]} == {a["project_id"] for a in body["activities"]}
    assert is_error(await sim.get(org("/activities"), include="clients", **week()), 400,
                    "invalid_params")


# -- seeded data realism (checked on the whole 90 days at once) ---------------------------------


def seeded() -> Any:
    return build_seed(11, NOW.date(), int(NOW.timestamp()), True)


def sessions_of(activities: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Seed 001's merge: same user, project, task; one activity ends where the next starts."""
    open_by_key: dict[tuple[int, int, int], list[dict[str, Any]]] = {}
    out: list[list[dict[str, Any]]] = []
    for activity in sorted(activities, key=lambda a: a["starts_at"]):
        key = (activity["user_id"], activity["project_id"], activity["task_id"])
        current = open_by_key.get(key)
        if current and epoch(current[-1]["starts_at"]) + current[-1]["tracked"] == \
                epoch(activity["starts_at"]):
            current.append(activity)
        else:
            open_by_key[key] = [activity]
            out.append(open_by_key[key])
    return out


def test_activities_are_realistic_sessions() -> None:
    data = seeded()
    activities = data.activities
    assert len({a["user_id"] for a in activities}) >= 15
    assert len({a["project_id"] for a in activities}) >= 10
    assert len({p["client_id"] for p in data.catalog.projects if "client_id" in p}) >= 3
    assert min(a["date"] for a in activities) == "2025-10-18"
    per_user: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for a in activities:
        slot, start = epoch(a["time_slot"]), epoch(a["starts_at"])
        assert slot % 600 == 0 and slot <= start and start + a["tracked"] <= slot + 600
        assert 0 < a["tracked"] <= 600 and a["date"] == a["time_slot"][:10]
        per_user[a["user_id"]].append((start, start + a["tracked"]))
    slots = [(a["user_id"], a["project_id"], a["task_id"], a["time_slot"]) for a in activities]
    assert len(set(slots)) == len(slots)  # one activity per member, task and slot
    for spans in per_user.values():  # nobody tracks two things at once
        spans.sort()
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    sessions = sessions_of(activities)
    for session in sessions:  # only a session's first slot may start late
        assert all(a["starts_at"] == a["time_slot"] for a in session[1:])
        assert all(a["tracked"] == 600 for a in session[1:-1])
    assert sum(a["tracked"] < 600 for a in activities) > len(sessions) // 2
    assert any(s[0]["date"] != s[-1]["date"] for s in sessions)  # across midnight
    assert len(sessions) > 15 * 60 * 3  # several sessions per member per working day
    online = [r for _, r in data.last_activities if r["online"]]
    assert 3 <= len(online) < 15
    running_ends = {epoch(s[-1]["starts_at"]) + s[-1]["tracked"] for s in sessions
                    if s[-1]["user_id"] in {r["user_id"] for r in online}}
    assert int(NOW.timestamp()) in running_ends


def test_daily_activities_are_the_sums_of_activities() -> None:
    data = seeded()
    sums: dict[tuple[str, int, int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for a in data.activities:
        row = sums[(a["date"], a["user_id"], a["project_id"], a["task_id"])]
        row[0] += a["tracked"]
        row[1] += a["overall"]
        row[2] += a["tracked"] if a["time_type"] == "manual" else 0
    dailies = {(d["date"], d["user_id"], d["project_id"], d["task_id"]):
               [d["tracked"], d["overall"], d["manual"]] for d in data.dailies}
    assert dailies == sums
    assert any(v[2] for v in dailies.values())  # some seeded manual time


def test_same_seed_same_data_other_seed_other_data() -> None:
    cached = seeded()
    fresh = build_seed.__wrapped__(11, NOW.date(), int(NOW.timestamp()), True)
    assert fresh.activities == cached.activities and fresh.catalog.users == cached.catalog.users
    other = build_seed(12, NOW.date(), int(NOW.timestamp()), True)
    assert other.catalog.users != cached.catalog.users


# -- daily activities and updates ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "stop", "status", "code"),
    [
        ("2025-12-16", "2026-01-15", 200, None),  # 31 dates, stop inclusive
        ("2025-12-15", "2026-01-15", 400, "date_range_too_large"),
        ("2026-01-15", "2026-01-14", 400, "invalid_params"),
        ("2026-01-15", "", 400, "invalid_params"),
        ("2022-01-01", "2022-01-02", 400, "invalid_params"),
    ],
)
async def test_daily_range_rules(sim: Sim, start: str, stop: str, status: int,
                                 code: str | None) -> None:
    response = await sim.get(org("/activities/daily"),
                             **{"date[start]": start, "date[stop]": stop})
    assert response.status_code == status
    if code:
        assert is_error(response, status, code)


async def test_daily_over_the_api_matches_activities_of_that_day(sim: Sim) -> None:
    day = {"date[start]": "2026-01-14", "date[stop]": "2026-01-14"}
    dailies = await sim.all_pages(org("/activities/daily"), "daily_activities", page_limit=7,
                                  **day)
    activities = await sim.all_pages(org("/activities"), "activities", page_limit=500,
                                     **week("2026-01-14T00:00:00Z", 1))
    assert sum(d["tracked"] for d in dailies) == sum(a["tracked"] for a in activities) > 0
    assert [d["id"] for d in dailies] == sorted(d["id"] for d in dailies)


async def test_activity_updates_select_by_updated_at(sim: Sim) -> None:
    window = {"updated[start]": "2026-01-14T09:00:00Z", "updated[stop]": "2026-01-14T10:00:00Z"}
    changed = await sim.all_pages(org("/activities/updates"), "activities", **window)
    assert changed and all("2026-01-14T09" <= a["updated_at"] < "2026-01-14T10" for a in changed)
    too_long = window | {"updated[stop]": "2026-01-21T09:00:01Z"}
    assert is_error(await sim.get(org("/activities/updates"), **too_long), 400,
                    "date_range_too_large")
    too_old = {"updated[start]": "2025-11-01T00:00:00Z", "updated[stop]": "2025-11-02T00:00:00Z"}
    assert is_error(await sim.get(org("/activities/updates"), **too_old), 400, "invalid_params")


# -- people and catalog -------------------------------------------------------------------------


async def test_members_side_load_users_and_filter(sim: Sim) -> None:
    body = (await sim.get(org("/members"), **{"include[]": "users"})).json()
    members = body["members"]
    assert len(members) == 15 and all(m["membership_status"] == "active" for m in members)
    assert [u["id"] for u in body["users"]] == sorted(m["user_id"] for m in members)
    everyone = (await sim.get(org("/members"), include_removed="true")).json()["members"]
    assert [m["membership_status"] for m in everyone].count("removed") == 1
    two = [members[3]["user_id"], members[7]["user_id"]]
    picked = (await sim.get(org("/members"), user_ids=",".join(map(str, two)))).json()
    assert [m["user_id"] for m in picked["members"]] == two
    page = (await sim.get(org("/members"), page_limit=4)).json()
    assert page["pagination"]["next_page_start_id"] not in {m["user_id"] for m in members}
    rest = (await sim.get(org("/members"), page_start_id=page["pagination"]["next_page_start_id"]
                          )).json()["members"]
    assert page["members"] + rest == members


async def test_users_me_and_by_id(sim: Sim) -> None:
    me = (await sim.get("/v2/users/me")).json()["user"]
    members = (await sim.get(org("/members"))).json()["members"]
    assert next(m for m in members if m["user_id"] == me["id"])["membership_role"] == "owner"
    other = members[5]["user_id"]
    assert (await sim.get(f"/v2/users/{other}")).json()["user"]["id"] == other
    assert is_error(await sim.get("/v2/users/1"), 404, "not_found")
    assert is_error(await sim.get("/v2/users/abc"), 400, "invalid_params")


@pytest.mark.parametrize(
    ("status", "count"), [(None, 10), ("active", 10), ("archived", 2), ("all", 12)])
async def test_projects_filter_by_status(sim: Sim, status: str | None, count: int) -> None:
    params = {} if status is None else {"status": status}
    assert len((await sim.get(org("/projects"), **params)).json()["projects"]) == count


async def test_clients_projects_and_tasks_agree(sim: Sim) -> None:
    clients = (await sim.get(org("/clients"), status="all")).json()["clients"]
    projects = (await sim.get(org("/projects"), status="all",
                              **{"include[]": "clients"})).json()
    assert len(clients) == 4 and sum(c["status"] == "archived" for c in clients) == 1
    owned = {p["id"]: p["client_id"] for p in projects["projects"] if "client_id" in p}
    assert {p: c["id"] for c in clients for p in c["project_ids"]} == owned
    assert {c["id"] for c in projects["clients"]} == set(owned.values())
    project = projects["projects"][0]["id"]
    mine = (await sim.get(f"/v2/projects/{project}/tasks")).json()["tasks"]
    everything = (await sim.get(org("/tasks"), page_limit=500)).json()["tasks"]
    assert mine == [t for t in everything if t["project_id"] == project]
    assert is_error(await sim.get("/v2/projects/1/tasks"), 404, "not_found")


async def test_last_activities_show_who_is_online(sim: Sim) -> None:
    rows = (await sim.get(org("/last_activities"))).json()["last_activities"]
    assert len(rows) == 15 and 3 <= sum(r["online"] for r in rows) < 15
    online = next(r for r in rows if r["online"])
    assert online["last_client_activity"].startswith("2026-01-15T12:00:00")


@pytest.mark.parametrize(
    ("org_id", "status", "code"),
    [(184977, 403, "organization_inactive"), (999, 404, "not_found"),
     ("abc", 400, "invalid_params")],
)
async def test_organization_scoping(sim: Sim, org_id: object, status: int, code: str) -> None:
    assert is_error(await sim.get(f"/v2/organizations/{org_id}/projects"), status, code)


async def test_unknown_route_is_404_in_vendor_body(sim: Sim) -> None:
    assert is_error(await sim.get("/v2/nothing"), 404, "not_found")


# -- manual time --------------------------------------------------------------------------------


def quiet_member(data: Any) -> int:
    """An active member who is not tracking right now (so nothing of theirs changes at NOW)."""
    online = {r["user_id"] for _, r in data.last_activities if r["online"]}
    return int(next(m["user_id"] for _, m in data.catalog.members
                    if m["membership_status"] == "active" and m["user_id"] not in online))


def free_slot(data: Any, user_id: int) -> datetime:
    """An hour on 2026-01-10 (a Saturday) in which ``user_id`` tracked nothing."""
    spans = data.intervals[user_id]
    for hour in range(0, 24):
        start = datetime(2026, 1, 10, hour, tzinfo=UTC)
        s, e = int(start.timestamp()), int(start.timestamp()) + 3600
        if not any(a < e and s < b for a, b in spans):
            return start
    raise AssertionError("no free hour")


async def post_time(sim: Sim, user_id: int, **body: Any) -> httpx.Response:
    return await sim.client.post(f"/v2/users/{user_id}/time_entries", json=body,
                                 headers=sim.headers)


async def test_manual_time_becomes_activities_and_daily_sums(sim: Sim) -> None:
    data = seeded()
    task = next(t for t in data.catalog.tasks if t["status"] == "active")
    user_id = quiet_member(data)
    hour = free_slot(data, user_id)
    entry = {"project_id": task["project_id"], "task_id": task["id"], "note": "Workshop"}
    start = hour + timedelta(minutes=5)
    first = await post_time(sim, user_id, start_time=start.isoformat(), tracked=840, **entry)
    assert (first.status_code, first.json()) == (201, {"success": True})
    second = hour + timedelta(minutes=21)
    assert (await post_time(sim, user_id, start_time=second.isoformat(), tracked=350,
                            **entry)).status_code == 201
    window = {"time_slot[start]": hour.isoformat(),
              "time_slot[stop]": (hour + timedelta(hours=1)).isoformat(),
              "user_ids[]": user_id}
    made = (await sim.get(org("/activities"), **window)).json()["activities"]
    # Seed 001's example, exactly: 10:05 tracked 300, 10:10 tracked 540, 10:21 tracked 350.
    assert [(a["starts_at"][14:19], a["tracked"], a["time_type"]) for a in made] == [
        ("05:00", 300, "manual"), ("10:00", 540, "manual"), ("21:00", 350, "manual")]
    assert [a["time_slot"][14:19] for a in made] == ["00:00", "10:00", "20:00"]
    assert [len(s) for s in sessions_of(made)] == [2, 1]
    changed = await sim.get(org("/activities/updates"), **{
        "updated[start]": NOW.isoformat(), "updated[stop]": (NOW + timedelta(hours=1)).isoformat(),
        "user_ids[]": user_id})
    assert [a["id"] for a in changed.json()["activities"]] == [a["id"] for a in made]
    daily = (await sim.get(org("/activities/daily"), **{
        "date[start]": "2026-01-10", "date[stop]": "2026-01-10", "user_ids[]": user_id,
        "task_ids[]": task["id"]})).json()["daily_activities"]
    assert [(d["tracked"], d["manual"]) for d in daily] == [(1190, 1190)]
    await sim.client.post("/_simulator/reset")
    await sim.login()
    assert (await sim.get(org("/activities"), **window)).json()["activities"] == []


async def test_unfiltered_pages_of_seeded_activities_end_with_manual_time(sim: Sim) -> None:
    """Unfiltered pages are slices of the seed; written activities still follow them."""
    data = seeded()
    task = next(t for t in data.catalog.tasks if t["status"] == "active")
    user_id = quiet_member(data)
    hour = free_slot(data, user_id)
    friday = hour.replace(hour=0) - timedelta(days=1)
    window = {"time_slot[start]": friday.isoformat(),
              "time_slot[stop]": (friday + timedelta(days=2)).isoformat()}
    before = await sim.all_pages(org("/activities"), "activities", page_limit=50, **window)
    assert len(before) > 100
    # The slices and next ids agree with the filtered (per-record) path over the same records.
    users = [a["user_id"] for a in before]
    busiest = max(set(users), key=users.count)
    theirs = await sim.all_pages(org("/activities"), "activities", page_limit=50, **window,
                                 **{"user_ids[]": busiest})
    assert theirs == [a for a in before if a["user_id"] == busiest] and len(theirs) > 50
    entry = {"project_id": task["project_id"], "task_id": task["id"], "note": "Workshop"}
    await post_time(sim, user_id, start_time=hour.isoformat(), tracked=1200, **entry)
    after = await sim.all_pages(org("/activities"), "activities", page_limit=50, **window)
    assert after[: len(before)] == before
    assert [(a["user_id"], a["time_type"]) for a in after[len(before):]] == [
        (user_id, "manual"), (user_id, "manual")]


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        pytest.param({"note": ""}, 422, "invalid_time_entry", id="no-note"),
        pytest.param({"tracked": 0}, 400, "invalid_params", id="zero-tracked"),
        pytest.param({"start_time": "soon"}, 400, "invalid_params", id="bad-start"),
        pytest.param({"project_id": 1}, 404, "not_found", id="unknown-project"),
        pytest.param({"task_id": 1}, 404, "not_found", id="unknown-task"),
        pytest.param({"start_time": "2026-01-15T11:59:00Z"}, 422, "invalid_time_entry",
                     id="future"),
        pytest.param({"start_time": "2026-01-14T10:00:00Z", "tracked": 36000}, 422,
                     "time_entry_overlap", id="overlap"),
    ],
)
async def test_manual_time_validation(sim: Sim, change: dict[str, Any], status: int,
                                      code: str) -> None:
    data = seeded()
    task = next(t for t in data.catalog.tasks if t["status"] == "active")
    user_id = quiet_member(data)
    body = {"project_id": task["project_id"], "task_id": task["id"], "note": "Workshop",
            "start_time": free_slot(data, user_id).isoformat(), "tracked": 600} | change
    assert is_error(await post_time(sim, user_id, **body), status, code)


@pytest.mark.parametrize("sim", [{"options": {"time_entry_status": 200}}], indirect=True)
async def test_time_entry_status_option(sim: Sim) -> None:
    data = seeded()
    task = next(t for t in data.catalog.tasks if t["status"] == "active")
    user_id = quiet_member(data)
    response = await post_time(sim, user_id, project_id=task["project_id"], note="Call",
                               start_time=free_slot(data, user_id).isoformat(), tracked=60)
    assert (response.status_code, response.json()) == (200, {"success": True})


# -- the published spec -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC.read_text())
    return loaded


def check(spec: dict[str, Any], path: str, method: str, status: int, body: Any) -> None:
    """Validate ``body`` against the spec's response schema (its $refs point at definitions)."""
    schema = spec["paths"][path][method]["responses"][str(status)]["schema"]
    jsonschema.Draft4Validator({**schema, "definitions": spec["definitions"]}).validate(body)


SPEC_PATH = "/v2/organizations/{organization_id}"
CASES = [
    ("/v2/organizations", "/v2/organizations", {}),
    ("/v2/users/me", "/v2/users/me", {}),
    (SPEC_PATH + "/members", org("/members"), {"include_removed": "true"}),
    (SPEC_PATH + "/projects", org("/projects"), {"status": "all"}),
    (SPEC_PATH + "/clients", org("/clients"), {"status": "all"}),
    (SPEC_PATH + "/tasks", org("/tasks"), {"page_limit": 500}),
    (SPEC_PATH + "/activities", org("/activities"), week() | {"page_limit": 500}),
    (SPEC_PATH + "/activities/daily", org("/activities/daily"),
     {"date[start]": "2025-12-16", "date[stop]": "2026-01-15", "page_limit": 500}),
    (SPEC_PATH + "/activities/updates", org("/activities/updates"),
     {"updated[start]": "2026-01-08T00:00:00Z", "updated[stop]": "2026-01-15T00:00:00Z"}),
    (SPEC_PATH + "/last_activities", org("/last_activities"), {"include_removed": "true"}),
]


@pytest.mark.parametrize(("spec_path", "path", "params"), CASES, ids=[c[0] for c in CASES])
async def test_responses_validate_against_the_spec(
        sim: Sim, spec: dict[str, Any], spec_path: str, path: str, params: dict[str, Any]
) -> None:
    response = await sim.get(path, **params)
    assert response.status_code == 200
    check(spec, spec_path, "get", 200, response.json())


async def test_users_side_loads_and_errors_validate_against_the_spec(
        sim: Sim, spec: dict[str, Any]) -> None:
    user_id = (await sim.get("/v2/users/me")).json()["user"]["id"]
    check(spec, "/v2/users/{user_id}", "get", 200,
          (await sim.get(f"/v2/users/{user_id}")).json())
    users = (await sim.get(org("/members"), **{"include[]": "users"})).json()["users"]
    user_schema = spec["paths"]["/v2/users/me"]["get"]["responses"]["200"]["schema"]
    for user in users:
        jsonschema.Draft4Validator({**user_schema, "definitions": spec["definitions"]}
                                   ).validate({"user": user})
    errors = [(await sim.get("/v2/users/1"), 404),
              (await sim.get(org("/activities")), 400),
              (await sim.client.get("/v2/users/me"), 401)]
    for response, status in errors:
        assert response.status_code == status
        check(spec, "/v2/users/{user_id}", "get", status, response.json())


@pytest.mark.parametrize("kind", ["project", "client", "task"])
async def test_one_record_by_id_validates_and_unknown_is_404(
        sim: Sim, spec: dict[str, Any], kind: str) -> None:
    first = await sim.get(org(f"/{kind}s"))
    record = first.json()[f"{kind}s"][0]
    response = await sim.get(f"/v2/{kind}s/{record['id']}")
    assert response.status_code == 200 and response.json()[kind]["id"] == record["id"]
    check(spec, f"/v2/{kind}s/{{{kind}_id}}", "get", 200, response.json())
    missing = await sim.get(f"/v2/{kind}s/987654321")
    assert missing.status_code == 404
    check(spec, f"/v2/{kind}s/{{{kind}_id}}", "get", 404, missing.json())

"""The Toggl Track simulator: auth, limits, Track API v9 reads and writes, Reports API v3."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any, get_type_hints

import httpx
import pytest

from gateway.simulators.kit import ManualClock, SimulatorConfig
from gateway.simulators.toggl import create_app, demo_source, payloads
from gateway.simulators.toggl.model import rfc3339

TOKEN = "1971800d4d82861d8f2c1651fea4d212"
WID = 4182735
TODAY = date(2026, 1, 15)
REPORTS = f"/reports/api/v3/workspace/{WID}/search/time_entries"
ENTRIES = f"/api/v9/workspaces/{WID}/time_entries"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def make(
    clock: ManualClock | None = None, *, auth: tuple[str, str] | None = (TOKEN, "api_token"), **kw: Any
) -> tuple[httpx.AsyncClient, Any]:
    kw.setdefault("rate_limit", (1_000_000, 1.0))
    app = create_app(SimulatorConfig(today=TODAY, clock=clock or ManualClock(NOW), **kw))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim", auth=auth)
    return client, app


@pytest.fixture
async def sim() -> AsyncIterator[httpx.AsyncClient]:
    client, _ = make()
    async with client:
        yield client


def keys_of(typed_dict: type) -> set[str]:
    return set(get_type_hints(typed_dict))


async def all_report_ids(sim: httpx.AsyncClient, body: dict[str, Any]) -> tuple[list[int], int]:
    ids: list[int] = []
    pages = 0
    while True:
        r = await sim.post(REPORTS, json=body)
        assert r.status_code == 200
        pages += 1
        ids += [e["id"] for row in r.json() for e in row["time_entries"]]
        if "X-Next-ID" not in r.headers:
            assert "X-Next-Row-Number" not in r.headers
            return ids, pages
        body = {
            **body,
            "first_id": int(r.headers["X-Next-ID"]),
            "first_row_number": int(r.headers["X-Next-Row-Number"]),
        }


# --- auth -------------------------------------------------------------------------------


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "header",
    [
        pytest.param(None, id="missing"),
        pytest.param(_basic("0" * 32, "api_token"), id="unknown-token"),
        pytest.param(_basic(TOKEN, "secret"), id="wrong-password-word"),
        pytest.param("Basic !!!notbase64", id="garbage"),
        pytest.param(f"Bearer {TOKEN}", id="bearer"),
    ],
)
async def test_bad_credentials_are_403_plain_text(header: str | None) -> None:
    client, _ = make(auth=None)  # only ``header`` authenticates, if anything does
    async with client:
        headers = {} if header is None else {"Authorization": header}
        for path in ("/api/v9/me", f"/api/v9/workspaces/{WID}/projects"):
            r = await client.get(path, headers=headers)
            assert r.status_code == 403
            assert r.headers["content-type"].startswith("text/plain")
            assert r.text == "Incorrect username and/or password"
            assert r.headers["X-Toggl-Quota-Remaining"] == "600"
        r = await client.post(REPORTS, headers=headers, json={})
        assert r.status_code == 403


async def test_inactive_users_token_is_refused() -> None:
    client, app = make()
    gone = [u for u in app.state.toggl.store.users.values() if not u.is_active]
    async with client:
        r = await client.get("/api/v9/me", auth=(gone[0].api_token, "api_token"))
        assert r.status_code == 403


# --- quota and leaky bucket ----------------------------------------------------------------


async def test_hourly_quota_402_and_headers() -> None:
    clock = ManualClock(NOW)
    client, _ = make(clock, options={"quota_per_hour": 3})
    async with client:
        remaining = []
        for _ in range(3):
            r = await client.get("/api/v9/me")
            assert r.status_code == 200
            remaining.append(r.headers["X-Toggl-Quota-Remaining"])
            clock.advance(600)
        assert remaining == ["2", "1", "0"]
        r = await client.get("/api/v9/me")
        assert r.status_code == 402
        assert r.headers["content-type"].startswith("text/plain")
        assert r.headers["X-Toggl-Quota-Remaining"] == "0"
        assert r.headers["X-Toggl-Quota-Resets-In"] == "1800"  # first call was 1800 s ago
        clock.advance(1800)
        r = await client.get("/api/v9/me")
        assert r.status_code == 200
        assert r.headers["X-Toggl-Quota-Remaining"] == "0"
        assert r.headers["X-Toggl-Quota-Resets-In"] == "600"


async def test_quota_is_per_user() -> None:
    client, app = make(options={"quota_per_hour": 1})
    other = next(
        u for u in app.state.toggl.store.users.values() if u.is_active and u.api_token != TOKEN
    )
    async with client:
        assert (await client.get("/api/v9/me")).status_code == 200
        assert (await client.get("/api/v9/me")).status_code == 402
        r = await client.get("/api/v9/me", auth=(other.api_token, "api_token"))
        assert r.status_code == 200
        assert r.json()["id"] == other.id


async def test_leaky_bucket_burst_then_one_per_second() -> None:
    clock = ManualClock(NOW)
    client, _ = make(clock, rate_limit=None, options={"burst": 2})
    async with client:
        statuses = [(await client.get("/api/v9/me")).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        r = await client.get("/api/v9/me")
        assert r.status_code == 429
        assert r.text == "Too Many Requests"
        assert "X-Toggl-Quota-Remaining" in r.headers
        assert r.headers["X-Toggl-Quota-Remaining"] == "598"  # 429s use no quota
        clock.advance(1.0)
        assert (await client.get("/api/v9/me")).status_code == 200
        assert (await client.get("/api/v9/me")).status_code == 429
        for _ in range(5):  # a steady 1 rps always passes
            clock.advance(1.0)
            assert (await client.get("/api/v9/me")).status_code == 200
        stats = (await client.get("/_simulator/stats")).json()
        assert stats["rate_limited"] == 3


async def test_rate_limit_override_is_a_sliding_window() -> None:
    clock = ManualClock(NOW)
    client, _ = make(clock, rate_limit=(3, 10.0))
    async with client:
        assert [(await client.get("/api/v9/me")).status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]
        clock.advance(10.0)
        assert (await client.get("/api/v9/me")).status_code == 200


async def test_reset_restores_data_and_limits() -> None:
    client, _ = make(options={"quota_per_hour": 2})
    async with client:
        current = (await client.get("/api/v9/me/time_entries/current")).json()
        await client.patch(f"{ENTRIES}/{current['id']}/stop")
        assert (await client.get("/api/v9/me")).status_code == 402
        await client.post("/_simulator/reset")
        assert (await client.get("/api/v9/me/time_entries/current")).json() == current


# --- Track API reads --------------------------------------------------------------------


async def test_me_workspaces_users_shapes(sim: httpx.AsyncClient) -> None:
    me = (await sim.get("/api/v9/me")).json()
    assert set(me) == keys_of(payloads.Me)
    assert me["default_workspace_id"] == WID and me["api_token"] == TOKEN
    workspaces = (await sim.get("/api/v9/me/workspaces")).json()
    assert [w["id"] for w in workspaces] == [WID]
    assert set(workspaces[0]) == keys_of(payloads.Workspace)
    users = (await sim.get(f"/api/v9/workspaces/{WID}/users")).json()
    assert len(users) == 15 and me["id"] in {u["id"] for u in users}
    assert all(set(u) == keys_of(payloads.WorkspaceUser) for u in users)
    assert sum(not u["is_active"] for u in users) == 2


@pytest.mark.parametrize(
    ("query", "count"),
    [
        pytest.param("", 10, id="default-active"),
        pytest.param("?active=false", 2, id="archived"),
        pytest.param("?active=both", 12, id="both"),
        pytest.param("?active=both&per_page=5", 5, id="first-page"),
        pytest.param("?active=both&per_page=5&page=3", 2, id="short-last-page"),
        pytest.param("?active=both&per_page=5&page=4", 0, id="empty-page"),
        pytest.param("?active=both&per_page=5000", 12, id="over-max-clamped"),
    ],
)
async def test_projects_bare_array_paging(sim: httpx.AsyncClient, query: str, count: int) -> None:
    r = await sim.get(f"/api/v9/workspaces/{WID}/projects{query}")
    assert r.status_code == 200
    body = r.json()
    assert isinstance(body, list) and len(body) == count
    assert all(set(p) == keys_of(payloads.Project) for p in body)


async def test_project_pages_do_not_overlap(sim: httpx.AsyncClient) -> None:
    pages = [
        (
            await sim.get(
                f"/api/v9/workspaces/{WID}/projects",
                params={"active": "both", "per_page": 5, "page": n},
            )
        ).json()
        for n in (1, 2, 3)
    ]
    ids = [p["id"] for page in pages for p in page]
    assert len(ids) == len(set(ids)) == 12


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        pytest.param(f"/api/v9/workspaces/{WID}/projects?page=0", 400, "Invalid page", id="page0"),
        pytest.param(
            f"/api/v9/workspaces/{WID}/projects?per_page=x",
            400,
            "Invalid per_page",
            id="per-page-text",
        ),
        pytest.param(
            f"/api/v9/workspaces/{WID}/clients?status=gone", 400, "Invalid status", id="bad-status"
        ),
        pytest.param(
            "/api/v9/workspaces/1/projects",
            403,
            "User does not have access to this resource.",
            id="other-workspace",
        ),
        pytest.param(
            "/api/v9/me/time_entries?start_date=2026-01-01",
            400,
            "start_date and end_date must be used together",
            id="start-only",
        ),
        pytest.param(
            "/api/v9/me/time_entries?start_date=yesterday&end_date=2026-01-02",
            400,
            "Invalid start_date",
            id="bad-date",
        ),
        pytest.param("/api/v9/nope", 404, "404 page not found", id="unknown-route"),
    ],
)
async def test_track_errors_are_json_strings(
    sim: httpx.AsyncClient, path: str, status: int, message: str
) -> None:
    r = await sim.get(path)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert r.json() == message


@pytest.mark.parametrize(
    ("status", "names"),
    [
        ("", {"Northwind Traders", "Bluebird Health", "Acme Robotics"}),
        ("?status=archived", {"Harbor & Pine Legal"}),
        (
            "?status=both",
            {"Northwind Traders", "Bluebird Health", "Acme Robotics", "Harbor & Pine Legal"},
        ),
    ],
)
async def test_clients_status_filter(sim: httpx.AsyncClient, status: str, names: set[str]) -> None:
    body = (await sim.get(f"/api/v9/workspaces/{WID}/clients{status}")).json()
    assert {c["name"] for c in body} == names
    assert all(set(c) == keys_of(payloads.Client) for c in body)


async def test_tasks_envelope_pages(sim: httpx.AsyncClient) -> None:
    url = f"/api/v9/workspaces/{WID}/tasks"
    first = (await sim.get(url, params={"active": "both", "per_page": 10})).json()
    assert set(first) == keys_of(payloads.TaskPage)
    total = first["total_count"]
    assert total > 20 and first["page"] == 1 and len(first["data"]) == 10
    last_page = -(-total // 10)
    last = await sim.get(url, params={"active": "both", "per_page": 10, "page": last_page})
    assert 0 < len(last.json()["data"]) <= 10
    empty = (await sim.get(url, params={"per_page": 10, "page": 99})).json()
    assert empty["data"] == [] and empty["total_count"] < total
    big = (await sim.get(url, params={"per_page": 999})).json()
    assert big["per_page"] == 200


async def test_me_time_entries_range_and_order(sim: httpx.AsyncClient) -> None:
    me = (await sim.get("/api/v9/me")).json()
    r = await sim.get(
        "/api/v9/me/time_entries", params={"start_date": "2026-01-12", "end_date": "2026-01-14"}
    )
    entries = r.json()
    assert entries and all(set(e) == keys_of(payloads.TimeEntry) for e in entries)
    assert {e["user_id"] for e in entries} == {me["id"]}
    starts = [e["start"] for e in entries]
    assert starts == sorted(starts, reverse=True)
    # end_date is exclusive: nothing from the 14th.
    assert starts[0] < "2026-01-14" and starts[-1] >= "2026-01-12"


async def test_me_time_entries_truncates_to_newest_1000(sim: httpx.AsyncClient) -> None:
    r = await sim.get(
        "/api/v9/me/time_entries", params={"start_date": "2025-01-01", "end_date": "2026-02-01"}
    )
    entries = r.json()
    assert len(entries) == 1000
    assert entries[0]["start"].startswith("2026-01-15")  # the newest are kept
    report_ids, _ = await all_report_ids(
        sim,
        {
            "start_date": "2025-04-20",
            "end_date": "2026-01-15",
            "user_ids": [entries[0]["user_id"]],
            "page_size": 1000,
        },
    )
    assert len(report_ids) > 1000


async def test_since_includes_deleted_entries(sim: httpx.AsyncClient) -> None:
    since = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    entries = (await sim.get("/api/v9/me/time_entries", params={"since": since})).json()
    deleted = [e for e in entries if e["server_deleted_at"] is not None]
    assert deleted
    ranged = (
        await sim.get(
            "/api/v9/me/time_entries", params={"start_date": "2025-12-20", "end_date": "2026-01-16"}
        )
    ).json()
    assert not {e["id"] for e in deleted} & {e["id"] for e in ranged}


async def test_running_entries_in_both_forms(sim: httpx.AsyncClient) -> None:
    current = (await sim.get("/api/v9/me/time_entries/current")).json()
    start = int(datetime.fromisoformat(current["start"]).timestamp())
    assert current["stop"] is None and current["duration"] == -start
    rows = (
        await sim.post(
            REPORTS, json={"start_date": "2026-01-15", "end_date": "2026-01-15", "page_size": 500}
        )
    ).json()
    running = [
        (row["user_id"], e) for row in rows for e in row["time_entries"] if e["stop"] is None
    ]
    assert len({user for user, _ in running}) >= 2
    forms = {"-1" if e["seconds"] == -1 else "epoch" for _, e in running}
    assert forms == {"-1", "epoch"}
    for _, e in running:
        if e["seconds"] != -1:
            assert e["seconds"] == -int(datetime.fromisoformat(e["start"]).timestamp())


# --- writes ----------------------------------------------------------------------------------


async def test_start_timer_stops_previous_and_stop_twice_is_409(sim: httpx.AsyncClient) -> None:
    old = (await sim.get("/api/v9/me/time_entries/current")).json()
    r = await sim.post(
        ENTRIES,
        json={
            "created_with": "tests",
            "workspace_id": WID,
            "start": "2026-01-15T11:59:00Z",
            "duration": -1,
            "stop": None,
            "description": "Timer",
            "tags": ["new-tag"],
        },
    )
    assert r.status_code == 200
    started = r.json()
    assert started["duration"] == -1 and started["stop"] is None
    assert started["tags"] == ["new-tag"]
    assert (await sim.get("/api/v9/me/time_entries/current")).json()["id"] == started["id"]
    today = (
        await sim.get(
            "/api/v9/me/time_entries", params={"start_date": "2026-01-15", "end_date": "2026-01-16"}
        )
    ).json()
    stopped_old = next(e for e in today if e["id"] == old["id"])
    assert stopped_old["stop"] == "2026-01-15T12:00:00+00:00"
    r = await sim.patch(f"{ENTRIES}/{started['id']}/stop")
    assert r.status_code == 200 and r.json()["duration"] == 60
    r = await sim.patch(f"{ENTRIES}/{started['id']}/stop")
    assert r.status_code == 409 and r.json() == "Time entry already stopped"
    assert (await sim.get("/api/v9/me/time_entries/current")).json() is None


async def test_create_update_delete(sim: httpx.AsyncClient) -> None:
    projects = (await sim.get(f"/api/v9/workspaces/{WID}/projects")).json()
    r = await sim.post(
        ENTRIES,
        json={
            "created_with": "tests",
            "start": "2026-01-14T09:00:00Z",
            "duration": 1800,
            "project_id": projects[0]["id"],
            "billable": True,
        },
    )
    entry = r.json()
    assert entry["stop"] == "2026-01-14T09:30:00+00:00" and entry["project_id"] == projects[0]["id"]
    r = await sim.put(
        f"{ENTRIES}/{entry['id']}", json={"description": "Edited", "stop": "2026-01-14T10:00:00Z"}
    )
    assert r.json()["description"] == "Edited" and r.json()["duration"] == 3600
    r = await sim.delete(f"{ENTRIES}/{entry['id']}")
    assert r.status_code == 200 and r.content == b""
    assert (await sim.put(f"{ENTRIES}/{entry['id']}", json={})).status_code == 404
    assert (await sim.patch(f"{ENTRIES}/{entry['id']}/stop")).status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"start": "2026-01-14T09:00:00Z", "duration": 60},
            "created_with needs to be provided a valid string",
            id="no-created-with",
        ),
        pytest.param(
            {"created_with": "t", "duration": 60}, "start must be provided", id="no-start"
        ),
        pytest.param(
            {"created_with": "t", "start": "2026-01-14T09:00:00Z", "stop": "2026-01-14T08:00:00Z"},
            "Stop time must be after start time",
            id="stop-before-start",
        ),
        pytest.param(
            {"created_with": "t", "start": "2026-01-14T09:00:00Z", "duration": 5, "project_id": 1},
            "Invalid project_id",
            id="bad-project",
        ),
        pytest.param(
            {
                "created_with": "t",
                "start": "2026-01-14T09:00:00Z",
                "duration": 5,
                "workspace_id": 1,
            },
            "workspace_id does not match the path",
            id="wid-mismatch",
        ),
    ],
)
async def test_create_validation(
    sim: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    r = await sim.post(ENTRIES, json=body)
    assert r.status_code == 400 and r.json() == message


async def test_created_epoch_form_timer_matches_minus_one_elapsed(sim: httpx.AsyncClient) -> None:
    start = "2026-01-15T11:00:00Z"
    epoch = int(datetime(2026, 1, 15, 11, tzinfo=UTC).timestamp())
    r = await sim.post(ENTRIES, json={"created_with": "t", "start": start, "duration": -epoch})
    assert r.json()["duration"] == -epoch


# --- Reports API v3 ---------------------------------------------------------------------


async def test_six_month_report_every_entry_once(sim: httpx.AsyncClient) -> None:
    body = {"start_date": "2025-07-15", "end_date": "2026-01-15"}
    first = await sim.post(REPORTS, json=body)
    assert len(first.json()) == 50 and first.json()[0]["row_number"] == 1
    assert first.headers["X-Next-Row-Number"] == "51"
    ids, pages = await all_report_ids(sim, body)
    assert pages > 5 and len(ids) == len(set(ids))
    users = {row["user_id"] for row in first.json()}
    assert len(users) > 1


async def test_report_rows_group_equal_entries(sim: httpx.AsyncClient) -> None:
    rows = (
        await sim.post(
            REPORTS, json={"start_date": "2026-01-05", "end_date": "2026-01-09", "page_size": 1000}
        )
    ).json()
    assert all(set(r) == keys_of(payloads.ReportRow) for r in rows)
    grouped = [r for r in rows if len(r["time_entries"]) > 1]
    assert grouped
    for row in grouped:
        days = {e["start"][:10] for e in row["time_entries"]}
        assert len(days) == 1
        assert all(set(e) == keys_of(payloads.ReportEntry) for e in row["time_entries"])
    assert [r["row_number"] for r in rows] == list(range(1, len(rows) + 1))


async def test_report_first_row_number_alone_and_past_end(sim: httpx.AsyncClient) -> None:
    body = {"start_date": "2026-01-12", "end_date": "2026-01-12", "page_size": 5}
    second = await sim.post(REPORTS, json={**body, "first_row_number": 6})
    assert second.json()[0]["row_number"] == 6
    past = await sim.post(REPORTS, json={**body, "first_row_number": 10_000})
    assert past.json() == [] and "X-Next-ID" not in past.headers


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"billable": False}, id="billable"),
        pytest.param({"description": "SPRINT"}, id="description"),
        pytest.param({"project_ids": [None]}, id="no-project"),
        pytest.param({"client_ids": [None]}, id="no-client"),
    ],
)
async def test_report_filters(sim: httpx.AsyncClient, extra: dict[str, Any]) -> None:
    base = {"start_date": "2025-12-01", "end_date": "2026-01-15", "page_size": 1000}
    everything = (await sim.post(REPORTS, json=base)).json()
    rows = (await sim.post(REPORTS, json={**base, **extra})).json()
    assert 0 < len(rows) < len(everything)
    if "billable" in extra:
        assert all(not r["billable"] for r in rows)
    if "description" in extra:
        assert all("sprint" in r["description"].lower() for r in rows)
    if "project_ids" in extra:
        assert all(r["project_id"] is None for r in rows)


async def test_report_user_and_project_filters(sim: httpx.AsyncClient) -> None:
    base = {"start_date": "2025-12-01", "end_date": "2026-01-15", "page_size": 1000}
    rows = (await sim.post(REPORTS, json=base)).json()
    user, project = rows[0]["user_id"], rows[0]["project_id"]
    mine = (await sim.post(REPORTS, json={**base, "user_ids": [user]})).json()
    assert {r["user_id"] for r in mine} == {user}
    theirs = (await sim.post(REPORTS, json={**base, "project_ids": [project]})).json()
    assert {r["project_id"] for r in theirs} == {project}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param(
            {"end_date": "2026-01-15"}, "start_date and end_date are required", id="no-start"
        ),
        pytest.param(
            {"start_date": "2026-01-15", "end_date": "2026-01-01"},
            "end_date must not be earlier than start_date",
            id="reversed",
        ),
        pytest.param(
            {"start_date": "2024-01-01", "end_date": "2026-01-01"},
            "Maximum allowed date range is 366 days",
            id="too-long",
        ),
        pytest.param(
            {"start_date": "15/01/2026", "end_date": "2026-01-15"},
            "Invalid start_date",
            id="bad-format",
        ),
    ],
)
async def test_report_errors_are_plain_text(
    sim: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    r = await sim.post(REPORTS, json=body)
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    assert r.text == message


async def test_report_sees_writes(sim: httpx.AsyncClient) -> None:
    body = {"start_date": "2026-01-10", "end_date": "2026-01-10", "page_size": 1000}
    before, _ = await all_report_ids(sim, body)
    created = (
        await sim.post(
            ENTRIES, json={"created_with": "t", "duration": 60, "start": "2026-01-10T20:00:00Z"}
        )
    ).json()
    after, _ = await all_report_ids(sim, body)
    assert set(after) == {*before, created["id"]}


# --- determinism and demo -------------------------------------------------------------------


async def test_same_seed_same_data_other_seed_differs() -> None:
    params = {"start_date": "2025-12-01", "end_date": "2026-01-16"}
    results = []
    for seed in (7, 7, 8):
        client, _ = make(seed=seed)
        async with client:
            results.append((await client.get("/api/v9/me/time_entries", params=params)).json())
    assert results[0] == results[1]
    assert results[0] != results[2]


def test_demo_source() -> None:
    source = demo_source("http://127.0.0.1:8001/")
    assert source == {
        "name": "toggl-demo",
        "vendor": "toggl",
        "base_url": "http://127.0.0.1:8001/api/v9",
        "reports_url": "http://127.0.0.1:8001/reports/api/v3",
        "api_token": TOKEN,
        "workspace_id": WID,
    }


async def test_one_of_my_entries_by_id_and_nobody_elses() -> None:
    from gateway.simulators.kit import SimulatorConfig
    from gateway.simulators.toggl import create_app, demo_source

    source = demo_source("http://sim")
    app = create_app(SimulatorConfig(seed=42))
    auth = httpx.BasicAuth(str(source["api_token"]), "api_token")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sim", auth=auth
    ) as c:
        mine = (await c.get("/api/v9/me/time_entries")).json()[0]
        got = await c.get(f"/api/v9/me/time_entries/{mine['id']}")
        assert got.status_code == 200 and got.json()["id"] == mine["id"]
        report = await c.post(
            f"/reports/api/v3/workspace/{source['workspace_id']}/search/time_entries",
            json={"start_date": mine["start"][:10], "end_date": mine["start"][:10]},
        )
        other = next(
            e["id"]
            for row in report.json()
            if row["user_id"] != mine["user_id"]
            for e in row["time_entries"]
        )
        missing = await c.get(f"/api/v9/me/time_entries/{other}")
        assert missing.status_code == 404 and "not found" in missing.text


@pytest.mark.parametrize(
    "epoch", [0, 59, 86399, 86400, 951782400, 1767225599, 1767225600, 4102444799, -1, -86401]
)
def test_rfc3339_matches_gmtime(epoch: int) -> None:
    """The date part is looked up per day; the result is what strftime over gmtime writes."""
    assert rfc3339(epoch) == time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(epoch))

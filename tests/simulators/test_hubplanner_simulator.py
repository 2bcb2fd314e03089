"""The Hub Planner simulator: auth, headers, page/limit, sort, search, rate limit, writes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI

from gateway.simulators.hubplanner import (
    DEMO_READ_ONLY_KEY,
    DEMO_READ_WRITE_KEY,
    create_app,
    demo_source,
)
from gateway.simulators.kit import ManualClock, SimulatorConfig

TODAY = date(2026, 3, 31)
JSON_HEADERS = {"Accept": "application/json", "Content-Type": "application/json"}
HEX24 = re.compile(r"^[0-9a-f]{24}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def make_app(clock: ManualClock | None = None, rate_limit: tuple[int, float] | None = (10**6, 1.0),
             seed: int = 7, **options: object) -> FastAPI:
    return create_app(SimulatorConfig(seed=seed, today=TODAY, clock=clock or ManualClock(),
                                      rate_limit=rate_limit, options=dict(options)))


def client_for(app: FastAPI, key: str | None = DEMO_READ_WRITE_KEY) -> httpx.AsyncClient:
    headers = dict(JSON_HEADERS) | ({"Authorization": key} if key else {})
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim",
                             headers=headers)


@pytest.fixture(scope="module")
def shared_app() -> FastAPI:
    return make_app()


@pytest.fixture
async def api(shared_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(shared_app) as client:
        yield client


async def all_entries(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for page in range(100):
        batch = (await api.get("/v1/timeentry", params={"page": page, "limit": 1000})).json()
        entries += batch
        if len(batch) < 1000:
            return entries
    raise AssertionError("pagination never ended")


async def first_project(api: httpx.AsyncClient) -> dict[str, Any]:
    projects: list[dict[str, Any]] = (await api.get("/v1/project")).json()
    return next(p for p in projects if p["customers"] and p["status"] == "STATUS_ACTIVE")


# --- auth and headers ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("authorization", "status", "says"),
    [
        pytest.param(None, 401, "Missing", id="missing"),
        pytest.param(f"Bearer {DEMO_READ_WRITE_KEY}", 401, "Bearer", id="bearer-prefix"),
        pytest.param(f"bearer {DEMO_READ_ONLY_KEY}", 401, "Bearer", id="bearer-lowercase"),
        pytest.param("0" * 32, 401, "Invalid", id="unknown-key"),
        pytest.param(DEMO_READ_WRITE_KEY, 200, None, id="read-write"),
        pytest.param(DEMO_READ_ONLY_KEY, 200, None, id="read-only-reads"),
    ],
)
async def test_authorization_is_the_raw_key(shared_app: FastAPI, authorization: str | None,
                                            status: int, says: str | None) -> None:
    async with client_for(shared_app, authorization) as client:
        response = await client.get("/v1/resource")
    assert response.status_code == status
    if says:
        assert says in response.json()["error"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        pytest.param("POST", "/v1/timeentry", id="create"),
        pytest.param("PUT", "/v1/timeentry/{id}", id="update"),
        pytest.param("DELETE", "/v1/timeentry/{id}", id="delete"),
    ],
)
async def test_read_only_key_cannot_write(shared_app: FastAPI, method: str, path: str) -> None:
    async with client_for(shared_app, DEMO_READ_ONLY_KEY) as client:
        entry = (await client.get("/v1/timeentry", params={"limit": 1})).json()[0]
        response = await client.request(method, path.format(id=entry["_id"]), json=entry)
        assert response.status_code == 403
        search = await client.post("/v1/timeentry/search", json={"_id": entry["_id"]})
        assert search.status_code == 200  # a search is a read


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        pytest.param("GET", "/v1/client", {"Accept": ""}, id="get-no-accept"),
        pytest.param("GET", "/v1/client", {"Accept": "*/*"}, id="get-wildcard-accept"),
        pytest.param("GET", "/v1/client", {"Content-Type": ""}, id="get-no-content-type"),
        pytest.param("POST", "/v1/client/search", {"Content-Type": "text/plain"},
                     id="post-text-plain"),
        pytest.param("POST", "/v1/client/search", {"Content-Type": ""}, id="post-no-content-type"),
    ],
)
async def test_json_headers_are_required(api: httpx.AsyncClient, method: str, path: str,
                                         headers: dict[str, str]) -> None:
    response = await api.request(method, path, headers=headers, content=b"{}")
    assert response.status_code == 400
    assert "application/json" in response.json()["error"]


async def test_content_type_with_charset_is_accepted(api: httpx.AsyncClient) -> None:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    assert (await api.post("/v1/client/search", content=b"{}", headers=headers)).status_code == 200


# --- pagination --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 0}, id="limit-zero"),
        pytest.param({"limit": 1001}, id="limit-over-max"),
        pytest.param({"limit": -5}, id="limit-negative"),
        pytest.param({"limit": "ten"}, id="limit-not-int"),
        pytest.param({"page": -1}, id="page-negative"),
        pytest.param({"page": "1.5"}, id="page-not-int"),
    ],
)
async def test_bad_page_or_limit_is_400(api: httpx.AsyncClient,
                                        params: dict[str, int | str]) -> None:
    for path in ("/v1/timeentry", "/v1/resource"):
        assert (await api.get(path, params=params)).status_code == 400
    assert (await api.post("/v1/project/search", params=params, json={})).status_code == 400


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/v1/timeentry", 20, id="timeentry-defaults-to-20"),
        pytest.param("/v1/resource", 20, id="resource-all-fit-in-default-1000"),
        pytest.param("/v1/client", 5, id="clients"),
        pytest.param("/v1/project", 12, id="projects"),
    ],
)
async def test_default_limits_and_bare_arrays(api: httpx.AsyncClient, path: str,
                                              expected: int) -> None:
    body = (await api.get(path)).json()
    assert isinstance(body, list)
    assert len(body) == expected


@pytest.mark.parametrize(
    ("limit", "sizes"),
    [
        pytest.param(10, [10, 10, 0], id="exact-multiple-then-empty"),
        pytest.param(7, [7, 7, 6], id="short-last-page"),
        pytest.param(1000, [20], id="single-page"),
    ],
)
async def test_pages_walk_the_whole_list(api: httpx.AsyncClient, limit: int,
                                         sizes: list[int]) -> None:
    everything = (await api.get("/v1/resource")).json()
    pages = [(await api.get("/v1/resource", params={"page": p, "limit": limit})).json()
             for p in range(len(sizes))]
    assert [len(p) for p in pages] == sizes
    assert [r["_id"] for page in pages for r in page] == [r["_id"] for r in everything]
    beyond = await api.get("/v1/resource", params={"page": 99, "limit": limit})
    assert beyond.json() == []


async def test_search_pages_from_zero(api: httpx.AsyncClient) -> None:
    project = await first_project(api)
    body = {"project": project["_id"]}
    first = (await api.post("/v1/timeentry/search", json=body, params={"limit": 5})).json()
    both = (await api.post("/v1/timeentry/search", json=body, params={"limit": 10})).json()
    second = (await api.post("/v1/timeentry/search", json=body,
                             params={"page": 1, "limit": 5})).json()
    assert first + second == both


# --- sorting ---------------------------------------------------------------------------------

async def test_sort_ascending_descending_and_chained(api: httpx.AsyncClient) -> None:
    up = (await api.get("/v1/resource", params={"sort": "lastName"})).json()
    down = (await api.get("/v1/resource", params={"sort": "-lastName"})).json()
    assert [r["lastName"] for r in up] == sorted(r["lastName"] for r in up)
    assert [r["lastName"] for r in down] == sorted((r["lastName"] for r in up), reverse=True)
    chained = (await api.get("/v1/resource?sort=-status&sort=firstName")).json()
    keys = [(r["status"], r["firstName"]) for r in chained]
    by_name = sorted(keys, key=lambda k: k[1])
    assert keys == sorted(by_name, key=lambda k: k[0], reverse=True)
    assert len({k[0] for k in keys}) == 3


async def test_sorted_search_pages_are_consistent(api: httpx.AsyncClient) -> None:
    project = await first_project(api)
    params: dict[str, str | int] = {"sort": "-minutes", "limit": 50}
    page = (await api.post("/v1/timeentry/search", json={"project": project["_id"]},
                           params=params)).json()
    assert [e["minutes"] for e in page] == sorted((e["minutes"] for e in page), reverse=True)


@pytest.mark.parametrize(
    ("path", "sort"),
    [
        pytest.param("/v1/resource", "shoeSize", id="unknown-field"),
        pytest.param("/v1/resource", "-note", id="not-sortable"),
        pytest.param("/v1/client", "metadata", id="client-metadata-not-sortable"),
        pytest.param("/v1/timeentry", "note", id="timeentry-note-not-sortable"),
    ],
)
async def test_unsortable_field_is_400(api: httpx.AsyncClient, path: str, sort: str) -> None:
    response = await api.get(path, params={"sort": sort})
    assert response.status_code == 400
    assert "sortable" in response.json()["error"]


# --- search ------------------------------------------------------------------------------------

async def test_sixty_day_project_search_matches_a_local_scan(api: httpx.AsyncClient) -> None:
    everything = await all_entries(api)
    project = await first_project(api)
    since = (TODAY - timedelta(days=59)).isoformat()
    body = {"project": project["_id"], "date": {"$gte": since, "$lte": TODAY.isoformat()}}
    found = (await api.post("/v1/timeentry/search", json=body, params={"limit": 1000})).json()
    expected = [e for e in everything if e["project"] == project["_id"] and e["date"] >= since]
    assert found == expected
    assert 100 <= len(found) < 1000  # "a few hundred"


def _entry_searches(entry: dict[str, Any]) -> list[tuple[dict[str, Any], Any]]:
    day, rid = entry["date"], entry["resource"]
    return [
        ({"resource": rid}, lambda e: e["resource"] == rid),
        ({"resources": {"$in": [rid]}}, lambda e: e["resource"] == rid),
        ({"status": {"$in": ["REJECTED", "PENDING"]}},
         lambda e: e["status"] in ("REJECTED", "PENDING")),
        ({"status": {"$nin": ["APPROVED"]}}, lambda e: e["status"] != "APPROVED"),
        ({"date": {"$lt": day}}, lambda e: e["date"] < day),
        ({"date": day}, lambda e: e["date"] == day),
        ({"date": {"$gte": day, "$lt": day}}, lambda e: False),
        ({"updatedDate": {"$gte": "2026-03-20"}},
         lambda e: e["updatedDate"] >= "2026-03-20T00:00:00.000Z"),
        ({"updatedDate": {"$lt": "2026-03-20T12:00:00+02:00"}},
         lambda e: e["updatedDate"] < "2026-03-20T10:00:00.000Z"),
        ({"_id": {"$in": [entry["_id"]]}}, lambda e: e["_id"] == entry["_id"]),
    ]


async def test_timeentry_operators_match_local_filters(api: httpx.AsyncClient) -> None:
    everything = await all_entries(api)
    for body, keep in _entry_searches(everything[len(everything) // 2]):
        found = (await api.post("/v1/timeentry/search", json=body,
                                params={"limit": 1000})).json()
        expected = [e for e in everything if keep(e)][:1000]
        assert found == expected, body


@pytest.mark.parametrize(
    ("path", "body", "field", "keep"),
    [
        pytest.param("/v1/resource/search", {"status": "STATUS_ARCHIVED"}, "status",
                     lambda v: v == "STATUS_ARCHIVED", id="resource-equality"),
        pytest.param("/v1/resource/search", {"status": {"$nin": "STATUS_ACTIVE"}}, "status",
                     lambda v: v != "STATUS_ACTIVE", id="resource-nin-scalar"),
        pytest.param("/v1/resource/search", {"email": {"$like": "O"}}, "email",
                     lambda v: "o" in v, id="resource-like-case-insensitive"),
        pytest.param("/v1/project/search", {"status": {"$in": ["STATUS_PLANNED"]}}, "status",
                     lambda v: v == "STATUS_PLANNED", id="project-in"),
        pytest.param("/v1/project/search", {"end": {"$lt": "2026-03-01"}}, "end",
                     lambda v: v is not None and v < "2026-03-01", id="project-end-lt"),
        pytest.param("/v1/client/search", {"name": {"$like": "ER"}}, "name",
                     lambda v: "er" in v.lower(), id="client-like"),
    ],
)
async def test_area_search_operators(api: httpx.AsyncClient, path: str, body: dict[str, Any],
                                     field: str, keep: Any) -> None:
    listing = (await api.get(path.removesuffix("/search"))).json()
    found = (await api.post(path, json=body)).json()
    assert found == [r for r in listing if keep(r[field])]
    assert found


@pytest.mark.parametrize(
    ("path", "content"),
    [
        pytest.param("/v1/timeentry/search", b'{"note": "x"}', id="unknown-field"),
        pytest.param("/v1/timeentry/search", b'{"date": {"$like": "2026"}}', id="op-not-allowed"),
        pytest.param("/v1/timeentry/search", b'{"date": {"$gt": "2026-03-01"}}', id="gt-unknown"),
        pytest.param("/v1/timeentry/search", b'{"date": {"$gte": "01/03/2026"}}', id="bad-date"),
        pytest.param("/v1/timeentry/search", b'{"updatedDate": {"$gte": "yesterday"}}',
                     id="bad-stamp"),
        pytest.param("/v1/timeentry/search", b'{"status": {}}', id="empty-operator"),
        pytest.param("/v1/resource/search", b'["STATUS_ACTIVE"]', id="not-an-object"),
        pytest.param("/v1/client/search", b'{"name": ', id="malformed-json"),
    ],
)
async def test_bad_search_is_400(api: httpx.AsyncClient, path: str, content: bytes) -> None:
    response = await api.post(path, content=content)
    assert response.status_code == 400
    assert response.json()["error"]


# --- single items and data ---------------------------------------------------------------------

@pytest.mark.parametrize("area", ["resource", "project", "client", "timeentry"])
async def test_get_one_and_404(api: httpx.AsyncClient, area: str) -> None:
    item = (await api.get(f"/v1/{area}", params={"limit": 1})).json()[0]
    assert (await api.get(f"/v1/{area}/{item['_id']}")).json() == item
    missing = await api.get(f"/v1/{area}/{'0' * 24}")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Not Found"}
    assert "X-RateLimit-Remaining" in missing.headers  # admitted, so it carries the window


async def test_seeded_data_has_the_vendor_shape(api: httpx.AsyncClient) -> None:
    entries = await all_entries(api)
    clients = {c["_id"] for c in (await api.get("/v1/client")).json()}
    projects = (await api.get("/v1/project")).json()
    resources = (await api.get("/v1/resource")).json()
    assert {e["status"] for e in entries} == {"UNSUBMITTED", "SUBMITTED", "APPROVED",
                                              "REJECTED", "PENDING", "EMPTY"}
    assert all(e["minutes"] == 0 for e in entries if e["status"] == "EMPTY")
    assert all(e["minutes"] > 0 for e in entries if e["status"] != "EMPTY")
    assert all("start" not in e and "end" not in e for e in entries)
    assert all(HEX24.match(e["_id"]) and STAMP.match(e["updatedDate"]) for e in entries)
    assert {e["date"] for e in entries} >= {(TODAY - timedelta(days=89)).isoformat(),
                                            TODAY.isoformat()}
    assert any(e["categoryName"] for e in entries) and any(e["locked"] for e in entries)
    links = [link for p in projects for link in p["customers"]]
    assert links and all(link["customerId"] in clients and HEX24.match(link["_id"])
                         for link in links)
    assert any(not p["customers"] for p in projects)
    assert {r["status"] for r in resources} == {"STATUS_ACTIVE", "STATUS_ARCHIVED",
                                                "STATUS_NON_BOOKABLE"}
    assert len(entries) / (len(resources) * 64) > 2  # several entries per working day


# --- rate limit --------------------------------------------------------------------------------

async def test_two_requests_per_second_then_429() -> None:
    clock = ManualClock()
    async with client_for(make_app(clock, rate_limit=None)) as api:
        first, second, third = [await api.get("/v1/client") for _ in range(3)]
        assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
        assert first.headers["X-RateLimit-Limit"] == "2"
        assert [first.headers["X-RateLimit-Remaining"],
                second.headers["X-RateLimit-Remaining"]] == ["1", "0"]
        assert third.headers["Retry-After"] == "1"
        assert third.headers["X-RateLimit-Remaining"] == "0"
        assert third.headers["X-RateLimit-Reset"] == "1"
        clock.advance(1.0)
        assert (await api.get("/v1/client")).status_code == 200
        stats = (await api.get("/_simulator/stats")).json()
        assert stats["rate_limited"] == 1


async def test_rate_window_is_per_account_and_ignores_bad_keys() -> None:
    clock = ManualClock()
    app = make_app(clock, rate_limit=None)
    async with client_for(app, "nope") as bad, client_for(app) as rw, \
            client_for(app, DEMO_READ_ONLY_KEY) as ro:
        assert [(await bad.get("/v1/client")).status_code for _ in range(3)] == [401] * 3
        assert (await rw.get("/v1/client")).status_code == 200
        assert (await ro.get("/v1/client")).status_code == 200
        assert (await rw.get("/v1/client")).status_code == 429


async def test_config_rate_limit_overrides() -> None:
    async with client_for(make_app(ManualClock(), rate_limit=(5, 10.0))) as api:
        codes = [(await api.get("/v1/client")).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


# --- writes ------------------------------------------------------------------------------------

async def _writable(api: httpx.AsyncClient) -> tuple[str, str]:
    projects = (await api.get("/v1/project")).json()
    project = next(p for p in projects if p["timeEntryEnabled"] and not
                   p["timeEntryNoteRequired"] and p["status"] == "STATUS_ACTIVE")
    return project["_id"], project["resources"][0]


async def test_create_update_delete_round_trip() -> None:
    clock = ManualClock(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    async with client_for(make_app(clock)) as api:
        project, resource = await _writable(api)
        body = {"resource": resource, "project": project, "date": "2026-03-30", "minutes": 90,
                "note": "Pairing on the export"}
        created = await api.post("/v1/timeentry", json=body)
        assert created.status_code == 201
        entry = created.json()
        assert HEX24.match(entry["_id"]) and entry["status"] == "UNSUBMITTED"
        assert entry["createdDate"] == "2026-04-01T09:00:00.000Z"
        assert (await api.get(f"/v1/timeentry/{entry['_id']}")).json() == entry
        clock.advance(60)
        changed = {k: v for k, v in body.items() if k != "note"} | {"minutes": 120}
        updated = (await api.put(f"/v1/timeentry/{entry['_id']}", json=changed)).json()
        assert (updated["minutes"], updated["note"]) == (120, "")  # whole object: note reset
        assert updated["updatedDate"] == "2026-04-01T09:01:00.000Z"
        recent = (await api.post("/v1/timeentry/search",
                                 json={"updatedDate": {"$gte": "2026-04-01T09:00:30Z"}})).json()
        assert [e["_id"] for e in recent] == [entry["_id"]]
        deleted = await api.delete(f"/v1/timeentry/{entry['_id']}")
        assert deleted.status_code == 200
        assert (await api.get(f"/v1/timeentry/{entry['_id']}")).status_code == 404


@pytest.mark.parametrize(
    ("change", "says"),
    [
        pytest.param({"minutes": None}, "missing", id="missing-minutes"),
        pytest.param({"minutes": "180"}, "minutes", id="minutes-as-string"),
        pytest.param({"minutes": 1500}, "minutes", id="minutes-over-a-day"),
        pytest.param({"date": "2026-3-1"}, "date", id="bad-date"),
        pytest.param({"project": "0" * 24}, "project", id="unknown-project"),
        pytest.param({"resource": "0" * 24}, "resource", id="unknown-resource"),
        pytest.param({"status": "EMPTY"}, "status", id="empty-not-writable"),
        pytest.param({"categoryTemplateId": "0" * 24}, "categoryTemplateId", id="bad-category"),
    ],
)
async def test_invalid_time_entry_is_400(api: httpx.AsyncClient, change: dict[str, Any],
                                         says: str) -> None:
    project, resource = await _writable(api)
    body = {"resource": resource, "project": project, "date": "2026-03-30", "minutes": 60}
    body = {k: v for k, v in (body | change).items() if v is not None}
    response = await api.post("/v1/timeentry", json=body)
    assert response.status_code == 400
    assert says in response.json()["error"]


async def test_note_required_project_and_locked_entries() -> None:
    async with client_for(make_app()) as api:
        projects = (await api.get("/v1/project")).json()
        strict = next(p for p in projects if p["timeEntryNoteRequired"])
        body = {"resource": strict["resources"][0], "project": strict["_id"],
                "date": "2026-03-30", "minutes": 30}
        assert (await api.post("/v1/timeentry", json=body)).status_code == 400
        locked = (await api.post("/v1/timeentry/search",
                                 json={"status": "APPROVED"}, params={"limit": 1})).json()[0]
        assert locked["locked"] is True
        put = await api.put(f"/v1/timeentry/{locked['_id']}", json=locked)
        assert put.status_code == 403
        assert (await api.delete(f"/v1/timeentry/{locked['_id']}")).status_code == 200
        assert (await api.put(f"/v1/timeentry/{'0' * 24}", json=locked)).status_code == 404


# --- control, determinism, demo ----------------------------------------------------------------

async def test_reset_restores_seed_and_counters() -> None:
    async with client_for(make_app()) as api:
        before = await all_entries(api)
        project, resource = await _writable(api)
        await api.post("/v1/timeentry", json={"resource": resource, "project": project,
                                              "date": "2026-03-30", "minutes": 15})
        await api.delete(f"/v1/timeentry/{before[0]['_id']}")
        assert (await api.post("/_simulator/reset")).json() == {"reset": True}
        assert (await api.get("/_simulator/stats")).json()["total_requests"] == 0
        assert await all_entries(api) == before


async def test_search_is_logged_with_its_body() -> None:
    async with client_for(make_app()) as api:
        body = {"project": "abc", "date": {"$gte": "2026-02-01"}}
        await api.post("/v1/timeentry/search", json=body, params={"limit": 100})
        stats = (await api.get("/_simulator/stats")).json()
        log = (await api.get("/_simulator/requests")).json()
    assert stats["requests"] == {"POST /v1/timeentry/search": 1}
    assert orjson.loads(log[-1]["body"]) == body and log[-1]["query"] == "limit=100"


async def test_same_seed_same_data_other_seed_other_data() -> None:
    async def snapshot(app: FastAPI) -> list[Any]:
        async with client_for(app) as api:
            return [(await api.get(p, params={"limit": 50})).json()
                    for p in ("/v1/resource", "/v1/project", "/v1/client", "/v1/timeentry")]

    assert await snapshot(make_app(seed=3)) == await snapshot(make_app(seed=3))
    assert await snapshot(make_app(seed=3)) != await snapshot(make_app(seed=4))


async def test_options_keys_and_empty_timeentry_list() -> None:
    app = make_app(read_write_key="rw-key", read_only_key="ro-key", empty_timeentry_list=True)
    async with client_for(app, "rw-key") as api:
        assert (await api.get("/v1/timeentry")).json() == []
        assert (await api.post("/v1/timeentry/search", json={})).json()
    async with client_for(app, DEMO_READ_WRITE_KEY) as api:
        assert (await api.get("/v1/client")).status_code == 401


def test_demo_source() -> None:
    assert demo_source("http://127.0.0.1:8001/") == {
        "name": "hubplanner-demo",
        "vendor": "hubplanner",
        "base_url": "http://127.0.0.1:8001/v1",
        "api_key": DEMO_READ_WRITE_KEY,
    }
    assert DEMO_READ_ONLY_KEY != DEMO_READ_WRITE_KEY

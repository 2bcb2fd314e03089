"""The Hustle v3 simulator: tokens, lockout, pagination, filters, limits, writes, errors, spec."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import orjson
import pytest
from fastapi import FastAPI
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from gateway.simulators.hustle import create_app, demo_source
from gateway.simulators.kit import ManualClock, SimulatorConfig

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared/vendors/specs/hustle-v3.openapi.json"
SPEC_URI = "urn:hustle-v3"
ROOT = "http://sim"
CREDS = demo_source(ROOT)
GOOD = {
    "grant_type": "client_credentials",
    "client_id": CREDS["client_id"],
    "client_secret": CREDS["client_secret"],
}
WRONG = {**GOOD, "client_secret": "not-the-secret"}
ERROR_KEYS = {"code", "message", "hustleErrorCode"}

Client = httpx.AsyncClient


def make_app(clock: ManualClock, **options: object) -> FastAPI:
    config = SimulatorConfig(seed=3, today=date(2026, 1, 15), clock=clock, options=options)
    return create_app(config)


def client_for(app: FastAPI, ip: str = "10.0.0.1") -> Client:
    transport = httpx.ASGITransport(app=app, client=(ip, 4321))
    return httpx.AsyncClient(transport=transport, base_url=ROOT)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def client(clock: ManualClock) -> AsyncIterator[Client]:
    async with client_for(make_app(clock)) as c:
        yield c


async def token(client: Client) -> dict[str, str]:
    response = await client.post("/v3/oauth/token", json=GOOD)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def get(client: Client, path: str, **params: Any) -> httpx.Response:
    return await client.get(path, params=params, headers=await token(client))


async def stats(client: Client) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get("/_simulator/stats")).json()
    return body


def assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["code"] == status and isinstance(body["message"], str)
    assert set(body) <= ERROR_KEYS
    return body


# --- the published spec ---------------------------------------------------------------


@pytest.fixture(scope="module")
def spec_validator() -> Callable[[str, str, int, object], None]:
    if not SPEC_PATH.exists():
        pytest.skip(f"vendor spec not found at {SPEC_PATH}")
    spec = json.loads(SPEC_PATH.read_text())
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT202012.create_resource(spec))

    def validate(path: str, method: str, status: int, body: object) -> None:
        pointer = "/".join(p.replace("~", "~0").replace("/", "~1") for p in (
            "paths", path, method, "responses", str(status), "content", "application/json",
            "schema"))
        schema = {"$ref": f"{SPEC_URI}#/{pointer}"}
        jsonschema.Draft202012Validator(schema, registry=registry).validate(body)

    return validate


async def test_responses_match_the_spec(client: Client, spec_validator: Any) -> None:
    response = await client.post("/v3/oauth/token", json=GOOD)
    spec_validator("/oauth/token", "post", 200, response.json())
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    for path in ("/organizations", "/groups", "/agents"):
        page = (await client.get(f"/v3{path}", headers=headers, params={"limit": 1000})).json()
        assert page["items"]
        spec_validator(path, "get", 200, page)
        for status, params in ((400, {"limit": 0}), (401, None)):
            sent = headers if params else {"Authorization": "Bearer nope"}
            error = await client.get(f"/v3{path}", headers=sent, params=params)
            spec_validator(path, "get", status, error.json())
    group_id = page["items"][0]["groupId"]
    new = {"name": "Ana", "fullName": "Ana Silva", "email": "ana@example.org", "groupId": group_id}
    created = await client.post("/v3/agents", headers=headers, json=new)
    spec_validator("/agents", "post", 200, created.json())
    duplicate = await client.post("/v3/agents", headers=headers, json=new)
    spec_validator("/agents", "post", 422, assert_error(duplicate, 422))
    update = {"name": "Ana S.", "fullName": "Ana Silva"}
    updated = await client.put(f"/v3/agents/{created.json()['id']}", headers=headers, json=update)
    spec_validator("/agents/{id}", "put", 200, updated.json())
    missing = await client.put("/v3/agents/nope", headers=headers, json=update)
    spec_validator("/agents/{id}", "put", 404, missing.json())


# --- tokens -----------------------------------------------------------------------------


async def test_token_is_a_signed_jwt_valid_two_hours(client: Client) -> None:
    body = (await client.post("/v3/oauth/token", json=GOOD)).json()
    assert body["expires_in"] == 7200 and body["token_type"] == "Bearer"
    assert body["scope"] == "read:account write:account"
    header, claims, signature = body["access_token"].split(".")
    assert orjson.loads(base64.urlsafe_b64decode(header + "==")) == {"alg": "HS256", "typ": "JWT"}
    assert orjson.loads(base64.urlsafe_b64decode(claims + "=="))["sub"] == GOOD["client_id"]
    assert signature


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param(WRONG, 401, id="wrong-secret"),
        pytest.param({**GOOD, "client_id": "someone@else.org"}, 401, id="unknown-client"),
        pytest.param({**GOOD, "grant_type": "password"}, 400, id="wrong-grant"),
        pytest.param({k: v for k, v in GOOD.items() if k != "client_secret"}, 400, id="missing"),
        pytest.param({**GOOD, "scope": "all"}, 400, id="extra-key"),
        pytest.param([GOOD], 400, id="not-an-object"),
    ],
)
async def test_token_failures(client: Client, body: object, status: int) -> None:
    assert_error(await client.post("/v3/oauth/token", json=body), status)


async def test_token_request_must_be_json(client: Client) -> None:
    assert_error(await client.post("/v3/oauth/token", data=GOOD), 400)


async def test_token_ttl_option_and_expiry(clock: ManualClock) -> None:
    async with client_for(make_app(clock, token_ttl=60)) as client:
        response = await client.post("/v3/oauth/token", json=GOOD)
        assert response.json()["expires_in"] == 60
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        clock.advance(59)
        assert (await client.get("/v3/organizations", headers=headers)).status_code == 200
        clock.advance(1)
        body = assert_error(await client.get("/v3/organizations", headers=headers), 401)
        assert "expired" in body["message"]


def _tamper(token: str) -> str:
    header, claims, signature = token.split(".")
    payload = orjson.loads(base64.urlsafe_b64decode(claims + "=="))
    payload["exp"] += 3600
    forged = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


@pytest.mark.parametrize(
    "make_header",
    [
        pytest.param(lambda t: None, id="missing"),
        pytest.param(lambda t: f"Basic {t}", id="wrong-scheme"),
        pytest.param(lambda t: "Bearer ", id="empty"),
        pytest.param(lambda t: "Bearer not.a.jwt", id="garbage"),
        pytest.param(lambda t: f"Bearer {t[:-2]}xx", id="bad-signature"),
        pytest.param(lambda t: f"Bearer {_tamper(t)}", id="edited-claims"),
    ],
)
async def test_bad_bearer_tokens_are_401(
    client: Client, make_header: Callable[[str], str | None]
) -> None:
    good = (await token(client))["Authorization"].removeprefix("Bearer ")
    value = make_header(good)
    headers = {} if value is None else {"Authorization": value}
    assert_error(await client.get("/v3/agents", headers=headers), 401)


async def test_token_from_another_simulator_is_forged(clock: ManualClock) -> None:
    async with client_for(make_app(clock)) as one, client_for(make_app(clock)) as two:
        assert_error(await two.get("/v3/agents", headers=await token(one)), 401)


# --- lockout ----------------------------------------------------------------------------


async def _fail(client: Client, times: int, body: dict[str, object] = WRONG) -> list[int]:
    return [(await client.post("/v3/oauth/token", json=body)).status_code for _ in range(times)]


async def test_ten_failures_block_the_caller_for_lockout_seconds(clock: ManualClock) -> None:
    async with client_for(make_app(clock, lockout_seconds=300)) as client:
        assert await _fail(client, 10) == [401] * 10
        blocked = await client.post("/v3/oauth/token", json=GOOD)
        assert "Too many failed attempts" in assert_error(blocked, 401)["message"]
        clock.advance(299)
        assert_error(await client.post("/v3/oauth/token", json=GOOD), 401)
        clock.advance(1)
        await token(client)
        assert (await stats(client))["requests"]["POST /v3/oauth/token"] == 13


async def test_lockout_is_per_ip_and_account_and_cleared_by_success(clock: ManualClock) -> None:
    app = make_app(clock)
    async with client_for(app) as client, client_for(app, ip="10.0.0.2") as other:
        wrong_account = {**WRONG, "client_id": "intruder@example.org"}
        assert await _fail(client, 10, wrong_account) == [401] * 10
        await token(client)  # the real account from the same ip is not blocked
        await token(other)
        assert await _fail(other, 9) == [401] * 9
        await token(other)  # a success clears the count
        assert await _fail(other, 9) == [401] * 9
        await token(other)


async def test_hundred_failures_in_a_day_block_the_ip_for_a_day(clock: ManualClock) -> None:
    app = make_app(clock, lockout_seconds=60)
    async with client_for(app) as client, client_for(app, ip="10.0.0.2") as other:
        # 10 failures earn the short block; the 90 refused during it still count.
        assert await _fail(client, 100) == [401] * 100
        clock.advance(61)
        assert_error(await client.post("/v3/oauth/token", json=GOOD), 401)
        await token(other)
        clock.advance(24 * 3600)
        await token(client)


async def test_reset_lifts_blocks_and_revokes_tokens(client: Client) -> None:
    headers = await token(client)
    await _fail(client, 10)
    await client.post("/_simulator/reset")
    await token(client)
    assert_error(await client.get("/v3/agents", headers=headers), 401)


# --- pagination -------------------------------------------------------------------------


async def test_agents_page_through_three_pages(client: Client) -> None:
    headers, cursor = await token(client), None
    pages: list[dict[str, Any]] = []
    while True:
        params: dict[str, str] = {"cursor": cursor} if cursor else {}
        page = (await client.get("/v3/agents", headers=headers, params=params)).json()
        pages.append(page)
        cursor = page["cursor"]
        if not page["hasMore"]:
            break
    assert [len(p["items"]) for p in pages] == [100, 100, 50]
    assert [p["hasMore"] for p in pages] == [True, True, False]
    assert pages[-1]["cursor"] is None
    assert len({a["id"] for p in pages for a in p["items"]}) == 250
    assert (await stats(client))["requests"]["GET /v3/agents"] == 3


@pytest.mark.parametrize(
    ("cursor", "count", "has_more", "next_cursor"),
    [
        pytest.param("WzEsMV0", 1, True, "WzIsMV0", id="vendor-example"),
        pytest.param("WzI0OSwxXQ", 1, False, None, id="last-item"),
        pytest.param("WzI1MCwxXQ", 0, False, None, id="past-the-end"),
    ],
)
async def test_cursor_positions(
    client: Client, cursor: str, count: int, has_more: bool, next_cursor: str | None
) -> None:
    page = (await get(client, "/v3/agents", limit=1, cursor=cursor)).json()
    assert (len(page["items"]), page["hasMore"], page["cursor"]) == (count, has_more, next_cursor)


async def test_last_page_cursor_option_follows_the_vendor_example(clock: ManualClock) -> None:
    async with client_for(make_app(clock, last_page_cursor=True)) as client:
        last = (await get(client, "/v3/organizations", limit=3)).json()
        assert (len(last["items"]), last["hasMore"]) == (3, False)
        after = (await get(client, "/v3/organizations", cursor=last["cursor"])).json()
        assert after == {"items": [], "cursor": None, "hasMore": False}


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({"limit": 1001}, id="limit-over-max"),
        pytest.param({"limit": 0}, id="limit-zero"),
        pytest.param({"limit": "ten"}, id="limit-not-a-number"),
        pytest.param({"limit": 2.5}, id="limit-fraction"),
        pytest.param({"cursor": "zz"}, id="cursor-garbage"),
        pytest.param({"cursor": "!!!"}, id="cursor-not-base64"),
        pytest.param({"cursor": "WzFd"}, id="cursor-one-element"),
        pytest.param({"cursor": "Wy0xLDFd"}, id="cursor-negative"),
        pytest.param({"cursor": "WzEsMl0"}, id="cursor-other-version"),
        pytest.param({"cursor": "eyJhIjoxfQ"}, id="cursor-object"),
        pytest.param({"active": "maybe"}, id="active-not-boolean"),
    ],
)
async def test_bad_list_parameters_are_400(client: Client, params: dict[str, object]) -> None:
    assert_error(await get(client, "/v3/groups", **params), 400)


async def test_limit_1000_returns_everything(client: Client) -> None:
    page = (await get(client, "/v3/agents", limit=1000)).json()
    assert (len(page["items"]), page["cursor"], page["hasMore"]) == (250, None, False)


# --- filters and single resources -------------------------------------------------------


async def test_filters(client: Client) -> None:
    orgs = (await get(client, "/v3/organizations")).json()["items"]
    groups = (await get(client, "/v3/groups")).json()["items"]
    assert (len(orgs), len(groups)) == (3, 10)
    org_id = orgs[1]["id"]
    in_org = (await get(client, "/v3/groups", organizationId=org_id)).json()["items"]
    assert in_org and {g["organizationId"] for g in in_org} == {org_id}
    inactive = (await get(client, "/v3/groups", active="false")).json()["items"]
    active = (await get(client, "/v3/groups", active="true")).json()["items"]
    assert len(inactive) == 2 and not any(g["active"] for g in inactive)
    assert len(active) + len(inactive) == 10
    group_id = groups[0]["id"]
    agents = (await get(client, "/v3/agents", groupId=group_id, limit=1000)).json()["items"]
    assert agents and {a["groupId"] for a in agents} == {group_id}
    one = (await get(client, "/v3/agents", id=agents[0]["id"])).json()
    assert one == {"items": [agents[0]], "cursor": None, "hasMore": False}
    nothing = (await get(client, "/v3/agents", groupId="nope")).json()
    assert nothing == {"items": [], "cursor": None, "hasMore": False}


@pytest.mark.parametrize("resource", ["organizations", "groups", "agents"])
async def test_get_one(client: Client, resource: str) -> None:
    first = (await get(client, f"/v3/{resource}", limit=1)).json()["items"][0]
    assert (await get(client, f"/v3/{resource}/{first['id']}")).json() == first
    assert_error(await get(client, f"/v3/{resource}/nope"), 404)


async def test_seeded_data_variety(client: Client) -> None:
    agents = (await get(client, "/v3/agents", limit=1000)).json()["items"]
    assert any("phoneNumber" not in a for a in agents)
    assert all("email" not in a for a in agents)
    assert [a["createdAt"] for a in agents] == sorted(a["createdAt"] for a in agents)
    groups = (await get(client, "/v3/groups")).json()["items"]
    assert {g["countryCode"] for g in groups} == {"US", "CA", "PR"}


async def test_same_seed_same_data_other_seed_other_data(clock: ManualClock) -> None:
    async def agents(seed: int) -> object:
        config = SimulatorConfig(seed=seed, today=date(2026, 1, 15), clock=clock)
        async with client_for(create_app(config)) as client:
            return (await get(client, "/v3/agents", limit=1000)).json()

    assert await agents(3) == await agents(3)
    assert await agents(3) != await agents(4)


# --- rate limit -------------------------------------------------------------------------


async def test_25_per_second_then_429_no_retry_after(client: Client, clock: ManualClock) -> None:
    headers = await token(client)
    statuses = [(await client.get("/v3/groups", headers=headers)).status_code for _ in range(25)]
    assert statuses == [200] * 25
    limited = await client.get("/v3/groups", headers=headers)
    assert_error(limited, 429)
    assert "retry-after" not in limited.headers
    await token(client)  # the token endpoint is not rate limited
    clock.advance(1)
    assert (await client.get("/v3/groups", headers=headers)).status_code == 200
    assert (await stats(client))["rate_limited"] == 1


async def test_rate_limit_override(clock: ManualClock) -> None:
    config = SimulatorConfig(seed=3, clock=clock, rate_limit=(2, 10.0))
    async with client_for(create_app(config)) as client:
        headers = await token(client)
        statuses = [(await client.get("/v3/agents", headers=headers)).status_code for _ in range(3)]
        assert statuses == [200, 200, 429]


# --- writes -----------------------------------------------------------------------------


async def test_create_update_and_reset(client: Client) -> None:
    headers = await token(client)
    group = (await client.get("/v3/groups", headers=headers)).json()["items"][2]
    new = {"name": "Ana", "fullName": "Ana Silva", "email": "ana@example.org",
           "groupId": group["id"]}
    created = (await client.post("/v3/agents", headers=headers, json=new)).json()
    assert created["organizationId"] == group["organizationId"] and "email" not in created
    assert created["createdAt"] == "2026-01-15T12:00:00.000Z"
    listed = (await client.get("/v3/agents", headers=headers, params={"cursor": "WzI1MCwxXQ"}))
    assert listed.json()["items"] == [created]
    update = {"name": "Ana S.", "fullName": "Ana Sofia Silva", "sendInvite": False}
    updated = await client.put(f"/v3/agents/{created['id']}", headers=headers, json=update)
    assert updated.json() == {**created, "name": "Ana S.", "fullName": "Ana Sofia Silva"}
    await client.post("/_simulator/reset")
    headers = await token(client)
    assert_error(await client.get(f"/v3/agents/{created['id']}", headers=headers), 404)
    again = (await client.post("/v3/agents", headers=headers, json=new)).json()
    assert again["id"] == created["id"]  # reset replays the id stream too


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"name": "A", "fullName": "A B", "email": "a@b.org"}, 400, id="missing"),
        pytest.param({"name": "A", "fullName": "A B", "email": "nope", "groupId": "G"}, 400,
                     id="bad-email"),
        pytest.param({"name": "A", "fullName": "A B", "email": "a@b.org", "groupId": "G",
                      "phoneNumber": "+15550000000"}, 400, id="extra-key"),
        pytest.param({"name": "A", "fullName": "A B", "email": "a@b.org", "groupId": "nope"},
                     404, id="unknown-group"),
    ],
)
async def test_create_agent_rejects(client: Client, body: dict[str, str], status: int) -> None:
    headers = await token(client)
    assert_error(await client.post("/v3/agents", headers=headers, json=body), status)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({"name": "A"}, 400, id="missing"),
        pytest.param({"name": "A", "fullName": "B", "sendInvite": "yes"}, 400, id="bad-invite"),
        pytest.param({"name": "A", "fullName": "B", "email": "a@b.org"}, 400, id="extra-key"),
    ],
)
async def test_update_agent_rejects(client: Client, body: dict[str, str], status: int) -> None:
    agent = (await get(client, "/v3/agents", limit=1)).json()["items"][0]
    headers = await token(client)
    assert_error(await client.put(f"/v3/agents/{agent['id']}", headers=headers, json=body), status)


# --- errors and the demo account --------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        pytest.param("GET", "/v3/leads", 404, id="unknown-route"),
        pytest.param("GET", "/docs", 404, id="no-docs"),
        pytest.param("DELETE", "/v3/agents", 405, id="wrong-method"),
        pytest.param("GET", "/v3/oauth/token", 405, id="token-get"),
    ],
)
async def test_framework_errors_use_the_vendor_body(
    client: Client, method: str, path: str, status: int
) -> None:
    assert_error(await client.request(method, path), status)


async def test_405_lists_every_method_on_the_path(client: Client) -> None:
    assert (await client.delete("/v3/agents")).headers["allow"] == "GET, POST"


def test_demo_source() -> None:
    assert demo_source("http://127.0.0.1:8001/") == {
        "name": "hustle-demo",
        "vendor": "hustle",
        "base_url": "http://127.0.0.1:8001/v3",
        "client_id": GOOD["client_id"],
        "client_secret": GOOD["client_secret"],
    }

"""Over HTTP: names Harvest embeds in its entries answer the dashboard with one upstream call,
and a field they lack brings the reference call (and the right values) back."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from gateway.settings import settings_from_dict
from gateway.simulators import clockify
from gateway.simulators.harvest import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig
from tests.conftest import app_client, gql

DASHBOARD = "user { name } project { name client { name } }"
WORKSPACE = "/api/v1/workspaces/65f1c0de4b7a2e3d9c8b1a01"
FULL = "user { name email } project { name code client { name currency } }"


class Counting(httpx.ASGITransport):
    """The simulator, recording the path of every upstream request."""

    def __init__(self, app: Any) -> None:
        super().__init__(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await super().handle_async_request(request)


@pytest.fixture(scope="module")
def simulator() -> Any:
    return create_app(SimulatorConfig(seed=3, today=date(2026, 3, 16)))


async def nodes(
    simulator: Any, fields: str, source: Any = demo_source, args: str = "first: 50"
) -> tuple[list[dict[str, Any]], list[str]]:
    """A cold gateway's entries with ``fields``, and the upstream paths it called."""
    transport = Counting(simulator)
    config = source("http://h")
    settings = settings_from_dict({"sources": [config]}, environ={})
    async with app_client(settings, {config["name"]: transport}) as client:
        body = await gql(client, f"{{ timeEntries({args}) {{ nodes {{ id {fields} }} }} }}")
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["timeEntries"]["nodes"]
    return found, transport.paths


def names(found: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(user, project, client) names; None where the entry or its project has none."""
    return [
        (name(n["user"]), name(n["project"]), name((n["project"] or {}).get("client")))
        for n in found
    ]


def name(ref: dict[str, Any] | None) -> str | None:
    return None if ref is None else str(ref["name"])


async def test_the_dashboard_reads_embedded_names_with_one_call(simulator: Any) -> None:
    dashboard, paths = await nodes(simulator, DASHBOARD)
    full, full_paths = await nodes(simulator, FULL)
    assert set(paths) == {"/v2/time_entries"}  # the listing's own pages, no reference call
    assert {"/v2/users", "/v2/projects", "/v2/clients"} <= set(full_paths)
    assert len(dashboard) == 50 and names(dashboard) == names(full)


async def test_an_email_brings_the_users_call_back(simulator: Any) -> None:
    with_email, paths = await nodes(simulator, "user { name email } project { name }")
    full, _ = await nodes(simulator, FULL)
    assert set(paths) == {"/v2/time_entries", "/v2/users"}
    assert [n["user"] for n in with_email] == [n["user"] for n in full]
    assert all(n["user"]["email"] for n in with_email)


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param("b: user { email } a: user { name }", id="aliases"),
        pytest.param("...on TimeEntry { b: user { email } } a: user { name }", id="a-fragment"),
    ],
)
async def test_a_reference_selected_twice_is_answered_for_both_selections(
    simulator: Any, fields: str
) -> None:
    # The embedded user covers ``name`` but not ``email``: judged by one selection alone, the
    # partial user would answer the other's email with null.
    twice, paths = await nodes(simulator, fields)
    once, _ = await nodes(simulator, "user { name email }")
    assert "/v2/users" in paths
    assert [(n["a"]["name"], n["b"]["email"]) for n in twice] == [
        (n["user"]["name"], n["user"]["email"]) for n in once
    ]
    assert all(n["b"]["email"] for n in twice)


async def test_a_field_left_out_by_skip_or_include_costs_no_call(simulator: Any) -> None:
    left_out, paths = await nodes(simulator, "user { name email @include(if: false) }")
    kept, kept_paths = await nodes(simulator, "user { name email @skip(if: false) }")
    assert set(paths) == {"/v2/time_entries"}  # the embedded names answer what is left
    assert "/v2/users" in kept_paths and all(n["user"]["email"] for n in kept)
    assert [n["user"] for n in left_out] == [{"name": n["user"]["name"]} for n in kept]


async def test_clockify_report_rows_answer_the_dashboard_without_projects_or_clients() -> None:
    app = clockify.create_app(SimulatorConfig(seed=3, today=date(2026, 3, 16)))
    args = 'first: 50, from: "2026-03-01", to: "2026-03-10"'
    dashboard, paths = await nodes(app, DASHBOARD, clockify.demo_source, args)
    full, full_paths = await nodes(app, FULL, clockify.demo_source, args)
    called = {p.rsplit("/", 1)[-1] for p in paths}
    assert not called & {"projects", "clients"} and {"projects", "clients"} <= {
        p.rsplit("/", 1)[-1] for p in full_paths
    }
    assert f"{WORKSPACE}/users" not in paths  # rows name users; one window needs no count
    assert len(dashboard) == 50 and names(dashboard) == names(full)

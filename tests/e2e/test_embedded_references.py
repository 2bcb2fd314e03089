"""Over HTTP: names Harvest embeds in its entries answer the dashboard with one upstream call,
and a field they lack brings the reference call (and the right values) back."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from gateway.settings import settings_from_dict
from gateway.simulators.harvest import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig
from tests.conftest import app_client, gql

DASHBOARD = "user { name } project { name client { name } }"
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


async def nodes(simulator: Any, fields: str) -> tuple[list[dict[str, Any]], list[str]]:
    """A cold gateway's first 50 entries with ``fields``, and the upstream paths it called."""
    transport = Counting(simulator)
    settings = settings_from_dict({"sources": [demo_source("http://h")]}, environ={})
    async with app_client(settings, {"harvest-demo": transport}) as client:
        body = await gql(client, f"{{ timeEntries(first: 50) {{ nodes {{ id {fields} }} }} }}")
    assert "errors" not in body, body
    found: list[dict[str, Any]] = body["data"]["timeEntries"]["nodes"]
    return found, transport.paths


def names(found: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (n["user"]["name"], n["project"]["name"], n["project"]["client"]["name"]) for n in found
    ]


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

"""Harvest's documented example entry, served by a mock built from the published spec's examples."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from gateway.settings import settings_from_dict
from tests.conftest import app_client, gql

SPEC = (
    Path(__file__).resolve().parents[3] / "shared" / "vendors" / "specs" / "harvest-v2.openapi.yaml"
)


@cache
def examples() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec = yaml.load(SPEC.read_text(), Loader=loader)
    return {
        path: spec["paths"][path]["get"]["responses"][200]["content"]["application/json"]["example"]
        for path in ("/time_entries", "/users", "/projects", "/clients", "/tasks")
    }


def spec_mock(request: httpx.Request) -> httpx.Response:
    path = request.url.path.removeprefix("/v2")
    if path in examples():
        return httpx.Response(200, json=examples()[path])
    return httpx.Response(404, json={"error": "not_found"})


@pytest.mark.skipif(not SPEC.exists(), reason="shared/vendors/specs is not beside the checkout")
async def test_documented_entry_636709355_maps_exactly() -> None:
    settings = settings_from_dict(
        {
            "sources": [
                {
                    "name": "acme",
                    "vendor": "harvest",
                    "token": "t0ken-for-tests",
                    "account_id": "123",
                    "timezone": "America/New_York",
                }
            ]
        },
        environ={},
    )
    query = """{ timeEntries(first: 10, from: "2017-03-01", to: "2017-03-31") { nodes {
        nativeId date durationSeconds hours billable start end running
        user { name } project { name client { name } } task { name } } } }"""
    async with app_client(settings, {"acme": httpx.MockTransport(spec_mock)}) as client:
        body = await gql(client, query)
    assert "errors" not in body
    entry = next(n for n in body["data"]["timeEntries"]["nodes"] if n["nativeId"] == "636709355")
    assert entry == {
        "nativeId": "636709355",
        "date": "2017-03-02",
        "durationSeconds": 7596,
        "hours": 2.11,
        "billable": True,
        # started_time 3:00pm / ended_time 5:00pm, wall clock in the account's zone (EST, UTC-5)
        "start": "2017-03-02T20:00:00+00:00",
        "end": "2017-03-02T22:00:00+00:00",
        "running": False,
        "user": {"name": "Kim Allen"},
        "project": {"name": "Marketing Website", "client": {"name": "ABC Corp"}},
        "task": {"name": "Graphic Design"},
    }

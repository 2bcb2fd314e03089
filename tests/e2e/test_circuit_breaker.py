"""A vendor down for good: its circuit opens, shows in `sources` and /readyz, and queries over
it fail fast with one error, without calling the vendor again."""

from __future__ import annotations

import time

import httpx

from gateway.settings import settings_from_dict
from tests.conftest import app_client, gql

ENTRIES = "{ timeEntries(first: 5) { nodes { id } } }"
HEALTH = """{ sources { name status health {
  circuit consecutiveFailures retryAfter lastFailureAt lastError { code message } } } }"""


def down() -> tuple[httpx.MockTransport, list[str]]:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(503, text="<html>upstream connect error at 10.0.0.7</html>")

    return httpx.MockTransport(handler), calls


async def test_an_open_circuit_shows_and_fails_fast_without_calling_the_vendor() -> None:
    settings = settings_from_dict(
        {
            "retry": {"max_attempts": 2, "backoff_base": 0.001, "backoff_cap": 0.001},
            "circuit_breaker": {"failure_threshold": 2, "cooldown": 60},
            "sources": [
                {"name": "acme", "vendor": "harvest", "token": "t0ken-for-tests", "account_id": "1"}
            ],
        },
        environ={},
    )
    transport, calls = down()
    async with app_client(settings, {"acme": transport}) as client:
        for _ in range(settings.circuit_breaker.failure_threshold):
            await gql(client, ENTRIES)
        assert len(calls) == 2 * 2  # two requests, each tried twice, then the circuit opened

        [source] = (await gql(client, HEALTH))["data"]["sources"]
        health = source["health"]
        assert source["status"] == "UNAVAILABLE" and health["circuit"] == "OPEN"
        assert health["consecutiveFailures"] == 2 and 59 <= health["retryAfter"] <= 60
        assert health["lastFailureAt"] is not None
        assert health["lastError"] == {
            "code": "UPSTREAM_UNAVAILABLE",
            "message": "source 'acme' is unavailable (HTTP 503)",
        }

        ready = await client.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "degraded"
        assert ready.json()["sources"]["acme"]["circuit"] == "open"

        started = time.monotonic()
        body = await gql(client, ENTRIES)
        elapsed = time.monotonic() - started
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["source"] == "acme"
    assert 59 <= error["extensions"]["retryAfter"] <= 60
    assert "not being called" in error["message"] and "10.0.0.7" not in str(body)
    assert elapsed < 0.5 and len(calls) == 4

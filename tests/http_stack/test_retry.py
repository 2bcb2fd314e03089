"""Retries: idempotent only, Retry-After honoured up to a cap, within the deadline."""

from __future__ import annotations

import asyncio
import contextlib
import time

import httpx
import pytest

from gateway.errors import UpstreamRateLimited, UpstreamUnavailable
from gateway.http import Upstream, deadline_scope
from tests.http_stack.helpers import FAST, upstream


def scripted(*answers: int | tuple[int, dict[str, str]]) -> tuple[httpx.MockTransport, list[str]]:
    calls: list[str] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        answer = queue.pop(0) if queue else 200
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        return httpx.Response(status, headers=headers, json={"ok": status == 200})

    return httpx.MockTransport(handler), calls


@pytest.mark.parametrize(
    ("answers", "calls"),
    [
        pytest.param((503, 502, 200), 3, id="5xx-then-ok"),
        pytest.param(((429, {"Retry-After": "0"}), 200), 2, id="429-retry-after"),
        pytest.param((429, 200), 2, id="429-without-retry-after"),
        pytest.param((404,), 1, id="404-not-retried"),
    ],
)
async def test_gets_are_retried_on_transient_statuses(answers: tuple[int, ...], calls: int) -> None:
    transport, log = scripted(*answers)
    up = upstream(transport)
    with contextlib.suppress(Exception):
        await up.get("x")
    assert len(log) == calls


async def test_posts_are_never_retried_blindly() -> None:
    transport, log = scripted(503, 200)
    with pytest.raises(UpstreamUnavailable):
        await upstream(transport).request("POST", "x", json={"a": 1})
    assert log == ["POST"]


async def test_read_only_posts_marked_idempotent_are_retried() -> None:
    transport, log = scripted(503, 200)
    await upstream(transport).request("POST", "search", json={}, idempotent=True)
    assert log == ["POST", "POST"]


async def test_a_retry_after_past_the_cap_fails_fast_with_retry_after() -> None:
    transport, log = scripted((429, {"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(UpstreamRateLimited) as raised:
        await upstream(transport).get("x")
    assert time.monotonic() - started < 1 and log == ["GET"]
    assert raised.value.retry_after == 3600


async def test_retries_stop_at_the_deadline() -> None:
    transport, log = scripted((503, {"Retry-After": "5"}), 200)
    started = time.monotonic()
    with deadline_scope(1.0), pytest.raises(UpstreamUnavailable):
        await upstream(transport).get("x")
    assert time.monotonic() - started < 1 and log == ["GET"]


async def test_attempts_are_bounded() -> None:
    transport, log = scripted(*([500] * 10))
    with pytest.raises(UpstreamUnavailable):
        await upstream(transport).get("x")
    assert len(log) == FAST.max_attempts


def failing(how: str) -> tuple[httpx.MockTransport, list[str]]:
    """A vendor that keeps failing: ``503``, ``timeout`` (hangs past the source timeout) or
    ``connect`` (connection refused)."""
    calls: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if how == "connect":
            raise httpx.ConnectError("refused", request=request)
        if how == "timeout":
            await asyncio.sleep(60)
        return httpx.Response(503)

    return httpx.MockTransport(handler), calls


def short_timeout(transport: httpx.MockTransport) -> Upstream:
    return upstream(transport, timeout=0.05)


@pytest.mark.parametrize("how", ["503", "timeout", "connect"])
@pytest.mark.parametrize(
    ("method", "calls"),
    [pytest.param("POST", 1, id="post-never"), pytest.param("GET", FAST.max_attempts, id="get")],
)
async def test_only_idempotent_requests_are_retried_within_the_deadline(
    how: str, method: str, calls: int
) -> None:
    transport, log = failing(how)
    started = time.monotonic()
    with deadline_scope(2.0), pytest.raises(UpstreamUnavailable):
        await short_timeout(transport).request(method, "x", json={})
    assert log == [method] * calls
    assert time.monotonic() - started < 2.0

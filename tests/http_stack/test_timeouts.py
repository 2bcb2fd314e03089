"""The deadline is hard: a vendor (or a token refresh) that hangs cannot hold a request past it."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from gateway.errors import UpstreamUnavailable
from gateway.http import BearerTokenAuth, CircuitBreaker, Upstream, deadline_scope
from gateway.http.upstream import GUARD_GRACE
from tests.http_stack.helpers import upstream

DEADLINE = 0.4
EPSILON = 0.3  # scheduling noise on a busy 2-core machine


async def hanging_handler(request: httpx.Request) -> httpx.Response:
    await asyncio.sleep(60)
    return httpx.Response(200)


async def hanging_app(scope: Scope, receive: Receive, send: Send) -> None:
    await asyncio.sleep(60)


class HangingTokens:
    async def token(self) -> str:
        await asyncio.sleep(60)
        return "never"

    async def rejected(self, token: str) -> None:
        return None


async def timed_get(up: Upstream, deadline: float | None = DEADLINE) -> tuple[float, str]:
    started = time.monotonic()
    with deadline_scope(deadline), pytest.raises(UpstreamUnavailable) as raised:
        await up.get("x")
    return time.monotonic() - started, raised.value.message


@pytest.mark.parametrize(
    "transport",
    [
        pytest.param(httpx.MockTransport(hanging_handler), id="mock-transport"),
        pytest.param(httpx.ASGITransport(app=hanging_app), id="asgi-app"),
    ],
)
async def test_a_hanging_vendor_ends_at_the_deadline(transport: httpx.AsyncBaseTransport) -> None:
    elapsed, message = await timed_get(upstream(transport))
    assert DEADLINE <= elapsed + 0.01 < DEADLINE + EPSILON
    assert message == "source 'src' did not answer in time"


async def test_a_hanging_token_refresh_ends_at_the_deadline() -> None:
    up = upstream(httpx.MockTransport(hanging_handler), auth=BearerTokenAuth(HangingTokens()))
    elapsed, message = await timed_get(up)
    assert elapsed < DEADLINE + GUARD_GRACE + EPSILON
    assert message == "source 'src' did not answer in time"


@pytest.mark.parametrize(
    ("source_timeout", "deadline", "counted"),
    [
        pytest.param(0.1, None, True, id="the-source-timeout-ran-out"),
        pytest.param(20.0, DEADLINE, False, id="our-deadline-cut-it-short"),
    ],
)
async def test_only_a_fair_wait_counts_against_the_breaker(
    source_timeout: float, deadline: float | None, counted: bool
) -> None:
    """A request that reached the deadline after a long query tells nothing about the vendor."""
    breaker = CircuitBreaker("src")
    up = upstream(httpx.MockTransport(hanging_handler), timeout=source_timeout, breaker=breaker)
    await timed_get(up, deadline)
    assert breaker.snapshot().consecutive_failures == (1 if counted else 0)


async def test_a_cut_short_retry_counts_when_the_vendor_already_failed_it() -> None:
    answers = iter([httpx.Response(503)])

    async def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers, None)
        return answer if answer is not None else await hanging_handler(request)

    breaker = CircuitBreaker("src")
    await timed_get(upstream(httpx.MockTransport(handler), breaker=breaker))
    assert breaker.snapshot().consecutive_failures == 1

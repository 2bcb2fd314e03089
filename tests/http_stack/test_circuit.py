"""The breaker in the client stack: one verdict per request after retries, fail fast when open."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from gateway.errors import UpstreamError, UpstreamUnavailable
from gateway.http import (
    BreakerPolicy,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    RetryPolicy,
    Upstream,
)
from tests.http_stack.helpers import FAST, upstream

NO_RETRY = RetryPolicy(max_attempts=1)
POLICY = BreakerPolicy(failure_threshold=3, cooldown=30.0, max_cooldown=300.0)
Answer = Callable[[httpx.Request], httpx.Response]


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


class Vendor:
    """A MockTransport that counts calls; ``answer`` decides each one."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.calls = 0
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return self.answer(request)


def status(code: int) -> Answer:
    return lambda request: httpx.Response(code, json={})


def stack(
    transport: httpx.AsyncBaseTransport, retry: RetryPolicy = NO_RETRY
) -> tuple[Upstream, CircuitBreaker, Clock]:
    clock = Clock()
    breaker = CircuitBreaker("src", POLICY, clock=clock)
    return upstream(transport, retry=retry, timeout=1.0, breaker=breaker), breaker, clock


async def attempt(up: Upstream, path: str = "x") -> UpstreamError | None:
    try:
        await up.get(path)
    except UpstreamError as exc:
        return exc
    return None


async def trip(up: Upstream) -> None:
    for _ in range(POLICY.failure_threshold):
        await attempt(up)


def refused() -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    return answer


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(status(503), id="503"),
        pytest.param(status(500), id="500"),
        pytest.param(refused(), id="connection-refused"),
    ],
)
async def test_opens_after_n_failures_then_fails_fast_without_calling(answer: Answer) -> None:
    vendor = Vendor(answer)
    up, breaker, _ = stack(vendor.transport)
    await trip(up)
    assert breaker.state is CircuitState.OPEN and vendor.calls == 3
    error = await attempt(up)
    assert isinstance(error, CircuitOpenError) and isinstance(error, UpstreamUnavailable)
    assert error.retry_after == 30.0 and "not being called" in error.message
    assert vendor.calls == 3


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 422, 429])
async def test_client_auth_and_rate_limit_errors_do_not_trip_it(code: int) -> None:
    vendor = Vendor(status(code))
    up, breaker, _ = stack(vendor.transport)
    for _ in range(POLICY.failure_threshold + 2):
        assert await attempt(up) is not None
    assert breaker.state is CircuitState.CLOSED and vendor.calls == 5
    assert breaker.snapshot().consecutive_failures == 0


async def test_a_request_counts_once_after_its_retries() -> None:
    vendor = Vendor(status(503))
    up, breaker, _ = stack(vendor.transport, FAST)
    await attempt(up)
    assert vendor.calls == FAST.max_attempts
    assert breaker.snapshot().consecutive_failures == 1


async def test_half_open_lets_exactly_one_probe_through() -> None:
    release, failing = asyncio.Event(), True

    async def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if failing:
            return httpx.Response(503)
        await release.wait()
        return httpx.Response(200, json={})

    calls: list[str] = []
    up, breaker, clock = stack(httpx.MockTransport(handler))
    await trip(up)
    failing, clock.now = False, clock.now + POLICY.cooldown
    probe = asyncio.create_task(up.get("probe"))
    await asyncio.sleep(0.01)
    others = [await attempt(up, f"other{i}") for i in range(3)]
    assert all(isinstance(e, CircuitOpenError) for e in others)
    assert breaker.snapshot().state is CircuitState.HALF_OPEN
    release.set()
    await probe
    assert breaker.snapshot().state is CircuitState.CLOSED
    assert await attempt(up, "after") is None
    assert calls == ["/x"] * 3 + ["/probe", "/after"]


async def test_a_failed_probe_reopens_with_a_longer_cooldown() -> None:
    vendor = Vendor(status(503))
    up, breaker, clock = stack(vendor.transport)
    await trip(up)
    clock.now += POLICY.cooldown
    await attempt(up)  # the probe: 503 again
    assert vendor.calls == 4 and breaker.state is CircuitState.OPEN
    assert breaker.snapshot().retry_after == 2 * POLICY.cooldown
    error = await attempt(up)
    assert error is not None and error.retry_after == 60.0 and vendor.calls == 4

"""Build one source's ``httpx.AsyncClient`` with the layered transport stack."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

from gateway.http.coalesce import CoalescingTransport
from gateway.http.deadline import remaining
from gateway.http.limiter import RateLimiter
from gateway.http.pacing import RateLimitTransport, ResponseObserver
from gateway.http.retry import RetryPolicy, RetryTransport

# Vendors drop requests that run longer than 30 s (Hubstaff answers blank): never wait longer.
VENDOR_REQUEST_CAP = 30.0


@dataclass(frozen=True, slots=True)
class ClientOptions:
    base_url: str
    user_agent: str
    timeout: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limited_statuses: frozenset[int] = frozenset({429})
    observe: ResponseObserver | None = None
    max_connections: int = 50


class _DeadlineTimeouts(httpx.AsyncBaseTransport):
    """Clip each attempt's timeouts to what is left of the request's deadline."""

    def __init__(self, inner: httpx.AsyncBaseTransport, timeout: float) -> None:
        self._inner = inner
        self._timeout = min(timeout, VENDOR_REQUEST_CAP)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        left = remaining()
        budget = self._timeout if left is None else max(0.001, min(self._timeout, left))
        request.extensions["timeout"] = {
            "connect": budget,
            "read": budget,
            "write": budget,
            "pool": budget,
        }
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def build_client(
    options: ClientOptions,
    *,
    limiter: RateLimiter,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    rng: random.Random | None = None,
) -> httpx.AsyncClient:
    """``transport`` replaces the network (a simulator's ``ASGITransport``, a ``MockTransport``)."""
    network = transport or httpx.AsyncHTTPTransport(
        limits=httpx.Limits(
            max_connections=options.max_connections,
            max_keepalive_connections=options.max_connections,
        )
    )
    stack: httpx.AsyncBaseTransport = _DeadlineTimeouts(network, options.timeout)
    stack = RateLimitTransport(
        stack, limiter, rate_limited_statuses=options.rate_limited_statuses, observe=options.observe
    )
    stack = RetryTransport(stack, options.retry, rng=rng)
    stack = CoalescingTransport(stack)
    return httpx.AsyncClient(
        base_url=options.base_url,
        auth=auth,
        transport=stack,
        headers={"User-Agent": options.user_agent, "Accept": "application/json"},
        follow_redirects=False,
    )

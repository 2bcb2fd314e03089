"""Build one source's ``httpx.AsyncClient`` with the layered transport stack."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

import httpx

from gateway.http.breaker import CircuitBreaker
from gateway.http.circuit import BreakerTransport
from gateway.http.coalesce import CoalescingTransport
from gateway.http.limiter import RateLimiter
from gateway.http.network import default_network
from gateway.http.pacing import RateLimitTransport, ResponseObserver
from gateway.http.retry import RetryPolicy, RetryTransport
from gateway.http.timeouts import DeadlineTimeouts


@dataclass(frozen=True, slots=True)
class ClientOptions:
    base_url: str
    user_agent: str
    timeout: float = 20.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limited_statuses: frozenset[int] = frozenset({429})
    observe: ResponseObserver | None = None
    max_connections: int = 50


def build_client(
    options: ClientOptions,
    *,
    limiter: RateLimiter,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    breaker: CircuitBreaker | None = None,
    rng: random.Random | None = None,
) -> httpx.AsyncClient:
    """``transport`` replaces the network (a simulator's ``ASGITransport``, a ``MockTransport``);
    ``breaker`` is the source's circuit breaker (shared by every client of the source)."""
    network = transport or default_network(options.max_connections)
    stack: httpx.AsyncBaseTransport = DeadlineTimeouts(network, options.timeout)
    stack = RateLimitTransport(
        stack, limiter, rate_limited_statuses=options.rate_limited_statuses, observe=options.observe
    )
    stack = RetryTransport(stack, options.retry, rng=rng)
    if breaker is not None:
        stack = BreakerTransport(stack, breaker)
    stack = CoalescingTransport(stack)
    return httpx.AsyncClient(
        base_url=options.base_url,
        auth=auth,
        transport=stack,
        headers={"User-Agent": options.user_agent, "Accept": "application/json"},
        follow_redirects=False,
    )

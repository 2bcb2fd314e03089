"""The stack under test: ``build_client`` over a given network, wrapped in an ``Upstream``."""

from __future__ import annotations

import random

import httpx

from gateway.http import (
    CircuitBreaker,
    ClientOptions,
    RetryPolicy,
    SlidingWindowLimiter,
    Upstream,
    build_client,
)

# Retries with backoffs of milliseconds, so a test waits for nothing but what it measures.
FAST = RetryPolicy(backoff_base=0.001, backoff_cap=0.01)


def upstream(
    transport: httpx.AsyncBaseTransport,
    *,
    retry: RetryPolicy = FAST,
    timeout: float = 20.0,
    auth: httpx.Auth | None = None,
    breaker: CircuitBreaker | None = None,
) -> Upstream:
    """Source ``src`` at ``http://vendor/`` with a limiter that never waits."""
    client = build_client(
        ClientOptions(base_url="http://vendor/", user_agent="t", retry=retry, timeout=timeout),
        limiter=SlidingWindowLimiter(1000, 1.0),
        auth=auth,
        transport=transport,
        breaker=breaker,
        rng=random.Random(1),
    )
    return Upstream("src", client)

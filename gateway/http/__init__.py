"""The per-source upstream HTTP stack.

One ``httpx.AsyncClient`` per source, built by :func:`build_client`, layered as transports
(outermost first)::

    auth (httpx.Auth: static headers, or a token provider refreshing on 401)
      -> CoalescingTransport   identical in-flight GETs share one upstream call
      -> BreakerTransport      the source's circuit breaker: judges each request after its
                               retries; while open, fails fast without calling the vendor
      -> RetryTransport        idempotent requests, backoff + jitter, Retry-After, deadline
      -> RateLimitTransport    paces *before* sending; learns from 429 / Retry-After
      -> DeadlineTimeouts      each attempt bounded by the source's timeout and the deadline
      -> the network (or a simulator through ASGITransport, or a MockTransport in tests)

:class:`Upstream` sits on top: it turns statuses and transport failures into the error tree of
``gateway.errors`` and decodes JSON with orjson.
"""

from gateway.http.auth import BearerTokenAuth, HeaderAuth, TokenProvider
from gateway.http.breaker import (
    BreakerPolicy,
    BreakerSnapshot,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    Health,
)
from gateway.http.client import ClientOptions, build_client
from gateway.http.deadline import deadline_scope, remaining
from gateway.http.limiter import RateLimiter, SlidingWindowLimiter
from gateway.http.retry import RetryPolicy
from gateway.http.upstream import SafeReason, StatusTable, Upstream, UpstreamResponse

__all__ = [
    "BearerTokenAuth",
    "BreakerPolicy",
    "BreakerSnapshot",
    "CircuitBreaker",
    "CircuitOpenError",
    "CircuitState",
    "ClientOptions",
    "HeaderAuth",
    "Health",
    "RateLimiter",
    "RetryPolicy",
    "SafeReason",
    "SlidingWindowLimiter",
    "StatusTable",
    "TokenProvider",
    "Upstream",
    "UpstreamResponse",
    "build_client",
    "deadline_scope",
    "remaining",
]

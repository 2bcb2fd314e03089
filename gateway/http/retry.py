"""Retries as a transport layer: idempotent requests only, backoff with jitter, Retry-After.

A request is retried when it is idempotent (GET/HEAD/OPTIONS/PUT/DELETE, or marked with
``extensions={"idempotent": True}`` for read-only POSTs such as search endpoints), failed with a
transport error or a retryable status, and both the attempt budget and the request's deadline
allow another try. A ``Retry-After`` longer than ``max_retry_after`` (or than the deadline) is
not waited out: the response goes back to the caller, which reports it as rate limited with
``retryAfter`` (fail fast rather than hang; airbyte-cdk does the same).
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

from gateway.http.deadline import remaining

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 4
    # Waiting out a 429 that says when to come back is pacing, not failing: those retries have
    # their own, larger budget (the deadline bounds them anyway).
    max_rate_limited_retries: int = 8
    backoff_base: float = 0.2
    backoff_cap: float = 5.0
    max_retry_after: float = 20.0
    retry_statuses: frozenset[int] = field(
        default_factory=lambda: frozenset({408, 429, 500, 502, 503, 504})
    )

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2**attempt)]."""
        return rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))


def is_idempotent(request: httpx.Request) -> bool:
    marked = request.extensions.get("idempotent")
    return bool(marked) if marked is not None else request.method in IDEMPOTENT_METHODS


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class RetryTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self._inner = inner
        self._policy = policy
        self._rng = rng or random.Random()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        retryable = is_idempotent(request)
        failures = paced = 0
        while True:
            try:
                response = await self._inner.handle_async_request(request)
            except httpx.TransportError:
                failures += 1
                wait = self._policy.backoff(failures, self._rng)
                if (
                    not retryable
                    or failures >= self._policy.max_attempts
                    or not _fits_deadline(wait)
                ):
                    raise
            else:
                if not retryable or response.status_code not in self._policy.retry_statuses:
                    return response
                hinted = retry_after_seconds(response)
                if response.status_code == 429 and hinted is not None:
                    paced += 1
                    exhausted = paced > self._policy.max_rate_limited_retries
                else:
                    failures += 1
                    exhausted = failures >= self._policy.max_attempts
                if exhausted or (hinted is not None and hinted > self._policy.max_retry_after):
                    return response
                wait = hinted if hinted is not None else self._policy.backoff(failures, self._rng)
                if not _fits_deadline(wait):
                    return response
                await response.aclose()
            await asyncio.sleep(wait)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _fits_deadline(wait: float) -> bool:
    """Worth waiting only if some time would be left for the retry itself."""
    left = remaining()
    return left is None or wait + 0.05 < left

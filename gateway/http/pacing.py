"""The rate-limit layer: take a send slot before each attempt, learn from the answer."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from gateway.http.limiter import RateLimiter
from gateway.http.retry import retry_after_seconds

# A vendor hook that reads rate-limit headers (quota remaining, reset) and may defer the limiter.
ResponseObserver = Callable[[httpx.Response, RateLimiter], None]


class RateLimitTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        limiter: RateLimiter,
        *,
        rate_limited_statuses: frozenset[int] = frozenset({429}),
        observe: ResponseObserver | None = None,
    ) -> None:
        self._inner = inner
        self._limiter = limiter
        self._statuses = rate_limited_statuses
        self._observe = observe

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self._limiter.acquire()
        response = await self._inner.handle_async_request(request)
        if response.status_code in self._statuses:
            # Everyone sharing this source's budget waits, not only the request that hit it.
            self._limiter.defer(retry_after_seconds(response) or 1.0)
        if self._observe is not None:
            self._observe(response, self._limiter)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()

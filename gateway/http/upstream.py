"""From HTTP exchanges to domain errors: the one place a vendor's answer is judged.

``StatusTable`` maps a status to the error class the caller should see (airbyte-cdk's "errors
are data"); connectors extend the default with their vendor's quirks (Toggl's 403 for bad
credentials, 402 for an exhausted quota; Clockify's 400 for unknown ids). Messages name the
source and the status, never the URL, headers or body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from gateway import errors
from gateway.http import critical
from gateway.http.deadline import remaining
from gateway.http.limiter import RateBudgetExceeded
from gateway.http.retry import retry_after_seconds
from gateway.lane import lane

StatusTable = Mapping[int, type[errors.UpstreamError]]
# A vendor's way to name *why* a request was refused from the error response, in words of our
# own: it must never return upstream text, only a fixed phrase it chose (or None).
SafeReason = Callable[[httpx.Response], str | None]

DEFAULT_STATUSES: dict[int, type[errors.UpstreamError]] = {
    400: errors.UpstreamBadResponse,
    401: errors.UpstreamAuthError,
    403: errors.UpstreamAuthError,
    404: errors.UpstreamNotFound,
    408: errors.UpstreamUnavailable,
    409: errors.UpstreamBadResponse,
    422: errors.UpstreamBadResponse,
    429: errors.UpstreamRateLimited,
}

# The per-attempt bound (``DeadlineTimeouts``) fires at the deadline itself and reports the
# attempt to the breaker; the guard around the whole call only backs it up, a little later.
GUARD_GRACE = 0.2

_WHAT = {
    errors.UpstreamAuthError: "rejected the configured credentials",
    errors.UpstreamRateLimited: "is rate limiting requests",
    errors.UpstreamNotFound: "has no such object",
    errors.UpstreamBadResponse: "refused the request",
    errors.UpstreamUnavailable: "is unavailable",
}


@dataclass(frozen=True, slots=True)
class UpstreamResponse:
    status: int
    headers: httpx.Headers
    body: Any


class Upstream:
    """A source's client plus its judgement of answers. Connectors call only this."""

    def __init__(
        self,
        source: str,
        client: httpx.AsyncClient,
        *,
        statuses: StatusTable | None = None,
        reason: SafeReason | None = None,
    ) -> None:
        self.source = source
        self.client = client
        self._statuses = {**DEFAULT_STATUSES, **(statuses or {})}
        self._reason = reason

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Any = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        expect_json: bool = True,
    ) -> UpstreamResponse:
        extensions = {} if idempotent is None else {"idempotent": idempotent}
        request = self.client.build_request(
            method, url, params=params, json=json, headers=headers, extensions=extensions
        )
        try:
            # Belt and braces over the per-attempt bounds: waits outside the transports (a
            # token refresh, another caller's coalesced request) end at the deadline too.
            async with asyncio.timeout(_guard()):
                response = await self.client.send(request)
        except RateBudgetExceeded as exc:
            raise errors.UpstreamRateLimited(
                self.source,
                f"source {self.source!r} has no request budget left before the deadline",
                retry_after=round(exc.wait, 1),
            ) from exc
        except (httpx.TimeoutException, TimeoutError) as exc:
            raise errors.UpstreamUnavailable(
                self.source, f"source {self.source!r} did not answer in time"
            ) from exc
        except httpx.TransportError as exc:
            raise errors.UpstreamUnavailable(
                self.source, f"source {self.source!r} could not be reached"
            ) from exc
        # The answer is read after any token exchange this request waits for (``critical``).
        await critical.settled()
        # Decoding is bulk work (``lane``): a page's is ~1-5 ms, one C call. A small answer
        # waits too; sparing it (under 64 KiB) showed no gain (month cold, 20 pairs).
        if expect_json:
            await lane().pause()
        self._raise_for_status(response)
        body = self.decode(response.content) if expect_json else response.content
        return UpstreamResponse(response.status_code, response.headers, body)

    def preconnect(self) -> None:
        """Open a connection to the source ahead of a request that must wait first (a token
        exchange): see ``AiohttpNetwork.preconnect``. A client that cannot does nothing."""
        preconnect = getattr(self.client, "preconnect", None)
        if preconnect is not None:
            preconnect()

    async def get(self, url: str, **kwargs: Any) -> UpstreamResponse:
        return await self.request("GET", url, **kwargs)

    def _raise_for_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        kind = self._statuses.get(status)
        if kind is None:
            kind = errors.UpstreamUnavailable if status >= 500 else errors.UpstreamBadResponse
        message = f"source {self.source!r} {_WHAT.get(kind, 'failed')} (HTTP {status})"
        reason = self._reason(response) if self._reason else None
        raise kind(
            self.source,
            f"{message}: {reason}" if reason else message,
            retry_after=retry_after_seconds(response) if status in (429, 503) else None,
        )

    def decode(self, content: bytes) -> Any:
        """A body as ``request`` decodes it (for one read with ``expect_json=False``)."""
        if not content:
            return None
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError as exc:
            raise errors.UpstreamBadResponse(
                self.source, f"source {self.source!r} answered with a body that is not JSON"
            ) from exc

    async def aclose(self) -> None:
        await self.client.aclose()


def _guard() -> float | None:
    left = remaining()
    return None if left is None else max(0.0, left) + GUARD_GRACE

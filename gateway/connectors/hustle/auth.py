"""OAuth2 client credentials for Hustle, without ever provoking its lockout.

Hustle issues 2-hour JWTs from ``POST /oauth/token`` (JSON body, no refresh token) and blocks
the caller after 10 failed token requests (100 in 24 h block the IP), counting the attempts
made while blocked too. So:

- a token is fetched on demand, and concurrent callers share one fetch (single-flight);
- it is renewed shortly before ``expires_in`` runs out, or when a resource answers 401
  (``BearerTokenAuth`` then resends the request once);
- a token request refused with 400/401/403 is never retried: the failure is latched and every
  caller gets ``UpstreamAuthError`` without a call, until the configuration changes (a new
  connector, hence a new provider) or the operator's cool-down has passed. Other failures
  (5xx, timeouts, a garbled answer) are not latched: they end the waiting callers' requests
  and the next request tries again.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from gateway import errors
from gateway.http import StatusTable, Upstream

TOKEN_PATH = "oauth/token"

# The token endpoint answers bad credentials (and its lockout) with 401, a malformed request
# with 400; either way the same request would fail again and count towards the lockout.
TOKEN_STATUSES: StatusTable = {
    400: errors.UpstreamAuthError,
    401: errors.UpstreamAuthError,
    403: errors.UpstreamAuthError,
}

# Renew this long before expiry (at most a tenth of the lifetime, so short tokens stay usable).
EXPIRY_MARGIN = 60.0


class ClientCredentialsProvider:
    """A ``TokenProvider`` for the client-credentials grant; one per source (per config)."""

    def __init__(
        self,
        upstream: Upstream,
        client_id: str,
        client_secret: SecretStr,
        *,
        cooldown: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._upstream = upstream  # a client with no auth and no retries of its own
        self._client_id = client_id
        self._client_secret = client_secret
        self._cooldown = cooldown
        self._clock = clock
        self._token: str | None = None
        self._renew_at = 0.0
        self._flight: asyncio.Task[str] | None = None
        self._failed_at: float | None = None
        self._failure = ""

    @property
    def source(self) -> str:
        return self._upstream.source

    async def token(self) -> str:
        self._raise_if_latched()
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        if self._flight is None:
            self._flight = asyncio.ensure_future(self._fetch())
            self._flight.add_done_callback(_retrieve)
        # shield: one caller giving up must not cancel the fetch the others are waiting for
        return await asyncio.shield(self._flight)

    async def rejected(self, token: str) -> None:
        if token == self._token:  # a newer token may already have replaced it
            self._token = None

    def _raise_if_latched(self) -> None:
        if self._failed_at is None:
            return
        if self._cooldown is not None and self._clock() - self._failed_at >= self._cooldown:
            self._failed_at = None
            return
        raise errors.UpstreamAuthError(self.source, self._failure)

    async def _fetch(self) -> str:
        try:
            body = await self._request()
            token, lifetime = _parse(self.source, body)
            self._token = token
            self._renew_at = self._clock() + lifetime - min(EXPIRY_MARGIN, lifetime / 10)
            return token
        except errors.UpstreamAuthError as exc:
            self._latch()
            raise errors.UpstreamAuthError(self.source, self._failure) from exc
        finally:
            self._flight = None

    async def _request(self) -> Any:
        payload = {
            "grant_type": "client_credentials",
            "client_id": self._client_id,
            "client_secret": self._client_secret.get_secret_value(),
        }
        response = await self._upstream.request("POST", TOKEN_PATH, json=payload, idempotent=False)
        return response.body

    def _latch(self) -> None:
        self._token = None
        self._failed_at = self._clock()
        until = (
            f"for {self._cooldown:.0f} seconds"
            if self._cooldown is not None
            else "until the source's configuration changes"
        )
        self._failure = (
            f"source {self.source!r}: Hustle refused the configured client_id/client_secret "
            "(they are wrong, or Hustle has blocked token requests after repeated failures); "
            f"fix the credentials. No new token will be requested {until}, so as not to "
            "trigger Hustle's lockout."
        )


def _parse(source: str, body: Any) -> tuple[str, float]:
    """The access token and its lifetime in seconds from a token response."""
    token = body.get("access_token") if isinstance(body, dict) else None
    lifetime = body.get("expires_in") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token or not isinstance(lifetime, int | float):
        raise errors.UpstreamBadResponse(
            source, f"source {source!r} answered the token request with an unexpected shape"
        )
    if lifetime <= 0:
        raise errors.UpstreamBadResponse(
            source, f"source {source!r} issued a token that has already expired"
        )
    return token, float(lifetime)


def _retrieve(task: asyncio.Task[str]) -> None:
    """Mark a failed fetch's exception as seen even if every waiter went away."""
    if not task.cancelled():
        task.exception()

"""Hubstaff's personal-access-token flow, with rotating refresh tokens.

A personal access token is a refresh token (valid 90 days). ``POST <token_url>`` with the form
``grant_type=refresh_token&refresh_token=...`` returns an access token and a *new* refresh
token; the old one is dead from then on. Lose the new one and the account is locked out until
a human creates a new token. So :class:`RotatingTokenProvider`:

- refreshes single-flight in the process, and under the store's lock across processes (a
  second process finds the chain already advanced and adopts it instead of exchanging again);
- writes the new refresh token durably (``store.py``) before it is *used*, i.e. before the
  next exchange, and still under the store's lock. The new access token is handed out as soon
  as the grant is in hand, while that write (an fsync, tens of ms) runs: using the access token
  does not touch the chain, and a crash during the write loses the chain exactly as it would if
  the write were awaited first;
- prefers the stored chain over the configured token while the configuration still names the
  token the chain started from, and keeps using a stored access token across restarts;
- renews ``REFRESH_AHEAD`` seconds before expiry (the official CLI's 120 s; at most half the
  lifetime), and once when the API answers 401 (``BearerTokenAuth`` then resends once);
- reports a refused refresh token (400/401, ``invalid_grant``) as ``UpstreamAuthError`` telling
  the operator to create a new token, and never asks again with it. Transient failures
  (429, 408, 5xx, timeouts) are retried by the token client and otherwise end the request.

One window cannot be closed on the client side: if the process dies after Hubstaff rotated
the token but before the answer reached the disk, the new token is gone. It is kept as short
as one local file write.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
import orjson
from pydantic import SecretStr

from gateway import errors
from gateway.connectors.hubstaff.store import StoredToken, TokenStore, fingerprint
from gateway.http import critical
from gateway.http.retry import retry_after_seconds

log = logging.getLogger(__name__)

REFRESH_AHEAD = 120.0
LOCK_TIMEOUT = 30.0
# When the token endpoint names no lifetime and the token is no readable JWT.
FALLBACK_LIFETIME = 300.0


class RefreshRefused(Exception):
    """The token endpoint refused the refresh token itself (400/401): it is dead."""


@dataclass(frozen=True, slots=True)
class Grant:
    access_token: str
    refresh_token: str | None
    lifetime: float


class Exchange(Protocol):
    async def __call__(self, refresh_token: str) -> Grant: ...


class TokenEndpoint:
    """The account host's token endpoint, on a client of its own (no bearer auth, and not
    counted against the API's hourly budget)."""

    def __init__(
        self,
        source: str,
        client: httpx.AsyncClient,
        url: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.source = source
        self._client = client
        self._url = url
        self._clock = clock

    async def __call__(self, refresh_token: str) -> Grant:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        # Retrying after a transient failure is safe: a token that did get rotated is refused
        # on the retry, which is what it would be anyway.
        request = self._client.build_request(
            "POST", self._url, data=form, extensions={"idempotent": True}
        )
        try:
            response = await self._client.send(request)
        except httpx.TimeoutException as exc:
            raise self._error(
                errors.UpstreamUnavailable, "did not answer the token request in time"
            ) from exc
        except httpx.TransportError as exc:
            raise self._error(
                errors.UpstreamUnavailable, "could not be reached for a token"
            ) from exc
        self._judge(response)
        return self._grant(response)

    def _judge(self, response: httpx.Response) -> None:
        status = response.status_code
        if status < 400:
            return
        if status in (400, 401):
            raise RefreshRefused(_error_code(response))
        if status == 429:
            raise errors.UpstreamRateLimited(
                self.source,
                f"source {self.source!r} is rate limiting token requests (HTTP 429)",
                retry_after=retry_after_seconds(response),
            )
        kind = (
            errors.UpstreamUnavailable
            if status >= 500 or status == 408
            else errors.UpstreamBadResponse
        )
        raise self._error(kind, f"refused the token request (HTTP {status})")

    def _grant(self, response: httpx.Response) -> Grant:
        try:
            body: Any = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        access = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(access, str) or not access:
            raise self._error(
                errors.UpstreamBadResponse, "answered the token request with an unexpected shape"
            )
        refresh = body.get("refresh_token")
        lifetime = _lifetime(body.get("expires_in"), access, self._clock())
        if lifetime <= 0:
            raise self._error(
                errors.UpstreamBadResponse, "issued an access token that has already expired"
            )
        return Grant(access, refresh if isinstance(refresh, str) and refresh else None, lifetime)

    def _error(self, kind: type[errors.UpstreamError], what: str) -> errors.UpstreamError:
        return kind(self.source, f"source {self.source!r} {what}")


class RotatingTokenProvider:
    """A ``TokenProvider`` (``gateway.http.auth``) for one Hubstaff source."""

    def __init__(
        self,
        source: str,
        exchange: Exchange,
        store: TokenStore,
        configured: SecretStr,
        *,
        clock: Callable[[], float] = time.time,
        refresh_ahead: float = REFRESH_AHEAD,
        lock_timeout: float = LOCK_TIMEOUT,
    ) -> None:
        self.source = source
        self._exchange = exchange
        self._store = store
        self._configured = configured
        self._origin = fingerprint(configured.get_secret_value())
        self._clock = clock
        self._ahead = refresh_ahead
        self._lock_timeout = lock_timeout
        self._current: StoredToken | None = None
        # Received, not yet on disk: the refresh saving it, or the store refused to write it.
        self._unsaved: StoredToken | None = None
        self._rejected: str | None = None
        # The access token of the refresh under way, resolved as soon as the grant is in hand;
        # the refresh itself (``_refreshing``) lives on until its token is saved and the
        # store's lock released.
        self._flight: asyncio.Future[str] | None = None
        self._refreshing: asyncio.Task[None] | None = None
        self._dead: str | None = None
        self._forced = False

    async def token(self) -> str:
        if self._dead is not None:
            raise errors.UpstreamAuthError(self.source, self._dead)
        if (access := self._held()) is not None:
            return access
        # A chain the store refused to write (``_unsaved`` with a fresh ``_current``) is not
        # retried here: the failure is most likely not transient (permissions, a full disk),
        # it was logged at ERROR, and the next refresh writes it before its refresh token is
        # used (or fails without exchanging). One place that saves keeps the lock and the
        # order on disk simple.
        if self._flight is None:
            self._flight = self._start()
        # shield: one caller giving up must not cancel the refresh the others are waiting for
        return await asyncio.shield(self._flight)

    def warm(self) -> bool:
        """Start the refresh ``token`` would start, now, without waiting for it: a query
        about to call Hubstaff sends the token request before its other vendors' requests
        rather than after them, so its answer is not queued behind theirs. A failure is
        kept for the ``token`` call that waits for it. True if a refresh started."""
        if self._dead is None and self._held() is None and self._flight is None:
            self._flight = self._start()
            return True
        return False

    def pending(self) -> asyncio.Future[str] | None:
        """The exchange under way that ``token`` callers wait for (``None`` when none is)."""
        return self._flight

    async def rejected(self, token: str) -> None:
        if self._current is not None and self._current.access_token == token:
            self._rejected = token  # also ignore it if the store still holds it
            self._current = None

    async def force_refresh(self) -> str:
        """Exchange the newest refresh token now, whatever the access token's age (tools,
        tests). Returns the new access token once its refresh token is on disk, and raises
        ``UpstreamUnavailable`` if it could not be written."""
        if self._flight is not None:
            await asyncio.gather(asyncio.shield(self._flight), return_exceptions=True)
        self._current, self._forced = None, True
        access = await self.token()
        if self._refreshing is not None:
            await asyncio.shield(self._refreshing)
        return access

    async def aclose(self) -> None:
        """Wait for a refresh under way to save its token and release the store's lock (it is
        never cancelled: that could lose the chain). The provider stays usable."""
        if self._refreshing is not None:
            await asyncio.wait([self._refreshing])

    def _held(self) -> str | None:
        """The access token in hand, if it is fresh enough to use."""
        current = self._current
        return current.access_token if current is not None and self._fresh(current) else None

    def _fresh(self, token: StoredToken) -> bool:
        if not token.access_token or token.access_token == self._rejected:
            return False
        lifetime = max(0.0, token.expires_at - token.issued_at)
        return self._clock() < token.expires_at - min(self._ahead, lifetime / 2)

    def _start(self) -> asyncio.Future[str]:
        flight: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        flight.add_done_callback(_retrieve)
        task = asyncio.ensure_future(self._refresh(flight, self._refreshing))
        task.add_done_callback(_retrieve)
        # A refresh cancelled before it ever ran (loop shutdown) must not strand its waiters.
        task.add_done_callback(lambda _: self._fail(flight, asyncio.CancelledError()))
        self._refreshing = task
        return flight

    async def _refresh(
        self, flight: asyncio.Future[str], previous: asyncio.Task[None] | None
    ) -> None:
        """One refresh, holding the store's lock from reading the chain until the new link is
        on disk, so another process never reads (and exchanges) the link before it. The access
        token goes to ``flight`` as soon as the grant is in hand; a failed save raises here
        (for ``force_refresh``) after being logged."""
        # The request that started the exchange holds its decoding for it (``critical``);
        # the exchange itself must not wait for that.
        critical.outside()
        try:
            try:
                if previous is not None:
                    await asyncio.wait([previous])  # its link reaches the disk before ours
                async with self._store.lock(self._lock_timeout):
                    self._hand(flight, await self._refresh_locked())
                    await self._save_new()
            except TimeoutError as exc:
                raise errors.UpstreamUnavailable(
                    self.source,
                    f"source {self.source!r}: another process is refreshing the token; try again",
                ) from exc
        except BaseException as exc:
            self._fail(flight, exc)
            raise

    def _hand(self, flight: asyncio.Future[str], access: str) -> None:
        if self._flight is flight:
            self._flight = None  # the next caller that needs a refresh starts a new one
        if not flight.done():
            flight.set_result(access)

    def _fail(self, flight: asyncio.Future[str], error: BaseException) -> None:
        if self._flight is flight:
            self._flight = None
        if flight.done():
            return
        if isinstance(error, asyncio.CancelledError):
            flight.cancel()
        else:
            flight.set_exception(error)

    async def _refresh_locked(self) -> str:
        forced, self._forced = self._forced, False
        chain = await self._newest_chain()
        if not forced and chain is not None and chain.access_token and self._fresh(chain):
            self._current = chain  # another process (or our last run) already refreshed
            return chain.access_token
        for refresh_token in self._candidates(chain):
            try:
                grant = await self._exchange(refresh_token)
            except RefreshRefused:
                continue
            return await self._keep(grant, refresh_token, chain)
        self._dead = (
            f"source {self.source!r}: Hubstaff refused the personal access token (it expired "
            "after 90 days, was revoked, or was already used). Create a new personal access "
            "token in Hubstaff's developer portal, set it as this source's refresh_token and "
            "restart; no further token requests will be made until then."
        )
        raise errors.UpstreamAuthError(self.source, self._dead)

    async def _newest_chain(self) -> StoredToken | None:
        if self._unsaved is not None:
            await self._save(self._unsaved)
            self._unsaved = None
        # Read in place, not in a thread: a few hundred bytes of local file, and the hop to a
        # thread let every other vendor's request of the query leave before the token's.
        stored = self._store.load()
        return stored if stored is not None and stored.origin == self._origin else None

    def _candidates(self, chain: StoredToken | None) -> list[str]:
        """The chain's token, then the configured one: a chain that died (say, a store kept
        from an account that was reset) costs one refused request more, never a lockout."""
        configured = self._configured.get_secret_value()
        return list(dict.fromkeys([chain.refresh_token, configured] if chain else [configured]))

    async def _keep(self, grant: Grant, used: str, chain: StoredToken | None) -> str:
        now = self._clock()
        token = StoredToken(
            refresh_token=grant.refresh_token or used,
            origin=self._origin,
            generation=(chain.generation if chain and chain.refresh_token == used else 0) + 1,
            access_token=grant.access_token,
            issued_at=now,
            expires_at=now + grant.lifetime,
        )
        # Saved by ``_save_new`` right after the access token is handed out; if the store refuses,
        # it stays here (never lost while this process lives) and the next refresh writes it
        # before using its refresh token.
        self._current, self._unsaved = token, token
        log.info(
            "source %r: refreshed the Hubstaff access token (generation %d)",
            self.source,
            token.generation,
        )
        return grant.access_token

    async def _save_new(self) -> None:
        token = self._unsaved
        if token is None:
            return  # adopted a chain already on disk
        try:
            await self._save(token)
        except errors.UpstreamUnavailable as exc:
            # The request that triggered the refresh already has its access token; the
            # operator learns here (the message names no secret, nor does the OS error).
            log.error(
                "%s (%s); it is kept in memory and written first by the next refresh",
                exc,
                exc.__cause__,
            )
            raise
        if self._unsaved is token:
            self._unsaved = None

    async def _save(self, token: StoredToken) -> None:
        try:
            await asyncio.to_thread(self._store.save, token)
        except OSError as exc:
            raise errors.UpstreamUnavailable(
                self.source,
                f"source {self.source!r}: the rotated Hubstaff token could not be written to the "
                "token store; fix the store's path or permissions",
            ) from exc


def _error_code(response: httpx.Response) -> str:
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return "refused"
    code = body.get("error") if isinstance(body, dict) else None
    return code if isinstance(code, str) and code.isidentifier() else "refused"


def _lifetime(expires_in: object, access_token: str, now: float) -> float:
    """``expires_in`` if given, else the JWT's ``exp``, else a short, safe guess."""
    if isinstance(expires_in, int | float) and not isinstance(expires_in, bool):
        return float(expires_in)
    try:
        payload = access_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"]) - now
    except (IndexError, ValueError, KeyError, TypeError):
        return FALLBACK_LIFETIME


def _retrieve(future: asyncio.Future[Any]) -> None:
    """Mark a failed refresh's exception as seen even if every waiter went away."""
    if not future.cancelled():
        future.exception()

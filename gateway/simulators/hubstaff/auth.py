"""Hubstaff's personal-access-token flow: rotating refresh tokens, short-lived access tokens.

``POST /access_tokens`` (on account.hubstaff.com in production) takes a form-encoded
``grant_type=refresh_token&refresh_token=...`` without client authentication, and answers
``{access_token, refresh_token, expires_in, token_type}``. Every exchange consumes the refresh
token it was given and issues a new one (the PAT rotates, vendor sheet): presenting a used,
unknown or expired refresh token is ``401 {"error": "invalid_grant"}``. There is deliberately no
reuse grace period, so two clients racing with the same token lose one of them for good.
Access tokens are JWT-shaped (``exp`` in the payload) and live ``access_token_ttl`` seconds.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubstaff.errors import ApiError, Problem, oauth_error
from gateway.simulators.hubstaff.payloads import TokenResponse
from gateway.simulators.kit import Clock

REFRESH_TTL = 90 * 86400  # a PAT is valid for 90 days (vendor docs)
ISSUER = "https://account.hubstaff.com"
SCOPES = "openid profile email hubstaff:read hubstaff:write"


@dataclass(slots=True)
class _Grant:
    user_id: int
    expires: float  # epoch seconds


class Tokens:
    """The token server's memory: live refresh tokens and issued access tokens."""

    def __init__(self, clock: Clock, seeded_refresh: str, owner_id: int, access_ttl: int) -> None:
        self.clock = clock
        self.seeded_refresh = seeded_refresh
        self.owner_id = owner_id
        self.access_ttl = access_ttl
        self.exchanges = 0
        self._refresh: dict[str, _Grant] = {}
        self._access: dict[str, _Grant] = {}
        self.reset()

    def reset(self) -> None:
        self._refresh = {self.seeded_refresh: _Grant(self.owner_id, self._now() + REFRESH_TTL)}
        self._access = {}
        self.exchanges = 0

    def _now(self) -> float:
        return self.clock.now().timestamp()

    def exchange(self, refresh_token: str) -> TokenResponse | None:
        """Consume ``refresh_token``; ``None`` if it is not live (the caller sends invalid_grant).

        Synchronous on purpose: no ``await`` between the check and the consumption, so two
        concurrent requests with the same token can never both succeed.
        """
        grant = self._refresh.pop(refresh_token, None)
        now = self._now()
        if grant is None or grant.expires <= now:
            return None
        self.exchanges += 1
        new_refresh = secrets.token_urlsafe(48)
        self._refresh[new_refresh] = _Grant(grant.user_id, now + REFRESH_TTL)
        expires = int(now) + self.access_ttl
        access = _jwt(grant.user_id, int(now), expires)
        self._access[access] = _Grant(grant.user_id, expires)
        return TokenResponse(access_token=access, refresh_token=new_refresh,
                             expires_in=self.access_ttl, token_type="bearer")

    def expire_all(self) -> None:
        """Expire every issued access token now (the kit's ``expired_token`` fault)."""
        now = self._now()
        for grant in self._access.values():
            grant.expires = min(grant.expires, now)

    def user_for(self, authorization: str | None) -> int:
        """The user an ``Authorization: Bearer`` header acts as, or a 401 ``ApiError``."""
        scheme, _, token = (authorization or "").partition(" ")
        grant = self._access.get(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            raise ApiError(Problem.INVALID_TOKEN)
        if grant.expires <= self._now():
            raise ApiError(Problem.EXPIRED_TOKEN)
        return grant.user_id


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jwt(user_id: int, issued: int, expires: int) -> str:
    header = {"alg": "RS256", "typ": "JWT", "kid": "hubstaff-sim"}
    claims = {"iss": ISSUER, "sub": str(user_id), "aud": "hubstaff-api", "iat": issued,
              "exp": expires, "jti": secrets.token_hex(12), "scope": SCOPES}
    return ".".join((_b64(orjson.dumps(header)), _b64(orjson.dumps(claims)),
                     _b64(secrets.token_bytes(64))))


async def token_endpoint(request: Request, tokens: Tokens) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return oauth_error(400, "invalid_request")
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    grant_type = form.get("grant_type", [""])[0]
    refresh_token = form.get("refresh_token", [""])[0]
    if not grant_type or not refresh_token:
        return oauth_error(400, "invalid_request")
    if grant_type != "refresh_token":
        return oauth_error(400, "unsupported_grant_type")
    issued = tokens.exchange(refresh_token)
    if issued is None:
        return oauth_error(401, "invalid_grant")
    return Response(orjson.dumps(issued), media_type="application/json",
                    headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

"""The checks every Harvest request passes before routing, as an ASGI middleware.

Order: ``User-Agent`` (400 when missing: Harvest requires it to identify the integration),
then ``Authorization: Bearer <token>`` and ``Harvest-Account-Id`` (401), then the rate limit
(429 with ``Retry-After`` in seconds). Only authenticated requests count toward the limit, and
the limit is one window for the whole account. Unknown paths are checked too, so they answer
401 before 404 as the real API does.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.simulators.harvest.errors import ApiError
from gateway.simulators.kit import SlidingWindow
from gateway.simulators.kit.control import CONTROL_PREFIX


class Credentials:
    def __init__(self, token: str, account_id: str) -> None:
        self.authorization = f"Bearer {token}"
        self.account_id = account_id


def check(headers: dict[bytes, bytes], creds: Credentials, window: SlidingWindow) -> None:
    if not headers.get(b"user-agent", b"").strip():
        raise ApiError(400, "bad_request",
                       "Missing User-Agent header: identify your application and a contact.")
    scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(" ")
    if scheme.lower() != "bearer" or f"Bearer {token.strip()}" != creds.authorization:
        raise ApiError(401, "invalid_token", "The access token provided is expired, revoked, "
                       "malformed or invalid for other reasons.")
    if headers.get(b"harvest-account-id", b"").decode("latin-1").strip() != creds.account_id:
        raise ApiError(401, "invalid_account", "The Harvest-Account-Id header is missing or "
                       "names an account this token cannot access.")
    wait = window.hit()
    if wait is not None:
        raise ApiError(429, "rate_limit_exceeded",
                       f"Too many requests: at most {window.limit} per {window.window:g} seconds.",
                       headers={"Retry-After": str(wait)})


class Gate:
    def __init__(self, app: ASGIApp, creds: Credentials, window: SlidingWindow) -> None:
        self.app = app
        self.creds = creds
        self.window = window

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        if scope["type"] != "http" or path.removeprefix(root).startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        try:
            check(dict(scope["headers"]), self.creds, self.window)
        except ApiError as error:
            await error.response()(scope, receive, send)
            return
        await self.app(scope, receive, send)

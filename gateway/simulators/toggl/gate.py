"""What stands in front of every Toggl endpoint, in Toggl's order: HTTP Basic auth with
``<api_token>:api_token`` (403), the per-token leaky bucket (429), the per-user hourly quota
(402). Every response carries ``X-Toggl-Quota-Remaining`` and ``X-Toggl-Quota-Resets-In``.

A pure ASGI middleware (not ``BaseHTTPMiddleware``) so benchmarks pay almost nothing for it.
Rejected requests (403/429/402) are not counted against the quota; 402s do pass through the
leaky bucket first, so hammering a spent quota still earns 429s.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.simulators.kit import Clock
from gateway.simulators.kit.control import CONTROL_PREFIX
from gateway.simulators.toggl.errors import plain
from gateway.simulators.toggl.limits import HourlyQuota, Limiter

USER_KEY = "toggl.user_id"


@dataclass
class Guard:
    """Tokens, buckets and quotas; ``reset`` forgets all usage."""

    tokens: dict[str, int]
    new_bucket: Callable[[], Limiter]
    quota_limit: int
    clock: Clock
    buckets: dict[str, Limiter] = field(default_factory=dict)
    quotas: dict[int, HourlyQuota] = field(default_factory=dict)

    def user_for(self, authorization: bytes | None) -> tuple[str, int] | None:
        if not authorization or authorization[:6].lower() != b"basic ":
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        token, _, password = decoded.partition(":")
        user_id = self.tokens.get(token)
        if password != "api_token" or user_id is None:
            return None
        return token, user_id

    def quota(self, user_id: int) -> HourlyQuota:
        quota = self.quotas.get(user_id)
        if quota is None:
            quota = self.quotas[user_id] = HourlyQuota(self.quota_limit, self.clock)
        return quota

    def reset(self) -> None:
        self.buckets.clear()
        self.quotas.clear()


def _headers(remaining: int, resets_in: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-toggl-quota-remaining", str(remaining).encode()),
        (b"x-toggl-quota-resets-in", str(resets_in).encode()),
    ]


def _is_control(scope: Scope) -> bool:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root):]
    return path.startswith(CONTROL_PREFIX)


class Gate:
    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _is_control(scope):
            await self.app(scope, receive, send)
            return
        auth = dict(scope["headers"]).get(b"authorization")
        found = self.guard.user_for(auth)
        if found is None:
            response = plain(403, "Incorrect username and/or password")
            response.raw_headers += _headers(self.guard.quota_limit, 0)
            await response(scope, receive, send)
            return
        token, user_id = found
        quota = self.guard.quota(user_id)
        bucket = self.guard.buckets.get(token)
        if bucket is None:
            bucket = self.guard.buckets[token] = self.guard.new_bucket()
        if bucket.hit() is not None:
            await self._reject(scope, receive, send, quota, 429, "Too Many Requests")
            return
        if not quota.take():
            message = f"Quota exceeded. Quota resets in {quota.resets_in()} seconds."
            await self._reject(scope, receive, send, quota, 402, message)
            return
        scope[USER_KEY] = user_id
        extra = _headers(quota.remaining(), quota.resets_in())

        async def with_quota(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, with_quota)

    @staticmethod
    async def _reject(scope: Scope, receive: Receive, send: Send, quota: HourlyQuota,
                      status: int, message: str) -> None:
        response = plain(status, message)
        response.raw_headers += _headers(quota.remaining(), quota.resets_in())
        await response(scope, receive, send)

"""Admission of every ``/v1`` request: key, rate limit, JSON headers, write rights.

Checks run in this order, the first failure answering:

1. ``Authorization: <key>`` — the raw key. Missing, ``Bearer``-prefixed (the README: "Do not
   provide Bearer keyword before API key") or unknown -> 401. No expiry, no refresh.
2. The account's rate limit (both keys belong to the one account and share its window) -> 429
   with ``Retry-After``. Unauthenticated requests never reach the window.
3. ``Accept`` must name ``application/json`` and ``Content-Type`` must be
   ``application/json`` on every request, GET and DELETE included: the README says both "must
   be defined in the header of all requests" and shows them on a GET -> 400 otherwise (400, not
   406/415: the vendor's status table has neither).
4. A write (POST/PUT/DELETE on ``/timeentry``, not ``/search``) with the read-only key -> 403.

``X-RateLimit-Limit``, ``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds until the
window is clear again) go on every admitted response and on 429s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from starlette.requests import Request

from gateway.simulators.hubplanner.errors import JSON, ApiError
from gateway.simulators.kit import SlidingWindow


@dataclass(frozen=True, slots=True)
class Keys:
    read_write: str
    read_only: str


class Gate:
    def __init__(self, keys: Keys, window: SlidingWindow) -> None:
        self.keys = keys
        self.window = window

    def admit(self, request: Request, *, write: bool = False) -> dict[str, str]:
        """The rate-limit headers for an admitted request; raises :class:`ApiError` otherwise."""
        key = self._authenticate(request.headers.get("authorization"))
        wait = self.window.hit()
        if wait is not None:
            limit = self.window.limit
            raise ApiError(429, f"Too Many Requests: {limit} requests per "
                                f"{self.window.window:g} second(s) per account",
                           self._headers(remaining=0, reset=wait) | {"Retry-After": str(wait)})
        headers = self._headers(self.window.remaining(), math.ceil(self.window.window))
        request.state.rate_headers = headers
        _require_json(request)
        if write and key == self.keys.read_only:
            raise ApiError(403, "This API key is Read Only: writes need a Read & Write key")
        return headers

    def _authenticate(self, value: str | None) -> str:
        if not value or not value.strip():
            raise ApiError(401, "Missing Authorization header: send 'Authorization: <api key>'")
        if value.split()[0].lower() == "bearer":
            raise ApiError(401, "Invalid API key: do not provide the Bearer keyword before the "
                                "API key; send 'Authorization: <api key>'")
        if value not in (self.keys.read_write, self.keys.read_only):
            raise ApiError(401, "Invalid API key")
        return value

    def _headers(self, remaining: int, reset: int) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.window.limit),
            "X-RateLimit-Remaining": str(max(0, remaining)),
            "X-RateLimit-Reset": str(reset),
        }


def _require_json(request: Request) -> None:
    accept = request.headers.get("accept", "").lower()
    if JSON not in accept:
        raise ApiError(400, "Accept: application/json must be defined in the header of all "
                            "requests")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != JSON:
        raise ApiError(400, "Content-Type: application/json must be defined in the header of all "
                            "requests")

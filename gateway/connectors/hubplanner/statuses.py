"""Hub Planner's statuses, judged with messages that say what to fix.

401 is a missing or unknown key; a key configured as ``Bearer <key>`` also gets 401, because
Hub Planner wants the raw key ("Do not provide Bearer keyword before API key", README). 403 is
a write with a Read Only key, or an update of a locked (approved) entry. 502 means the API is
down. Messages never repeat the key, the URL or the vendor's body.
"""

from __future__ import annotations

from gateway.errors import UpstreamAuthError, UpstreamError, UpstreamUnavailable
from gateway.http import StatusTable


class KeyRejected(UpstreamAuthError):
    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(
            source,
            f"source {source!r} rejected the API key (HTTP 401): check the key and that API "
            "access is enabled in Hub Planner (Settings -> API)",
            retry_after=retry_after,
        )


class BearerKeyRejected(UpstreamAuthError):
    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(
            source,
            f"source {source!r} rejected the API key (HTTP 401): Hub Planner wants the raw API "
            "key in `api_key`, without a 'Bearer ' prefix",
            retry_after=retry_after,
        )


class Refused(UpstreamAuthError):
    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(
            source,
            f"source {source!r} refused the request (HTTP 403): writes need a Read & Write API "
            "key, and locked (approved) entries cannot be changed",
            retry_after=retry_after,
        )


def looks_bearer_prefixed(api_key: str) -> bool:
    return api_key.strip().lower().startswith("bearer ")


def status_table(api_key: str) -> StatusTable:
    bearer = looks_bearer_prefixed(api_key)
    rejected: type[UpstreamError] = BearerKeyRejected if bearer else KeyRejected
    return {401: rejected, 403: Refused, 502: UpstreamUnavailable}

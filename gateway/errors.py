"""One error tree, grouped by what the caller should do.

    HourglassError
    ├── ConfigError            fix the configuration; raised at start, never per request
    ├── UserInputError         BAD_USER_INPUT: the query asked for something impossible
    └── UpstreamError          a vendor call failed; carries the source name, never a URL,
        │                      header, body or token
        ├── UpstreamAuthError      UPSTREAM_AUTH_FAILED: credentials rejected; fix them
        ├── UpstreamRateLimited    UPSTREAM_RATE_LIMITED: come back after ``retry_after``
        ├── UpstreamUnavailable    UPSTREAM_UNAVAILABLE: 5xx, timeouts, connection errors,
        │                          the request's deadline; retrying later may work
        ├── UpstreamBadResponse    UPSTREAM_BAD_RESPONSE: the vendor answered garbage
        ├── UpstreamNotFound       the vendor says the object does not exist (loaders: null)
        └── NotSupported           NOT_SUPPORTED: the vendor has no such data or operation

Messages are written for the API's users and must stay safe to show them: causes are chained
(``raise ... from exc``) for logs, but the message never repeats upstream text verbatim.
"""

from __future__ import annotations


class HourglassError(Exception):
    code = "INTERNAL_SERVER_ERROR"


class ConfigError(HourglassError):
    code = "CONFIG_ERROR"


class UserInputError(HourglassError):
    code = "BAD_USER_INPUT"


class UpstreamError(HourglassError):
    code = "UPSTREAM_UNAVAILABLE"

    def __init__(self, source: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.message = message
        self.retry_after = retry_after


class UpstreamAuthError(UpstreamError):
    code = "UPSTREAM_AUTH_FAILED"


class UpstreamRateLimited(UpstreamError):
    code = "UPSTREAM_RATE_LIMITED"


class UpstreamUnavailable(UpstreamError):
    code = "UPSTREAM_UNAVAILABLE"


class UpstreamBadResponse(UpstreamError):
    code = "UPSTREAM_BAD_RESPONSE"


class UpstreamNotFound(UpstreamError):
    code = "NOT_FOUND"


class NotSupported(UpstreamError):
    code = "NOT_SUPPORTED"


def unreadable(source: str) -> UpstreamBadResponse:
    """For a vendor answer that broke our mapping (a missing key, a wrong type): the vendor
    sent something Hourglass cannot read. The caller chains and logs the original exception."""
    return UpstreamBadResponse(source, f"source {source!r} answered data Hourglass could not read")

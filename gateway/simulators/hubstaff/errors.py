"""The API's error body ``{code, error, error_code}`` and the token endpoint's OAuth errors.

``error_code`` ranges are the spec's (10xxx auth, 11xxx validation, 12xxx resource, 13xxx rate
limit, 14xxx time entries); the numbers inside a range and the ``code`` strings are this
simulator's choice, the spec publishes no table (only ``GET /v2/error_codes``).
"""

from __future__ import annotations

from enum import Enum

import orjson
from starlette.responses import Response

from gateway.simulators.hubstaff.payloads import ErrorBody


class Problem(Enum):
    """(status, code, error_code, default message) of each error the simulator sends."""

    INVALID_TOKEN = (401, "invalid_token", 10001, "Invalid access token")
    EXPIRED_TOKEN = (401, "token_expired", 10002, "Access token has expired")
    PLAN_INACTIVE = (403, "organization_inactive",
                     10003, "API access is only for organizations on an active plan")
    INVALID_PARAMS = (400, "invalid_params", 11001, "Invalid parameters")
    RANGE_TOO_LARGE = (400, "date_range_too_large", 11002, "Date range is too large")
    NOT_FOUND = (404, "not_found", 12001, "Could not find record")
    RATE_LIMITED = (429, "rate_limit_exceeded", 13001, "Rate limit exceeded")
    TIME_INVALID = (422, "invalid_time_entry", 14001, "Time entry is invalid")
    TIME_OVERLAPS = (422, "time_entry_overlap", 14002, "Time entry overlaps existing time")

    @property
    def status(self) -> int:
        status: int = self.value[0]
        return status


class ApiError(Exception):
    """Raised anywhere in a handler; the app renders it as the vendor's error body."""

    def __init__(self, problem: Problem, message: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message or problem.value[3])
        self.problem = problem
        self.message = message or problem.value[3]
        self.headers = headers or {}

    def response(self) -> Response:
        _, code, error_code, _ = self.problem.value
        body = ErrorBody(code=code, error=self.message, error_code=error_code)
        return Response(orjson.dumps(body), status_code=self.problem.status,
                        media_type="application/json", headers=self.headers)


def oauth_error(status: int, error: str) -> Response:
    """The token endpoint speaks OAuth 2.0 (RFC 6749 §5.2), not the API's error body."""
    return Response(orjson.dumps({"error": error}), status_code=status,
                    media_type="application/json")

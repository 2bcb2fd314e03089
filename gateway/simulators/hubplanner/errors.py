"""Errors as Hub Planner sends them, and the one JSON response builder every route uses.

The vendor documents status codes only (200, 201, 400, 401, 403, 404, 429, 500, 502), no error
body; the simulator sends ``{"error": "<message>"}`` and a connector must not depend on it.
"""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import Response

JSON = "application/json"


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def json_response(content: object, status: int = 200,
                  headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code=status, media_type=JSON, headers=headers)


async def handle_api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    # Errors after admission (400, 403, 404) still carry the account's rate-limit headers.
    headers = {**getattr(request.state, "rate_headers", {}), **exc.headers}
    return json_response({"error": exc.message}, exc.status, headers)

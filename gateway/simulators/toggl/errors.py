"""Toggl errors are bare strings, never JSON objects.

The simulator picks one encoding per endpoint family:
- Track API v9 (``/api/v9/...``): a JSON-encoded string, ``application/json`` (``"Time entry
  not found"``), as v9 handlers answer.
- Reports API v3 (``/reports/...``) and the auth/limit gate in front of both (403, 429, 402):
  ``text/plain`` (``Incorrect username and/or password``).
"""

from __future__ import annotations

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

REPORTS_MARK = "/reports/api/"


class TogglError(Exception):
    """Raised by handlers; rendered as the family's plain-string error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def plain(status: int, message: str) -> Response:
    return Response(message, status_code=status, media_type="text/plain; charset=utf-8")


def render(path: str, status: int, message: str) -> Response:
    if REPORTS_MARK in path:  # also when the app is mounted under a prefix
        return plain(status, message)
    return Response(orjson.dumps(message), status_code=status, media_type="application/json")


def install_handlers(app: FastAPI) -> None:
    async def toggl_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, TogglError)
        return render(request.url.path, exc.status, exc.message)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        message = "404 page not found" if exc.status_code == 404 else str(exc.detail)
        return render(request.url.path, exc.status_code, message)

    async def invalid(request: Request, exc: Exception) -> Response:
        # Path ids that are not integers: Toggl's router never matches them.
        return render(request.url.path, 404, "404 page not found")

    app.add_exception_handler(TogglError, toggl_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)

"""Hustle's error body ``{code, message, hustleErrorCode?}`` — and nothing else, ever.

The vendor says every response, errors included, is JSON, and the spec's ErrorResponse has
``additionalProperties: false``. FastAPI's own handlers answer ``{"detail": ...}`` (unknown routes,
405, validation), so :func:`install_error_handlers` replaces all of them.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match, Route

from gateway.simulators.hustle.payloads import ErrorBody

JSON = "application/json"


class HustleError(Exception):
    """Raised anywhere in a handler; answered as Hustle's error body with ``status``."""

    def __init__(self, status: int, message: str, hustle_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hustle_code = hustle_code


def json_response(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type=JSON)


def error_response(
    status: int,
    message: str,
    hustle_code: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: ErrorBody = {"code": status, "message": message}
    if hustle_code is not None:
        body["hustleErrorCode"] = hustle_code
    response = json_response(body, status)
    response.headers.update(headers or {})
    return response


async def _hustle_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HustleError)
    return error_response(exc.status, exc.message, exc.hustle_code)


async def _http_error(request: Request, exc: Exception) -> Response:
    # Unknown routes (404) and wrong methods (405).
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request)
    return error_response(exc.status_code, str(exc.detail), headers=headers)


def _allowed_methods(request: Request) -> str:
    """Starlette's 405 names only the first route on the path; list every route's methods."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        if isinstance(route, Route) and route.methods:
            match, _ = route.matches(request.scope)
            if match is not Match.NONE:
                methods |= route.methods
    return ", ".join(sorted(methods))


async def _validation_error(request: Request, exc: Exception) -> Response:
    # Handlers parse their own input, so this is a safety net: never FastAPI's 422 ``detail``.
    return error_response(400, "Bad Request")


async def _server_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "Internal Server Error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HustleError, _hustle_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _server_error)

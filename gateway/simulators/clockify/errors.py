"""Clockify's error bodies, ``{"message": ..., "code": ...}``, and the handlers that send them.

Codes: 1000 for authentication (the one the vendor sheet quotes), 501 for an unknown or deleted
id and for any other invalid request (Clockify answers 400/501 for both), 429 for the rate limit.
"""

from __future__ import annotations

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.clockify.payloads import ErrorBody

AUTH_CODE = 1000
BAD_REQUEST_CODE = 501
RATE_LIMIT_CODE = 429

MULTIPLE_OR_NONE = "Multiple or none auth tokens present"
# Judgement call: the sheet quotes no message for a well-formed but unknown key; this is the
# Spring Security wording Clockify's backend answers with.
WRONG_KEY = "Full authentication is required to access this resource"
TOO_MANY = "Too many requests"


class ApiError(Exception):
    def __init__(self, status: int, message: str, code: int = BAD_REQUEST_CODE) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def not_found(kind: str, ident: str) -> ApiError:
    """Clockify's answer for an id it does not know (or no longer knows): 400, not 404."""
    return ApiError(400, f"{kind} with id {ident} doesn't belong to Workspace")


def bad_request(message: str) -> ApiError:
    return ApiError(400, message)


def error_response(status: int, message: str, code: int) -> Response:
    body = ErrorBody(message=message, code=code)
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def install_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.code)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        response = error_response(exc.status_code, str(exc.detail), exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    async def invalid(request: Request, exc: Exception) -> Response:
        return error_response(400, "Invalid request", BAD_REQUEST_CODE)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid)

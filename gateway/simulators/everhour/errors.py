"""Everhour's error bodies: ``{"code": <status>, "message": ...}``, plus ``errors`` by field
for validation failures (shared/vendors/everhour.md, "Errors")."""

from __future__ import annotations

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.everhour.payloads import ErrorPayload

MESSAGES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Resource not found",
    405: "Method Not Allowed",
    422: "Validation failed",
    429: "Too Many Requests",
}


def json_response(content: object, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(orjson.dumps(content), status, headers, media_type="application/json")


class ApiError(Exception):
    """Raised by routes and guards; rendered as Everhour's error body."""

    def __init__(self, status: int, errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers

    def response(self) -> Response:
        body: ErrorPayload = {"code": self.status, "message": MESSAGES.get(self.status, "Error")}
        if self.errors is not None:
            body["errors"] = self.errors
        return json_response(body, self.status, self.headers)


class Invalid:
    """Collects field errors so one 422 names every bad field, as Everhour's does."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def check(self) -> None:
        if self.errors:
            raise ApiError(422, self.errors)


def install_handlers(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def http_error(request: Request, exc: Exception) -> Response:
        # Unknown paths and methods answer in Everhour's shape, not FastAPI's {"detail": ...}.
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers) if exc.headers else None
        return ApiError(exc.status_code, headers=headers).response()

    async def invalid_request(request: Request, exc: Exception) -> Response:
        # A safety net: routes parse their own input, but FastAPI's own 422 must look like ours.
        assert isinstance(exc, RequestValidationError)
        errors: dict[str, list[str]] = {}
        for error in exc.errors():
            errors.setdefault(str(error["loc"][-1]), []).append(str(error["msg"]))
        return ApiError(422, errors).response()

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(HTTPException, http_error)

"""Error responses. Harvest does not document an error body; its OAuth layer answers
``{"error": ..., "error_description": ...}``, and this simulator uses that shape for every error.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response

from gateway.simulators.harvest.payloads import ErrorBody

JSON = "application/json; charset=utf-8"


class ApiError(Exception):
    """An error the API answers with: status, machine code, human description, extra headers."""

    def __init__(self, status: int, error: str, description: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {error}: {description}")
        self.status = status
        self.error = error
        self.description = description
        self.headers = headers or {}

    def response(self) -> Response:
        body = ErrorBody(error=self.error, error_description=self.description)
        return Response(orjson.dumps(body), status_code=self.status, media_type=JSON,
                        headers=self.headers)


def invalid(description: str) -> ApiError:
    """422: a parameter Harvest would reject (bad per_page, unparsable date, ...)."""
    return ApiError(422, "invalid_params", description)


def not_found() -> ApiError:
    return ApiError(404, "not_found", "The requested resource was not found.")


def json_response(data: object, status: int = 200) -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type=JSON)

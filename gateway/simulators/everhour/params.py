"""Reading query strings and JSON bodies the way the simulator documents (422 on bad input)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import Request

from gateway.simulators.everhour.errors import ApiError, Invalid

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paging:
    """``page`` counts from 1; ``limit`` defaults to ``default`` and may not exceed ``maximum``."""

    default: int
    maximum: int

    def parse(self, query: QueryParams, invalid: Invalid) -> tuple[int, int]:
        page = _positive(query.get("page"), 1)
        limit = _positive(query.get("limit"), self.default)
        if page is None:
            invalid.add("page", "This value should be an integer greater than or equal to 1.")
        if limit is None or limit > self.maximum:
            invalid.add("limit", f"This value should be an integer between 1 and {self.maximum}.")
        return page or 1, limit or self.default

    @staticmethod
    def slice(items: list[T], page: int, limit: int) -> list[T]:
        return items[(page - 1) * limit : page * limit]


def _positive(raw: str | None, default: int) -> int | None:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 1 else None


def parse_date(raw: object, field: str, invalid: Invalid) -> str | None:
    """A ``YYYY-MM-DD`` date, returned in that (sortable) form."""
    if raw is None or raw == "":
        return None
    try:
        if isinstance(raw, str) and len(raw) == 10:
            return date.fromisoformat(raw).isoformat()
    except ValueError:
        pass
    invalid.add(field, "This value is not a valid date (YYYY-MM-DD).")
    return None


def as_int(value: object) -> int | None:
    """A JSON integer (not a boolean, not a numeric string), else None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def json_object(request: Request) -> dict[str, object]:
    """The request's JSON object; unparseable JSON is a 400, another JSON value a 422."""
    try:
        body = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError as exc:
        raise ApiError(400) from exc
    if not isinstance(body, dict):
        raise ApiError(422, {"body": ["This value should be a JSON object."]})
    return body

"""Query-string parsing with the vendor's conventions, raising 400s in its error body.

Array parameters arrive as ``user_ids[]=1&user_ids[]=2`` (Rails style); ``user_ids=1,2`` and
``user_ids[]=1,2`` are accepted too. ``page_limit`` defaults to 100 (seed 000) and is capped
at 500: the cap is undocumented, and the docs say only that "the endpoint may apply
restrictions to the page size", so a larger value is silently clamped rather than refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from starlette.datastructures import QueryParams

from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.timefmt import parse_datetime

DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Paging:
    start_id: int
    limit: int


def paging(query: QueryParams) -> Paging:
    start_id = integer(query, "page_start_id", 0)
    limit = integer(query, "page_limit", DEFAULT_PAGE_LIMIT)
    if start_id < 0 or limit < 1:
        raise ApiError(Problem.INVALID_PARAMS, "page_start_id or page_limit is invalid")
    return Paging(start_id, min(limit, MAX_PAGE_LIMIT))


def integer(query: QueryParams, name: str, default: int) -> int:
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid") from None


def path_id(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid") from None


def strings(query: QueryParams, name: str) -> list[str]:
    values = query.getlist(f"{name}[]") + query.getlist(name)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def id_set(query: QueryParams, name: str) -> frozenset[int] | None:
    """The ids of array parameter ``name``, or ``None`` when it is absent (no filter)."""
    values = strings(query, name)
    if not values:
        return None
    try:
        return frozenset(int(v) for v in values)
    except ValueError:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid") from None


def includes(query: QueryParams, allowed: Collection[str]) -> set[str]:
    wanted = set(strings(query, "include"))
    unknown = wanted - set(allowed)
    if unknown:
        raise ApiError(Problem.INVALID_PARAMS, "include does not have a valid value")
    return wanted


def choice(query: QueryParams, name: str, allowed: Collection[str], default: str | None
           ) -> str | None:
    value = query.get(name) or default
    if value is not None and value not in allowed:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} does not have a valid value")
    return value


def boolean(query: QueryParams, name: str) -> bool:
    value = query.get(name, "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid")
    return value in ("true", "1")


def required_datetime(query: QueryParams, name: str) -> datetime:
    raw = query.get(name)
    if not raw:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is missing")
    parsed = parse_datetime(raw)
    if parsed is None:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid")
    return parsed


def required_date(query: QueryParams, name: str) -> date:
    raw = query.get(name)
    if not raw:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is missing")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(Problem.INVALID_PARAMS, f"{name} is invalid") from None

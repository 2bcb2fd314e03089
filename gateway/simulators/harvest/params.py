"""Query-string parsing with Harvest's answers to bad values (422)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from gateway.simulators.harvest.errors import invalid

MAX_PER_PAGE = 2000
_BOOLS = {"true": True, "false": False}


def opt_int(query: Mapping[str, str], name: str) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise invalid(f"{name} must be an integer") from None


def opt_bool(query: Mapping[str, str], name: str) -> bool | None:
    raw = query.get(name)
    if raw is None:
        return None
    if raw.lower() not in _BOOLS:
        raise invalid(f"{name} must be true or false")
    return _BOOLS[raw.lower()]


def opt_date(query: Mapping[str, str], name: str) -> date | None:
    raw = query.get(name)
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise invalid(f"{name} must be a date (YYYY-MM-DD)") from None


def opt_datetime(query: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 date-time; one without an offset is read as UTC."""
    raw = query.get(name)
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise invalid(f"{name} must be an ISO 8601 date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def per_page(query: Mapping[str, str]) -> int:
    size = opt_int(query, "per_page")
    if size is None:
        return MAX_PER_PAGE
    if not 1 <= size <= MAX_PER_PAGE:
        raise invalid(f"per_page must be between 1 and {MAX_PER_PAGE}")
    return size


def page(query: Mapping[str, str]) -> int:
    number = opt_int(query, "page")
    if number is None:
        return 1
    if number < 1:
        raise invalid("page must be 1 or more")
    return number

"""Parsing query strings and JSON bodies into plain values, failing as Toggl does (400 with a
plain-string message) instead of FastAPI's 422 objects."""

from __future__ import annotations

from datetime import UTC, date, datetime

from starlette.datastructures import QueryParams

from gateway.simulators.toggl.errors import TogglError

PER_PAGE_DEFAULT = 151
PER_PAGE_MAX = 200


def parse_date(value: object, name: str) -> date:
    """A ``YYYY-MM-DD`` date (the Reports API's only date form)."""
    if not isinstance(value, str):
        raise TogglError(400, f"Invalid {name}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise TogglError(400, f"Invalid {name}") from None


def parse_instant(value: object, name: str) -> int:
    """``YYYY-MM-DD`` (midnight UTC) or an RFC 3339 time with ``Z`` or an offset."""
    if not isinstance(value, str):
        raise TogglError(400, f"Invalid {name}")
    if len(value) == 10:
        day = parse_date(value, name)
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise TogglError(400, f"Invalid {name}") from None
    if moment.tzinfo is None:
        raise TogglError(400, f"Invalid {name}")
    return int(moment.timestamp())


def parse_int(raw: object, name: str, minimum: int | None = None) -> int:
    if isinstance(raw, bool):
        raise TogglError(400, f"Invalid {name}")
    try:
        value = int(raw) if isinstance(raw, (int, str)) else None
    except ValueError:
        value = None
    if value is None or (minimum is not None and value < minimum):
        raise TogglError(400, f"Invalid {name}")
    return value


def page_params(query: QueryParams) -> tuple[int, int]:
    """``page`` from 1 and ``per_page`` (default 151); over 200 is quietly cut to 200."""
    page = parse_int(query.get("page", "1"), "page", minimum=1)
    per_page = parse_int(query.get("per_page", str(PER_PAGE_DEFAULT)), "per_page", minimum=1)
    return page, min(per_page, PER_PAGE_MAX)


def active_filter(query: QueryParams, name: str = "active") -> bool | None:
    """``true`` (default), ``false`` or ``both`` (returned as None)."""
    raw = query.get(name, "true").lower()
    choices: dict[str, bool | None] = {"true": True, "false": False, "both": None}
    if raw not in choices:
        raise TogglError(400, f"Invalid {name}")
    return choices[raw]

"""Normalising vendors' times and durations into the unified model's units (UTC, seconds).

Shared by connectors because the formats are standards (ISO 8601, RFC 3339), not vendor
quirks; each vendor's quirks stay in its own ``mapping.py``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def parse_datetime(text: str | None, *, zone: ZoneInfo | None = None) -> datetime | None:
    """ISO 8601 / RFC 3339 to aware UTC. A zone-less value is read in ``zone`` (UTC if none)."""
    if not text:
        return None
    # Python 3.11 reads a trailing ``Z`` itself, and gives the ``UTC`` singleton for it and
    # for ``+00:00``: most vendor timestamps need no conversion (half the cost of the call).
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is UTC:
        return parsed
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone or UTC)
    return parsed.astimezone(UTC)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def hours_to_seconds(hours: float | int | str | None) -> int:
    """Decimal hours (Harvest's 2.11) to whole seconds, rounded to the nearest second."""
    if hours is None:
        return 0
    return round(float(hours) * 3600)


_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*([ap]m)?\s*$", re.IGNORECASE)


def parse_wall_clock(text: str | None) -> time | None:
    """``"3:00pm"``, ``"9:05am"`` or 24-hour ``"15:00"`` to a ``time``; ``None`` if unreadable."""
    if not text:
        return None
    match = _CLOCK.match(text)
    if not match:
        return None
    hour, minute, meridiem = int(match[1]), int(match[2]), (match[3] or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def local_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


_ISO_DURATION = re.compile(
    r"^P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def parse_iso_duration(text: str | None) -> int | None:
    """ISO 8601 durations of days/hours/minutes/seconds (``PT1H30M``, ``P1DT2H``) to seconds."""
    if text is None:
        return None
    match = _ISO_DURATION.match(text)
    if not match or text in ("P", "PT"):
        raise ValueError(f"not an ISO 8601 duration: {text!r}")
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    delta = timedelta(
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
    return round(delta.total_seconds())

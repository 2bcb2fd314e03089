"""Harvest's date and time notations: ISO 8601 UTC stamps, and "3:00pm" wall-clock times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

# The seeded account's time zone: started_time/ended_time are wall-clock times in it.
ACCOUNT_TZ_NAME = "America/New_York"
ACCOUNT_TZ = ZoneInfo(ACCOUNT_TZ_NAME)


def iso(moment: datetime) -> str:
    """``2026-01-01T12:00:00Z``: Harvest stamps are UTC with whole seconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock_time(moment: time | datetime) -> str:
    """``9:00am`` / ``12:30pm``, the 12-hour form Harvest uses for started_time/ended_time."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}"


def parse_clock_time(text: str) -> time | None:
    """The inverse of :func:`clock_time` (also accepts 24-hour ``15:30``); ``None`` if invalid."""
    raw = text.strip().lower()
    suffix = raw[-2:] if raw[-2:] in ("am", "pm") else ""
    hh, sep, mm = raw.removesuffix(suffix).strip().partition(":")
    if not (hh.isdigit() and (not sep or mm.isdigit())):
        return None
    hour, minute = int(hh), int(mm or 0)
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def local_moment(day: date, wall: time) -> datetime:
    """The UTC instant of a wall-clock time on ``day`` in the account zone."""
    return datetime.combine(day, wall, ACCOUNT_TZ).astimezone(UTC)

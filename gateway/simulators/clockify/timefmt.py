"""Clockify's time formats: UTC instants ``yyyy-MM-ddThh:mm:ssZ`` and ISO 8601 durations.

Durations are written the way Clockify's Java backend writes them (``java.time.Duration``):
hours, minutes and seconds only, never days, so 26.5 hours is ``PT26H30M`` and zero is ``PT0S``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def iso_instant(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    text += f"{secs}S" if secs else ""
    return "PT" + (text or "0S")


def parse_instant(text: str, default_tz: str = "UTC") -> datetime:
    """An ISO 8601 instant; a value without an offset is read in ``default_tz``.

    Raises ``ValueError`` for anything else, which routes turn into Clockify's 400.
    """
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(default_tz))
    return parsed.astimezone(UTC)

"""Timestamp formats of the live API: ISO 8601 UTC, record stamps with microseconds.

``created_at``/``updated_at`` look like ``2026-07-30T14:46:52.537143Z`` (vendor sheet);
``time_slot``/``starts_at`` are whole seconds (``2026-07-30T14:40:00Z``). ``time.gmtime``
is used because it is several times faster than ``datetime.strftime`` for the ~50k seeded
activities.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from functools import lru_cache

_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


@lru_cache(maxsize=4096)  # slot starts repeat for every member tracking in that slot
def seconds_stamp(epoch: int) -> str:
    return time.strftime(_SECONDS, time.gmtime(epoch))


def micro_stamp(epoch_us: int) -> str:
    seconds, micros = divmod(epoch_us, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros:06d}Z"


def day_start(day: date) -> int:
    """Epoch seconds of 00:00 UTC on ``day`` (the organization's time zone is UTC)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def epoch_date(epoch: int) -> date:
    return datetime.fromtimestamp(epoch, UTC).date()


def parse_datetime(text: str) -> datetime | None:
    """ISO 8601 date-time (``Z`` or an offset; naive means UTC), or ``None`` if malformed."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)

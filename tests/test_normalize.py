"""``parse_datetime``: every vendor's timestamp text to an aware datetime in the ``UTC`` singleton
(the compiled GraphQL path serializes only that one without a call)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gateway.normalize import parse_datetime

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("2026-03-20T10:00:00Z", None, datetime(2026, 3, 20, 10, tzinfo=UTC)),
        ("2026-03-20T10:00:00.012951Z", None, datetime(2026, 3, 20, 10, 0, 0, 12951, tzinfo=UTC)),
        ("2026-03-20T10:00:00+00:00", None, datetime(2026, 3, 20, 10, tzinfo=UTC)),
        ("2026-03-20T11:30:00+01:30", None, datetime(2026, 3, 20, 10, tzinfo=UTC)),
        ("2026-03-20T10:00:00", None, datetime(2026, 3, 20, 10, tzinfo=UTC)),
        ("2026-03-20T11:00:00", BERLIN, datetime(2026, 3, 20, 10, tzinfo=UTC)),
        ("2026-03-20T10:00:00Z", BERLIN, datetime(2026, 3, 20, 10, tzinfo=UTC)),  # zone unused
        ("2026-10-25T02:30:00+01:00", BERLIN, datetime(2026, 10, 25, 1, 30, tzinfo=UTC)),
    ],
)
def test_timestamps_come_out_in_the_utc_singleton(
    text: str, zone: ZoneInfo | None, expected: datetime
) -> None:
    parsed = parse_datetime(text, zone=zone)
    assert parsed == expected and parsed is not None and parsed.tzinfo is UTC


@pytest.mark.parametrize("text", [None, ""])
def test_no_text_is_no_time(text: str | None) -> None:
    assert parse_datetime(text) is None


def test_text_that_is_not_a_timestamp_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_datetime("yesterday")

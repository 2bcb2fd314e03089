"""Growing windows (``windows.growing``) and where they reach once a floor is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gateway.connectors.hubstaff.windows import Window, growing

NOW = datetime(2026, 11, 29, 21, 30, tzinfo=UTC)  # a Sunday evening, on a slot
WEEK = Window(NOW - timedelta(days=7), NOW)
HOUR = timedelta(hours=1)


def _sizes(reach: list[datetime | None]) -> list[Window]:
    """The windows ``growing`` gives for the week when ``reach()`` answers ``reach`` in turn
    (then the last answer again)."""
    answers = iter(reach)
    last: list[datetime | None] = [None]

    def probe() -> datetime | None:
        last[0] = next(answers, last[0])
        return last[0]

    return list(growing(WEEK, 6 * HOUR, timedelta(days=7), probe))


def test_without_a_floor_windows_grow_from_6_hours_to_the_rest_of_the_week() -> None:
    spans = [w.stop - w.start for w in _sizes([])]
    assert spans == [6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 78 * HOUR]


@pytest.mark.parametrize(
    ("floor", "start"),
    [
        pytest.param(
            NOW - 30 * HOUR - timedelta(minutes=3),
            NOW - 30 * HOUR - timedelta(minutes=10),
            id="inside-a-slot",
        ),
        pytest.param(NOW - 30 * HOUR, NOW - 30 * HOUR - timedelta(minutes=10), id="a-slot-start"),
        pytest.param(
            NOW - 8 * HOUR, NOW - 8 * HOUR - timedelta(minutes=10), id="nearer-than-12-hours"
        ),
        pytest.param(NOW - timedelta(days=9), WEEK.start, id="past-the-range"),
    ],
)
def test_once_a_floor_is_known_the_next_window_reaches_just_past_it(
    floor: datetime, start: datetime
) -> None:
    # The slot the floor falls in is read whole, and the slot before a floor on a slot's
    # start: a session starting exactly then is whole in this window, not held back.
    first, reaching, *rest = _sizes([None, floor])
    assert first == Window(NOW - 6 * HOUR, NOW) and reaching == Window(start, first.start)
    # Past it, windows grow on (a day: the one reaching stood for the 12-hour one).
    if rest:
        assert rest[0] == Window(max(WEEK.start, start - 24 * HOUR), start)


def test_a_floor_within_the_window_read_leaves_the_windows_growing() -> None:
    # The page needs nothing older than what was read: a caller reading on wants more than
    # the page, and gets the growing windows.
    assert _sizes([None, NOW - HOUR]) == _sizes([])


def test_a_window_never_reaches_past_the_largest_size() -> None:
    span = Window(NOW - timedelta(days=20), NOW)
    got = list(growing(span, 6 * HOUR, timedelta(days=7), lambda: NOW - timedelta(days=15)))
    assert [w.stop - w.start for w in got[:2]] == [timedelta(days=7)] * 2  # capped, then on

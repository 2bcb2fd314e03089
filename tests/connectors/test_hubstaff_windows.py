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


def _recalling(recalled: datetime | None, reach: tuple[datetime | None, ...] = ()) -> list[Window]:
    """The week's windows when the same question reached back to ``recalled`` a moment ago,
    and ``reach()`` answers ``reach`` in turn (then nothing)."""
    answers = iter(reach)
    return list(growing(WEEK, 6 * HOUR, timedelta(days=7), lambda: next(answers, None), recalled))


def test_a_recalled_reach_further_back_than_6_hours_is_where_the_first_window_starts() -> None:
    # The same question a moment ago needed sessions back to 30 hours: read that in one.
    first, *rest = _recalling(NOW - 30 * HOUR - timedelta(minutes=3))
    assert first == Window(NOW - 30 * HOUR - timedelta(minutes=10), NOW)
    assert rest[0] == Window(first.start - 12 * HOUR, first.start)  # then on, growing


@pytest.mark.parametrize(
    "recalled", [pytest.param(NOW - HOUR, id="nearer"), pytest.param(None, id="nothing")]
)
def test_a_recalled_reach_within_6_hours_or_none_leaves_the_windows_as_they_were(
    recalled: datetime | None,
) -> None:
    assert _recalling(recalled) == _sizes([])


def test_the_floor_decides_where_it_is_known_whatever_is_recalled() -> None:
    # Known before the first window (the page's own floor, 10 hours back): it, not a
    # recollection of 30 hours, says how far that window reaches.
    first, *_ = _recalling(NOW - 30 * HOUR, (NOW - 10 * HOUR,))
    assert first.start == NOW - 10 * HOUR - timedelta(minutes=10)
    # Known only after it (50 hours back): the next window reaches from the recalled start.
    first, reaching, *_ = _recalling(NOW - 30 * HOUR, (None, NOW - 50 * HOUR))
    assert reaching == Window(NOW - 50 * HOUR - timedelta(minutes=10), first.start)


def test_a_recalled_reach_is_capped_like_any_window() -> None:
    span = Window(NOW - timedelta(days=20), NOW)
    got = list(growing(span, 6 * HOUR, timedelta(days=7), lambda: None, NOW - timedelta(days=15)))
    assert got[0] == Window(NOW - timedelta(days=7), NOW)

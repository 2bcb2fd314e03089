"""How to list a workspace's time entries: per-user fan-out or the detailed report.

Clockify lists time entries per user only; the workspace-wide path answers 405. Two ways
cover a workspace, and the cheaper is chosen by counting calls (the 50 requests/s limit, not
our CPU, is the wall):

- **fan-out**: one ``/user/{id}/time-entries`` walk per member at 5000 entries a page, so at
  least one call per member (more only for a member with over 5000 entries in the range);
  running timers come with it.
- **report**: one detailed-report walk per window of at most 31 days at 1000 entries a page,
  so at least one call per window, plus one ``time-entries/status/in-progress`` call because
  the report leaves running timers out.

The member count decides. A listing for named users knows it. An unfiltered one would have to
walk the users list (one call per 1000 members) to learn it, and does so only when the count
can change the choice (:func:`needs_count`): a fan-out over the whole membership pays that
walk and then a call per member, and a workspace always has one (its owner), so it costs at
least 2 calls and a report of at most 2 (one window, with or without the running call) is
never dearer. Otherwise the walk is paid (the fan-out needs it anyway) and the rule compares
the lower bounds, ``members`` (plus the walk again if the one that gave the count is too old
to reuse) against ``windows + 1``, taking the report only when it is strictly cheaper (a tie
goes to the fan-out, which needs no second endpoint). The bound is exact for the fan-out in
practice (a member rarely logs 5000 entries in a range); the report loses its lead only past
``1000 * (members - 1) / windows`` entries a window (39,000 a month for 40 members).

Measured against the simulator (40 members, 30 days, 2921 entries of which 5 running):
report 4 calls (report pages 3 + in-progress 1), fan-out 41 (users 1 + 40).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

REPORT_MAX_DAYS = 31  # per call on the FREE plan (vendor sheet, "Reports")


class Strategy(StrEnum):
    FAN_OUT = "fan-out"
    REPORT = "report"
    IN_PROGRESS = "in-progress"  # running entries only: one workspace-wide call


@dataclass(frozen=True, slots=True)
class Window:
    """A range of instants, ``start`` inclusive, ``end`` the last second included."""

    start: datetime
    end: datetime


# The fewest calls a fan-out over an unnamed membership costs: the users walk and one member.
FAN_OUT_FLOOR = 2


def needs_count(windows: int | None, *, running: bool | None) -> bool:
    """Whether the member count can change the choice for an unfiltered listing (see above)."""
    if running is True or windows is None:
        return False
    return _report_calls(windows, running) > FAN_OUT_FLOOR


def choose(
    members: int | None, windows: int | None, *, running: bool | None, walk: int = 0
) -> Strategy:
    """``members``: how many a fan-out calls, ``None`` when unknown (only where
    :func:`needs_count` says the count cannot matter); ``walk``: the calls it pays first to list
    them. ``windows`` is ``None`` for an open range (no start date), which the report cannot
    take."""
    if running is True:
        return Strategy.IN_PROGRESS
    if windows is None:
        return Strategy.FAN_OUT
    if members is None:
        return Strategy.REPORT
    return Strategy.REPORT if _report_calls(windows, running) < members + walk else Strategy.FAN_OUT


def _report_calls(windows: int, running: bool | None) -> int:
    """A call per window, and one for the running timers unless only finished ones are asked."""
    return windows + (0 if running is False else 1)


def day_range(first: date, last: date, zone: ZoneInfo) -> Window:
    """Local calendar days ``first``..``last`` as UTC instants."""
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return Window(start, end - timedelta(seconds=1))


def windows(
    first: date, last: date, zone: ZoneInfo, max_days: int = REPORT_MAX_DAYS
) -> list[Window]:
    """``first``..``last`` cut into report windows of at most ``max_days`` days, newest first.

    A window of ``max_days`` local days can be an hour longer in UTC across a DST change;
    such a window is cut one day shorter so the vendor's limit holds on instants too.
    """
    out: list[Window] = []
    day = first
    while day <= last:
        span = max_days
        while True:
            window = day_range(day, min(last, day + timedelta(days=span - 1)), zone)
            if window.end - window.start < timedelta(days=max_days) or span == 1:
                break
            span -= 1
        out.append(window)
        day += timedelta(days=span)
    return out[::-1]

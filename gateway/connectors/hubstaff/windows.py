"""Time ranges the way Hubstaff's activity endpoints need them. Pure functions.

``time_slot`` ranges may span at most 7 days and activities sit in 10-minute UTC slots, so a
query's range is put on slot boundaries and cut into windows, newest first. Sessions are
rebuilt from the windows' activities; one that starts exactly at a window's lower edge may
have begun in the window before it, and one that touches a query edge may go on beyond it:
these are the ones :func:`split_at` holds back and :func:`reaches` follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from gateway.connectors.hubstaff.mapping import Session

SLOT = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Window:
    start: datetime
    stop: datetime  # exclusive


def windows(span: Window, size: timedelta) -> list[Window]:
    """``span`` cut into windows of at most ``size``, newest first, aligned on its end."""
    out: list[Window] = []
    stop = span.stop
    while stop > span.start:
        out.append(Window(max(span.start, stop - size), stop))
        stop -= size
    return out


def growing(
    span: Window,
    first: timedelta,
    largest: timedelta,
    reach: Callable[[], datetime | None] = lambda: None,
    recalled: datetime | None = None,
) -> Iterator[Window]:
    """``span`` cut into windows newest first, the first ``first`` long and each next one twice
    the one before (at most ``largest``), aligned on its end.

    Each window is decided once the one before has been read: where ``reach()`` then says how
    far back entries are still needed, the window reaches just past there instead (at most
    ``largest``), nearer or further than its size. Past that moment the caller needs no
    session, so this window is the last one it reads unless it reads on. ``recalled``: how far
    back the same question's entries reached a moment ago; the first window reaches just past
    there when that is further back than ``first`` (and ``reach()`` says nothing yet).
    """
    stop, size = span.stop, first
    while stop > span.start:
        start = stop - size
        needed = reach()
        if needed is None and recalled is not None and recalled < start:
            needed = recalled
        if needed is not None and needed < stop:
            # A slot before it when it is a slot's start: a session starting exactly then is
            # then whole in this window, not held back as one that may have begun before it.
            start = max(stop - largest, ceil_slot(needed) - SLOT)
        start = max(span.start, start)
        yield Window(start, stop)
        stop, size, recalled = start, min(size * 2, largest), None  # recalled: the first only


def chunks(items: list[Window], size: int) -> list[list[Window]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def split_at(sessions: Iterable[Session], floor: datetime) -> tuple[list[Session], list[Session]]:
    """Sessions that are whole, and those starting at ``floor`` (they may begin earlier)."""
    ready: list[Session] = []
    held: list[Session] = []
    for session in sessions:
        (held if session.start <= floor else ready).append(session)
    return ready, held


def reaches(session: Session, edge: datetime, origin: datetime, *, forward: bool) -> bool:
    """Does ``session``, which crossed ``origin``, still reach ``edge`` (and maybe beyond)?"""
    if forward:
        return session.end == edge and session.start < origin
    return session.start == edge and session.end > origin


def by_start(session: Session) -> tuple[datetime, int]:
    return session.start, session.first["id"]


def day_ranges(first: date, last: date, days: int) -> list[tuple[date, date]]:
    """Inclusive day ranges of at most ``days`` covering ``first``..``last``, oldest first."""
    out: list[tuple[date, date]] = []
    while first <= last:
        end = min(last, first + timedelta(days=days - 1))
        out.append((first, end))
        first = end + timedelta(days=1)
    return out


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def floor_slot(moment: datetime) -> datetime:
    epoch = int(moment.timestamp())
    return datetime.fromtimestamp(epoch - epoch % int(SLOT.total_seconds()), UTC)


def ceil_slot(moment: datetime) -> datetime:
    floor = floor_slot(moment)
    return floor if floor == moment else floor + SLOT

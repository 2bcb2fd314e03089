"""Listings without ``from`` read nearest week first: the near days, then, if needed, the rest."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Hashable, Sequence
from contextlib import aclosing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from cachetools import TTLCache

from gateway.connectors.base import Order, TimeEntryQuery
from gateway.filters import entry_frontier, entry_key
from gateway.listing import Boundary
from gateway.models import TimeEntry

# Listings without `from` read the nearest week first (``recent_first``) when the page
# asked for is at most this big: the dashboard's 50 latest entries are days old, not a year.
# Bigger pages read the range at once: a vendor paging newest first (Harvest, 2000 a page)
# answers 500 entries in one call, which a week too short for them would turn into two.
RECENT_DAYS = 7
RECENT_FIRST_MAX = 100
# How long, and for how many listings, the day a listing's first page ended on is kept
# (``Reached``): a dashboard refreshed within minutes reads its near part from about there.
REACHED_FOR = 600.0  # seconds
REACHED_KEPT = 256
# Later and earlier than any entry's start: a ``Boundary`` between whole days.
_LAST_MOMENT = datetime.max.replace(tzinfo=UTC)
_FIRST_MOMENT = datetime.min.replace(tzinfo=UTC)
_DAY = timedelta(days=1)


class Reached:
    """The day each listing read nearest first (``recent_first``) last ended its first page
    on, kept a while.

    Asked again (a dashboard refreshed), the listing reads its near part from the day before
    it on (``_near_then_rest``) instead of the whole ``RECENT_DAYS``: the page's entries lay
    on or after that day, and entries added since come later still, so the page lies there
    again. The vendors send, and the gateway decodes, maps and merges, a day or two of entries
    instead of a week, in the same calls. An entry deleted or moved since can leave the page
    short of that day: then the rest is read, one listing more, as when the near week is not
    enough, and the page is the same.
    """

    def __init__(
        self,
        *,
        ttl: float = REACHED_FOR,
        maxsize: int = REACHED_KEPT,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._days: TTLCache[Hashable, date] = TTLCache(maxsize=maxsize, ttl=ttl, timer=timer)

    def get(self, listing: Hashable) -> date | None:
        return self._days.get(listing)

    def remember(self, listing: Hashable, page: Sequence[TimeEntry], first: int) -> None:
        """``page`` is ``listing``'s first page of ``first`` entries. A page short of
        ``first`` read the whole range: there is nothing to remember for next time."""
        if page and len(page) >= first:
            self._days[listing] = page[-1].date
        else:
            self._days.pop(listing, None)


async def recent_first(
    q: TimeEntryQuery,
    *,
    declared: Order | None,
    today: date,
    filtered: Callable[[TimeEntryQuery], AsyncGenerator[TimeEntry, None]],
    reached: date | None = None,
) -> AsyncIterator[TimeEntry | Boundary]:
    """``q`` read as two listings: the ``RECENT_DAYS`` at the near end of the range first,
    then, only if the merge still wants more, the rest.

    Without ``from`` the range is the whole lookback (a year), yet "the 50 latest" lie in
    the last day or two. A source read whole (Toggl's report, sorted only once read) or in windows
    fetched concurrently (Hubstaff's 7-day activity windows, Clockify's 31-day reports)
    would spend a year's calls on them; the near listing is one window, and the merge
    closes this stream before the rest is asked for. The cost when it is not enough is
    one extra listing; that is why only small pages (``RECENT_FIRST_MAX``) take this path.
    Each part comes out in date order (sorted here when the connector's is not), so the
    merge can stop early whatever the vendor; and the near part ends with a ``Boundary`` at
    its far day, so the merge knows the part's last day whole without asking for the rest:
    four of the six vendors' connectors mark no cut of their own, and a near part ending on
    the page's last day (``reached``) would otherwise cost the rest, a year, to close it.

    ``declared`` is the order the source's connector yields dates in, ``today`` the gateway's
    date and ``filtered`` the source's locally filtered listing of a query. ``reached``: the
    day the same listing's first page ended on a moment ago (``Reached``); the near part then
    stops a day past there, if that is nearer.
    """
    ordered = declared is q.order
    *near, rest = _near_then_rest(q, today, reached)
    for part in (*near, rest):
        async with aclosing(filtered(part)) as entries:
            batch: list[TimeEntry] = []
            if ordered:
                async for entry in entries:
                    yield entry
            else:
                batch = [entry async for entry in entries]
        batch.sort(key=entry_key, reverse=q.order is Order.DESC)  # read whole, then in order
        for entry in batch:
            yield entry
        if part is not rest:
            yield _boundary_after(part)


def _boundary_after(part: TimeEntryQuery) -> Boundary:
    """What every entry after ``part`` (a near part: the rest lies beyond its far day) comes
    after: the day past its far end, whole."""
    if part.order is Order.DESC:
        assert part.date_from is not None
        return Boundary(entry_frontier(part.order)(part.date_from - _DAY, _LAST_MOMENT))
    assert part.date_to is not None
    return Boundary(entry_frontier(part.order)(part.date_to + _DAY, _FIRST_MOMENT))


def _near_then_rest(
    q: TimeEntryQuery, today: date, reached: date | None = None
) -> list[TimeEntryQuery]:
    """``q`` cut into its ``RECENT_DAYS`` nearest days (in ``q.order``), or its days up to
    the day past ``reached`` if fewer, and the rest.

    A day past it, not ``reached`` itself: Hubstaff reads sessions by the moment, and its
    windows reaching the range's first midnight would have to follow the sessions running
    into it from the day before (a call, for sessions a page ending that day mostly does not
    show); a day's margin keeps them off that edge. The other vendors send a day more."""
    assert q.date_from is not None  # the lookback always sets it
    span = timedelta(days=RECENT_DAYS - 1)
    if q.order is Order.DESC:
        end = q.date_to or today
        cut = end - span
        if reached is not None:
            cut = max(cut, min(reached - _DAY, end))
        if cut <= q.date_from:
            return [q]
        return [replace(q, date_from=cut), replace(q, date_to=cut - _DAY)]
    cut = q.date_from + span
    if reached is not None:
        cut = min(cut, max(reached + _DAY, q.date_from))
    if q.date_to is not None and cut >= q.date_to:
        return [q]
    return [replace(q, date_to=cut), replace(q, date_from=cut + _DAY)]

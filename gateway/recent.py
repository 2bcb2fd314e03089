"""Listings without ``from`` read nearest week first: the near days, then, if needed, the rest."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from dataclasses import replace
from datetime import date, timedelta

from gateway.connectors.base import Order, TimeEntryQuery
from gateway.filters import entry_key
from gateway.models import TimeEntry

# Listings without `from` read the nearest week first (``recent_first``) when the page
# asked for is at most this big: the dashboard's 50 latest entries are days old, not a year.
# Bigger pages read the range at once: a vendor paging newest first (Harvest, 2000 a page)
# answers 500 entries in one call, which a week too short for them would turn into two.
RECENT_DAYS = 7
RECENT_FIRST_MAX = 100


async def recent_first(
    q: TimeEntryQuery,
    *,
    declared: Order | None,
    today: date,
    filtered: Callable[[TimeEntryQuery], AsyncGenerator[TimeEntry, None]],
) -> AsyncIterator[TimeEntry]:
    """``q`` read as two listings: the ``RECENT_DAYS`` at the near end of the range first,
    then, only if the merge still wants more, the rest.

    Without ``from`` the range is the whole lookback (a year), yet "the 50 latest" lie in
    the last day or two. A source read whole (Toggl's report, sorted only once read) or in windows
    fetched concurrently (Hubstaff's 7-day activity windows, Clockify's 31-day reports)
    would spend a year's calls on them; the near listing is one window, and the merge
    closes this stream before the rest is asked for. The cost when it is not enough is
    one extra listing; that is why only small pages (``RECENT_FIRST_MAX``) take this path.
    Each part comes out in date order (sorted here when the connector's is not), so the
    merge can stop early whatever the vendor.

    ``declared`` is the order the source's connector yields dates in, ``today`` the gateway's
    date and ``filtered`` the source's locally filtered listing of a query.
    """
    ordered = declared is q.order
    for part in _near_then_rest(q, today):
        async with aclosing(filtered(part)) as entries:
            if ordered:
                async for entry in entries:
                    yield entry
                continue
            batch = [entry async for entry in entries]
        batch.sort(key=entry_key, reverse=q.order is Order.DESC)
        for entry in batch:
            yield entry


def _near_then_rest(q: TimeEntryQuery, today: date) -> list[TimeEntryQuery]:
    """``q`` cut into its ``RECENT_DAYS`` nearest days (in ``q.order``) and the rest."""
    assert q.date_from is not None  # the lookback always sets it
    span = timedelta(days=RECENT_DAYS - 1)
    if q.order is Order.DESC:
        cut = (q.date_to or today) - span
        if cut <= q.date_from:
            return [q]
        return [replace(q, date_from=cut), replace(q, date_to=cut - timedelta(days=1))]
    cut = q.date_from + span
    if q.date_to is not None and cut >= q.date_to:
        return [q]
    return [replace(q, date_to=cut), replace(q, date_from=cut + timedelta(days=1))]

"""Which Toggl endpoint answers a time-entry query, and with what filters. Pure functions.

- ``/me/time_entries`` (Track API) is unpaginated, returns at most ~1000 entries and reaches
  back only about three months: used for a short, recent range of the token's own user.
- ``/me/time_entries/current`` answers "is my timer running" in one call.
- Everything else (other users, the whole workspace, long or old ranges) goes to the Reports
  API v3, whose ``search/time_entries`` takes at most 366 days per request.
(shared/vendors/toggl.md; Toggl's docs on /me/time_entries and the Reports API limits)
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Any

from gateway.connectors.base import TimeEntryQuery

ME_LOOKBACK_DAYS = 90
ME_MAX_DAYS = 31
ME_MAX_ENTRIES = 1000
REPORT_MAX_DAYS = 366
DEFAULT_LOOKBACK_DAYS = 365
# Entries are dated by the UTC day of their start; Toggl filters in the user's time zone.
# Asking for one more day on each side keeps every entry the caller's range can contain.
PAD = timedelta(days=1)


class Route(Enum):
    NOTHING = "nothing"  # a filter names no object that can exist in Toggl
    CURRENT = "current"
    ME = "me"
    REPORTS = "reports"


def numeric(ids: frozenset[str] | None) -> list[int] | None:
    """Toggl ids are integers: other native ids cannot match anything (``None``: no filter)."""
    return None if ids is None else sorted(int(i) for i in ids if i.isdigit())


def only_user(query: TimeEntryQuery) -> str | None:
    """The one user the query is about, if it names exactly one."""
    if query.user_ids is None or len(query.user_ids) != 1:
        return None
    return next(iter(query.user_ids))


def route(query: TimeEntryQuery, today: date, me: str | None) -> Route:
    """``me``: the token's own user id, when the query names exactly that user (else ``None``)."""
    if any(ids == [] for ids in (numeric(query.user_ids), numeric(query.project_ids),
                                 numeric(query.client_ids))):
        return Route.NOTHING
    if me is None or only_user(query) != me:
        return Route.REPORTS
    if query.running is True:
        return Route.CURRENT
    start, end = query.date_from, query.date_to or today
    if start is None or start < today - timedelta(days=ME_LOOKBACK_DAYS):
        return Route.REPORTS
    return Route.ME if (end - start).days < ME_MAX_DAYS else Route.REPORTS


def me_params(query: TimeEntryQuery, today: date) -> dict[str, str | int | None]:
    start = (query.date_from or today - timedelta(days=ME_LOOKBACK_DAYS)) - PAD
    # end_date is exclusive on /me/time_entries: the day after the padded end.
    end = (query.date_to or today) + PAD + timedelta(days=1)
    return {"start_date": start.isoformat(), "end_date": end.isoformat()}


def report_windows(query: TimeEntryQuery, today: date) -> list[tuple[date, date]]:
    """Inclusive date windows of at most 366 days covering the padded range, newest first."""
    start = (query.date_from or today - timedelta(days=DEFAULT_LOOKBACK_DAYS)) - PAD
    end = (query.date_to or today) + PAD
    windows: list[tuple[date, date]] = []
    while end >= start:
        first = max(start, end - timedelta(days=REPORT_MAX_DAYS - 1))
        windows.append((first, end))
        end = first - timedelta(days=1)
    return windows


def report_body(query: TimeEntryQuery, window: tuple[date, date], page_size: int) -> dict[str, Any]:
    """The search body: dates and id filters pushed down (``billable`` is a premium-only
    filter on Toggl's side, so it is left to the caller's local filtering)."""
    body: dict[str, Any] = {
        "start_date": window[0].isoformat(),
        "end_date": window[1].isoformat(),
        "page_size": page_size,
    }
    for key, ids in (("user_ids", query.user_ids), ("project_ids", query.project_ids),
                     ("client_ids", query.client_ids)):
        if ids is not None:
            body[key] = numeric(ids)
    return body

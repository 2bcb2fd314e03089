"""Ground truth read straight from a simulator's API, for bounds the gateway's answer cannot give.

Clockify's running timers come from a listing that names nothing (ids only); the report rows
of the same range name users and projects (with their clients). A timer whose user or project
no row names needs that list: :func:`clockify_unnamed` says which, if any.

Hubstaff's time entries are sessions rebuilt from 10-minute activities, so the fewest calls for
a date range are the activity pages of that range at the largest page (500), cut into the
fewest 7-day windows the API allows (``time_slot`` spans at most 7 days), plus, for a range
from a fixed day, the reads back past its start that an entry beginning exactly there needs (it
may have begun before: only the activities before the edge tell). For the dashboard's newest
entries the walk starts at the last shown entry's 10-minute slot, not at its day: sessions are
rebuilt from activities by time, so no older activity can place a session among them (a
vendor sorted by day alone must read the whole day). This walks them once, as the
vendor's API serves them, and counts the pages. It uses the demo refresh token, which rotates:
callers reset the simulator afterwards (``POST /_simulator/reset``).
"""

from __future__ import annotations

import math
import time as clock
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx

from gateway.simulators import load

PAGE_LIMIT = 500
MAX_FOLLOWS = 10  # days read back at most (an entry longer than that is not a tracker's)
WINDOW = timedelta(days=7)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ActivityPages:
    """The fewest activity calls for a Hubstaff question (``hubstaff_activity_pages``)."""

    windows: list[int]  # pages per 7-day window, newest first
    follows: int = 0  # calls reading back past the range's start (see ``_follows``)


def hubstaff_activity_pages(
    root: str,
    first: date | datetime,
    last: date,
    *,
    client_projects: bool = False,
    follow: bool = False,
) -> ActivityPages:
    """Activity pages (500 each) per 7-day window covering the UTC days ``first``..``last``
    (from the slot of ``first``, a moment); ``client_projects``: only the activities of
    projects that have a client (a question that reaches entries through clients -> projects
    asks for no others); ``follow``: also the calls that whole entries at the range's start
    need (``_follows``)."""
    source = load("hubstaff").demo_source(root)
    grant = {"grant_type": "refresh_token", "refresh_token": str(source["refresh_token"])}
    with httpx.Client(timeout=60) as client:
        token = client.post(str(source["token_url"]), data=grant).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        org = f"{source['base_url']}/organizations/{source['organization_id']}"
        only: list[tuple[str, str]] = []
        if client_projects:  # the seeded directory fits one page
            listed = client.get(f"{org}/projects", params={"status": "all", "page_limit": "500"})
            projects = listed.raise_for_status().json()["projects"]
            only = [("project_ids[]", str(p["id"])) for p in projects if p.get("client_id")]
        walk = _Walk(client, f"{org}/activities", only)
        if isinstance(first, datetime):
            start = first.astimezone(UTC).replace(second=0, microsecond=0)
            start -= timedelta(minutes=start.minute % 10)
        else:
            start = datetime.combine(first, time(), UTC)
        stop = datetime.combine(last + timedelta(days=1), time(), UTC)
        windows = math.ceil((stop - start) / WINDOW)
        pages: list[int] = []
        read: list[dict[str, Any]] = []
        for index in range(windows):
            w_stop = stop - index * WINDOW
            found, count = walk(max(start, w_stop - WINDOW), w_stop)
            pages.append(count)
            read += found
        return ActivityPages(pages, _follows(walk, read, start) if follow else 0)


class _Walk:
    """Every activity of a slot range, page by page as the API serves them, and the pages."""

    def __init__(self, client: httpx.Client, url: str, only: list[tuple[str, str]]) -> None:
        self._client, self._url, self._only = client, url, only

    def __call__(
        self, start: datetime, stop: datetime, users: Iterable[int] = ()
    ) -> tuple[list[dict[str, Any]], int]:
        params: list[tuple[str, str | int | float | bool | None]] = [
            ("time_slot[start]", _stamp(start)),
            ("time_slot[stop]", _stamp(stop)),
            ("page_limit", str(PAGE_LIMIT)),
            *self._only,
            *(("user_ids[]", str(u)) for u in sorted(users)),
        ]
        found: list[dict[str, Any]] = []
        pages = 0
        while True:
            body = self._client.get(self._url, params=params).raise_for_status().json()
            pages += 1
            found += body["activities"]
            following = (body.get("pagination") or {}).get("next_page_start_id")
            if not following:
                return found, pages
            params = [*(p for p in params if p[0] != "page_start_id"), ("page_start_id", following)]


def _follows(walk: _Walk, read: list[dict[str, Any]], origin: datetime) -> int:
    """Calls reading back from ``origin`` (the range's start), a day at a time, while an
    entry there may have begun earlier: an activity starting exactly at the edge may continue
    one of the same user, project and task that ends there, which only the activities before
    the edge can show. Only the users concerned are asked for."""
    chains = [a for a in read if _span(a)[0] == origin]
    calls, edge, before = 0, origin, list(chains)
    for _ in range(MAX_FOLLOWS):
        if not chains:
            break
        day = edge - timedelta(days=1)
        found, pages = walk(day, edge, {a["user_id"] for a in chains})
        calls, before = calls + pages, before + found
        ends = {(_group(a), _span(a)[1]): a for a in before}
        reaching = []
        for first in chains:  # walk each chain back through activities that end where it starts
            begins = _span(first)[0]
            while (link := ends.get((_group(first), begins))) is not None:
                begins = _span(link)[0]
                if begins == day:
                    reaching.append(first)
                    break
        chains, edge = reaching, day
    return calls


def _span(activity: dict[str, Any]) -> tuple[datetime, datetime]:
    begins = datetime.fromisoformat(activity["starts_at"])
    return begins, begins + timedelta(seconds=activity.get("tracked", 0))


def _group(activity: dict[str, Any]) -> tuple[Any, Any, Any]:
    return activity["user_id"], activity.get("project_id"), activity.get("task_id")


def toggl_report_pages(root: str, first: date, last: date) -> int:
    """Reports API pages (1000 rows each) for ``first``..``last``: a row groups entries with
    equal attributes, so pages follow rows, not entries. Paced at Toggl's 1 request/s."""
    source = load("toggl").demo_source(root)
    token = str(source["api_token"])
    url = f"{source['reports_url']}/workspace/{source['workspace_id']}/search/time_entries"
    body: dict[str, object] = {
        "start_date": first.isoformat(),
        "end_date": last.isoformat(),
        "page_size": 1000,
    }
    pages = 0
    with httpx.Client(timeout=60, auth=(token, "api_token")) as client:
        while True:
            response = client.post(url, json=body).raise_for_status()
            pages += 1
            following = response.headers.get("X-Next-ID")
            if not following:
                return pages
            body["first_id"] = int(following)
            body["first_row_number"] = int(response.headers["X-Next-Row-Number"])
            clock.sleep(1.05)


def clockify_unnamed(root: str, first: date, last: date) -> tuple[str, ...]:
    """The reference lists (``users``, ``projects``) Clockify's running timers need because no
    detailed-report row of ``first``..``last`` (UTC days, one page of 1000) names their ids."""
    source = load("clockify").demo_source(root)
    workspace = f"workspaces/{source['workspace_id']}"
    body = {
        "dateRangeStart": f"{first.isoformat()}T00:00:00Z",
        "dateRangeEnd": f"{last.isoformat()}T23:59:59Z",
        "detailedFilter": {"page": 1, "pageSize": 1000},
    }
    with httpx.Client(timeout=60, headers={"X-Api-Key": str(source["api_key"])}) as client:
        rows = client.post(f"{source['reports_url']}/{workspace}/reports/detailed", json=body)
        running = client.get(f"{source['base_url']}/{workspace}/time-entries/status/in-progress")
    named = rows.raise_for_status().json()["timeEntries"]
    users = {r["userId"] for r in named if r.get("userName")}
    projects = {r["projectId"] for r in named if r.get("projectName")}
    timers = running.raise_for_status().json()
    out = []
    if any(t["userId"] not in users for t in timers):
        out.append("users")
    if any(t.get("projectId") and t["projectId"] not in projects for t in timers):
        out.append("projects")
    return tuple(out)

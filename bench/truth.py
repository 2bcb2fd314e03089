"""Ground truth read straight from a simulator's API, for bounds the gateway's answer cannot give.

Clockify's running timers come from a listing that names nothing (ids only); the report rows
of the same range name users and projects (with their clients). A timer whose user or project
no row names needs that list: :func:`clockify_unnamed` says which, if any.

Hubstaff's time entries are sessions rebuilt from 10-minute activities, so the fewest calls for
a date range are the activity pages of that range at the largest page (500), cut into the
fewest 7-day windows the API allows (``time_slot`` spans at most 7 days). This walks them once,
as the vendor's API serves them, and counts the pages. It uses the demo refresh token, which
rotates: callers reset the simulator afterwards (``POST /_simulator/reset``).
"""

from __future__ import annotations

import math
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import httpx

from gateway.simulators import load

PAGE_LIMIT = 500
WINDOW = timedelta(days=7)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def hubstaff_activity_pages(root: str, first: date, last: date) -> list[int]:
    """Activity pages (500 each) per 7-day window covering the UTC days ``first``..``last``."""
    source = load("hubstaff").demo_source(root)
    grant = {"grant_type": "refresh_token", "refresh_token": str(source["refresh_token"])}
    with httpx.Client(timeout=60) as client:
        token = client.post(str(source["token_url"]), data=grant).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        url = f"{source['base_url']}/organizations/{source['organization_id']}/activities"
        start = datetime.combine(first, time(), UTC)
        stop = datetime.combine(last + timedelta(days=1), time(), UTC)
        windows = math.ceil((stop - start) / WINDOW)
        pages: list[int] = []
        for index in range(windows):
            w_stop = stop - index * WINDOW
            w_start = max(start, w_stop - WINDOW)
            params = {
                "time_slot[start]": _stamp(w_start),
                "time_slot[stop]": _stamp(w_stop),
                "page_limit": str(PAGE_LIMIT),
            }
            pages.append(0)
            while True:
                body = client.get(url, params=params).raise_for_status().json()
                pages[-1] += 1
                following = (body.get("pagination") or {}).get("next_page_start_id")
                if not following:
                    break
                params["page_start_id"] = str(following)
    return pages


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

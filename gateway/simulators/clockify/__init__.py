"""Clockify API v1 simulator: the regular API and the detailed report, with a seeded workspace.

Served from one app, rooted where the real hosts are rooted:
    {root}/api/v1/...                                       (api.clockify.me/api/v1)
    {root}/reports/v1/workspaces/{ws}/reports/detailed      (reports.api.clockify.me/v1)

Contract points (from the vendor sheet and the published spec):
- ``X-Api-Key`` or ``X-Addon-Token``; none, or more than one -> 401
  ``{"message": "Multiple or none auth tokens present", "code": 1000}``; an unknown key -> 401
  ``{"message": "Full authentication is required to access this resource", "code": 1000}``.
- 50 requests/second per token -> 429 ``{"message": "Too many requests", "code": 429}``, with no
  rate-limit headers (none are documented). ``config.rate_limit`` overrides the limit.
- Lists are bare JSON arrays with ``Last-Page: true|false`` (exact: true when nothing follows,
  also on an empty page past the end); ``page`` from 1 (default 1), ``page-size`` default 50, at
  most 5000 (the in-progress endpoint: default 10, at most 1000, per the spec); out of range or
  non-numeric -> 400 code 501. Lists are sorted by name; time entries newest start first.
- Time entries are listed per user only (``/user/{userId}/time-entries``); ``start``/``end``
  select by entry start, both inclusive; ``project`` is an exact project id; ``in-progress=true``
  only running, ``false`` only finished. ``GET /v1/workspaces/{ws}/time-entries`` -> 405.
- Durations are ISO 8601 as Java writes them (``PT1H30M``, ``PT0S``, never days); running
  entries have ``end: null, duration: null``. Entries without a project have ``projectId: null``.
- Unknown or deleted ids (workspace, user, project, client, task, tag, entry) -> 400
  ``{"message": ..., "code": 501}``. Two deleted projects are still referenced by old entries.
- Users' ``status`` filter defaults to ALL; ``memberships=WORKSPACE|ALL`` fills ``memberships``.

``config.options``:
    users            workspace members (default 40; one deactivated and one pending invitee
                     when there are 5 or more)
    days             days of time entries ending on ``config.data_date()`` (default 90)
    api_key          the demo key (default :data:`data.DEMO_API_KEY`)
    report_max_days  longest detailed-report range (default 31, the FREE plan's limit)
"""

from __future__ import annotations

from gateway.simulators.clockify.app import create_app
from gateway.simulators.clockify.data import DEMO_API_KEY, WORKSPACE_ID


def demo_source(base_url: str) -> dict[str, object]:
    root = base_url.rstrip("/")
    return {
        "name": "clockify-demo",
        "vendor": "clockify",
        "base_url": f"{root}/api/v1",
        "reports_url": f"{root}/reports/v1",
        "api_key": DEMO_API_KEY,
        "workspace_id": WORKSPACE_ID,
    }


__all__ = ["create_app", "demo_source"]

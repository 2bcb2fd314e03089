"""Toggl Track simulator: Track API v9 (``/api/v9``) and Reports API v3
(``/reports/api/v3/workspace/{wid}``) over one seeded workspace.

Auth is HTTP Basic ``<api_token>:api_token``; anything else is 403 ``Incorrect username
and/or password``. The demo token's user is one of 15 workspace users (2 inactive, who have no
working token); ``/me/time_entries`` shows only the caller's entries, Reports shows everyone's.

Limits, checked in this order, none of them counting rejected requests against the quota:
- leaky bucket per token: ``burst`` requests at once, then 1 per second -> 429 ``Too Many
  Requests`` (no Retry-After: Toggl documents none). ``config.rate_limit = (n, seconds)``
  replaces it with the kit's sliding window of n per seconds.
- hourly quota per user, sliding 60 minutes -> 402. Every response (403s included, showing the
  full quota) has ``X-Toggl-Quota-Remaining`` and ``X-Toggl-Quota-Resets-In`` (seconds until
  the oldest counted request leaves the window, 0 when none is counted).

``config.options``:
- ``quota_per_hour`` (int, default 600): the hourly quota per user.
- ``burst`` (int, default 5): the leaky bucket's capacity.

Module choices are documented where they live: :mod:`.errors` (string bodies per family),
:mod:`.track` (filters, paging, ``/me/time_entries``), :mod:`.writes`, :mod:`.reports`.
"""

from __future__ import annotations

from gateway.simulators.toggl.app import create_app
from gateway.simulators.toggl.catalog import DEMO_API_TOKEN, DEMO_WORKSPACE_ID

__all__ = ["create_app", "demo_source"]


def demo_source(base_url: str) -> dict[str, object]:
    root = base_url.rstrip("/")
    return {
        "name": "toggl-demo",
        "vendor": "toggl",
        "base_url": f"{root}/api/v9",
        "reports_url": f"{root}/reports/api/v3",
        "api_token": DEMO_API_TOKEN,
        "workspace_id": DEMO_WORKSPACE_ID,
    }

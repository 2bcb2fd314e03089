"""Hubstaff API v2 simulator: one app serving both of Hubstaff's hosts.

``POST /access_tokens`` is the account host's token endpoint (personal access token flow,
rotating refresh tokens); everything under ``/v2/`` is the API host. Data: one active
organization (``ORGANIZATION_ID``) with 16 members (one removed), 4 clients (one archived),
12 projects (two archived), ~65 tasks and 90 days of 10-minute activities ending on the data
date, plus a second organization whose plan is inactive (every call scoped to it is 403).

``config.options`` keys:
    access_token_ttl   lifetime of issued access tokens in seconds (default 3600)
    refresh_token      the seeded personal access token a fresh app accepts once
                       (default ``DEMO_REFRESH_TOKEN``)
    time_entry_status  status of a successful ``POST /v2/users/{id}/time_entries``:
                       201 as in the spec (default) or 200 as seen live

``config.rate_limit`` overrides the documented 1000 requests per hour per application.
"""

from __future__ import annotations

from gateway.simulators.hubstaff.app import DEMO_REFRESH_TOKEN, create_app
from gateway.simulators.hubstaff.catalog import ORGANIZATION_ID


def demo_source(base_url: str) -> dict[str, object]:
    root = base_url.rstrip("/")
    return {
        "name": "hubstaff-demo",
        "vendor": "hubstaff",
        "base_url": f"{root}/v2",
        "token_url": f"{root}/access_tokens",
        "refresh_token": DEMO_REFRESH_TOKEN,
        "organization_id": ORGANIZATION_ID,
    }


__all__ = ["create_app", "demo_source"]

"""A simulator of the Hustle Public API v3 (a texting platform: organisations, groups, agents).

Served under ``/v3``: ``POST /v3/oauth/token`` (client credentials, JSON body) issues HS256 JWTs;
``GET /v3/organizations``, ``/v3/groups``, ``/v3/agents`` page with ``{items, cursor, hasMore}``;
``GET /v3/<resource>/{id}``, ``POST /v3/agents`` and ``PUT /v3/agents/{id}``. There is no time
data: Hustle has none. Errors are always ``{code, message, hustleErrorCode?}``.

``config.options`` keys:
    token_ttl         access-token lifetime in seconds, also sent as ``expires_in``
                      (default 7200, the vendor's two hours)
    lockout_seconds   how long a caller is blocked after 10 failed token requests
                      (default 900; the vendor only says "some period of time")
    last_page_cursor  if true, the last non-empty page carries a cursor with ``hasMore: false``
                      as in the vendor's example, and following it yields an empty page with
                      ``cursor: null``; default false: the last page has ``cursor: null``

``config.rate_limit`` overrides the documented 25 requests per second on resource routes.
"""

from __future__ import annotations

from gateway.simulators.hustle.app import create_app
from gateway.simulators.hustle.context import CLIENT_ID, CLIENT_SECRET


def demo_source(base_url: str) -> dict[str, object]:
    """The ``[[sources]]`` entry for the seeded demo account served at ``base_url``."""
    return {
        "name": "hustle-demo",
        "vendor": "hustle",
        "base_url": f"{base_url.rstrip('/')}/v3",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }


__all__ = ["create_app", "demo_source"]

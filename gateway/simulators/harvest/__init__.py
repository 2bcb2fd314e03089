"""Harvest API v2 simulator (shared/vendors/harvest.md).

Serves ``/v2``: users (``/me``), clients, projects, tasks, company, and time entries with
create / update / delete / stop / restart, over a seeded account in America/New_York.

Contract highlights (see the modules for the details and their sources):

* every request needs ``User-Agent`` (400 otherwise), ``Authorization: Bearer <token>`` and
  ``Harvest-Account-Id`` (401 otherwise); errors are ``{"error", "error_description"}``;
* 100 requests per 15 s per account (``config.rate_limit`` overrides), 429 + ``Retry-After``;
* ``page``/``per_page`` (1..2000, default 2000, else 422) with the full envelope on every list;
  users, clients, projects and tasks also hand out cursor ``links.next``;
* time entries are sorted by ``spent_date`` then id, both descending.

Seeded account (``config.seed`` + ``config.data_date()``): 6 clients (one archived), 10 projects
(two archived, one started inside the window), 15 users (one archived, left 35 days ago), 10
tasks (one archived) with project assignments, ~3,300 entries on the weekdays of the 90 days
ending on the data date (2-4 per person per day), 3 timers running on the data date. About two
thirds of the people track with timestamps (``started_time``/``ended_time`` in the account zone),
the rest by duration only. Approved weeks are locked; billable time of past months is invoiced.

``config.options`` keys:
    token       the accepted personal access token (default :data:`DEMO_TOKEN`)
    account_id  the accepted ``Harvest-Account-Id`` (default :data:`DEMO_ACCOUNT_ID`)
"""

from __future__ import annotations

from gateway.simulators.harvest.app import DEMO_ACCOUNT_ID, DEMO_TOKEN, create_app
from gateway.simulators.harvest.timefmt import ACCOUNT_TZ_NAME


def demo_source(base_url: str) -> dict[str, object]:
    """The ``[[sources]]`` entry for the seeded demo account served at ``base_url``."""
    return {
        "name": "harvest-demo",
        "vendor": "harvest",
        "base_url": f"{base_url.rstrip('/')}/v2",
        "token": DEMO_TOKEN,
        "account_id": DEMO_ACCOUNT_ID,
        "timezone": ACCOUNT_TZ_NAME,
    }


__all__ = ["create_app", "demo_source"]

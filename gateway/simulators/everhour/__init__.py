"""Everhour simulator: the API at https://api.everhour.com, served at the app's root.

Written from shared/vendors/everhour.md. What it reproduces:

- ``X-Api-Key`` auth, one key per user acting as that user; a missing or unknown key is
  401 ``{"code": 401, "message": "Unauthorized"}``.
- About 20 requests per 10 seconds per key (``config.rate_limit`` overrides), then 429
  ``{"code": 429, ...}`` with ``Retry-After`` (whole seconds).
- Bare JSON arrays with ``page`` (from 1) and ``limit`` on ``/projects`` (with ``query``, a
  case-insensitive name match), ``/projects/{id}/tasks`` and ``/team/time``; no totals, no
  headers: a client stops on a short page, and an exact multiple of ``limit`` ends with one
  empty page. Default ``limit`` 100, maximum 1000; a larger, zero or non-integer ``limit`` or
  ``page`` is a 422. ``/team/users``, ``/clients`` and ``/team/timers`` are not paginated.
- Project and task ids are strings with the platform prefix (``ev:``, ``as:``, ``jr:``); user,
  client and time-record ids are integers. Datetimes are zone-less wall times in the account's
  time zone (``"2024-10-18 13:58:23"``), durations are seconds, money is cents.
- Time records are date + seconds (no start or end), one per (user, task, date); the project is
  ``task.projects[0]``, and some tasks belong to no listed project (``projects`` empty, or naming
  a deleted project). ``/team/time`` serves them newest first (date, then id, descending) with
  inclusive ``from``/``to`` dates.
- Timers (``/timers``, ``/timers/current``, ``/team/timers``) and ``POST /tasks/{id}/time``
  write to the in-memory account (see ``writes``); ``/_simulator/reset`` restores the seed.
- Errors ``{"code": 404, "message": "Resource not found"}`` and
  ``{"code": 422, "message": "Validation failed", "errors": {field: [...]}}``; malformed JSON 400.

``config.options``:
    api_key        the account owner's key (default ``DEMO_API_KEY``); other users' keys are
                   ``data.member_key(user_id, seed)``
    timezone       IANA zone of the account, for the zone-less datetimes (``Europe/Berlin``)
    default_limit  ``limit`` when none is given (100)
    max_limit      the largest ``limit`` accepted (1000)
"""

from __future__ import annotations

from gateway.simulators.everhour.app import create_app
from gateway.simulators.everhour.options import DEMO_API_KEY, DEMO_TIMEZONE


def demo_source(base_url: str) -> dict[str, object]:
    """The ``[[sources]]`` entry for the seeded account (default options) served at base_url."""
    return {
        "name": "everhour-demo",
        "vendor": "everhour",
        # Everhour's API has no version path: the simulator's root is the API root.
        "base_url": base_url.rstrip("/"),
        "api_key": DEMO_API_KEY,
        "timezone": DEMO_TIMEZONE,
    }


__all__ = ["create_app", "demo_source"]

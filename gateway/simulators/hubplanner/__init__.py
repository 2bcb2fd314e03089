"""Hub Planner simulator: the ``/v1`` REST API of api.hubplanner.com for one seeded account.

Written from ``shared/vendors/hubplanner.md`` (seed 002 and the vendor's public documentation
repository); no machine-readable spec exists. Contract in brief (details in each module):

- Auth (:mod:`.auth`): ``Authorization: <key>``, the raw key; a ``Bearer`` prefix, a missing or
  an unknown key -> 401. Two keys, Read & Write and Read Only; a write with the read-only key
  -> 403. ``Accept`` and ``Content-Type: application/json`` on every request, else 400.
- Rate limit: 2 requests per second per account (seed 002; stricter than the newer README's
  50 per 5 s) -> 429 with ``Retry-After``; ``X-RateLimit-Limit``/``-Remaining``/``-Reset`` on
  every admitted response. ``SimulatorConfig.rate_limit`` overrides ``(2, 1.0)``.
- Pagination and search (:mod:`.query`, :mod:`.areas`): ``page`` from 0, ``limit`` 1..1000
  (0 or over 1000 -> 400), default 20 for time entries and 1000 elsewhere; bare arrays; a page
  shorter than ``limit`` is the last. ``sort=field``/``sort=-field``, repeatable, on each area's
  sortable fields only. Mongo-style search bodies with ``$in $nin $like $lt $lte $gte``.
- Data (:mod:`.data`): 24-hex ObjectId-style ids, ISO timestamps with milliseconds, time
  entries with a ``date`` and ``minutes`` only (no start/end, no timers), ``EMPTY`` padding rows
  of 0 minutes, projects linked to clients through ``customers[].customerId``.
- Writes (:mod:`.writes`): ``POST /timeentry`` -> 201, ``PUT`` (whole object) and ``DELETE`` ->
  200; locked entries refuse PUT (403) but may be deleted. Reset restores the seed.

``config.options`` keys:

``read_write_key`` (str)
    The Read & Write API key; default :data:`DEMO_READ_WRITE_KEY`.
``read_only_key`` (str)
    The Read Only API key; default :data:`DEMO_READ_ONLY_KEY`.
``empty_timeentry_list`` (bool, default False)
    Reproduce the timesheets section's note that ``GET /timeentry`` returns ``[]`` "due to the
    amount of data"; off by default because the vendor sheet lists it as a working list.
"""

from __future__ import annotations

from fastapi import FastAPI

from gateway.simulators.hubplanner.app import Account, Routes
from gateway.simulators.hubplanner.auth import Gate, Keys
from gateway.simulators.hubplanner.errors import ApiError, handle_api_error
from gateway.simulators.kit import SimulatorConfig, SimulatorState, SlidingWindow, install

VENDOR = "hubplanner"
DEMO_READ_WRITE_KEY = "5f1c9a7e3b2d4c6a8e0f1b3d5c7a9e2f"
DEMO_READ_ONLY_KEY = "a4e8c2f6b0d94e1a7c3f5b8d2e6a0c9b"
RATE_LIMIT = (2, 1.0)  # seed 002: "We currently allow 2 requests / second per account."


def create_app(config: SimulatorConfig) -> FastAPI:
    keys = Keys(
        read_write=str(config.options.get("read_write_key", DEMO_READ_WRITE_KEY)),
        read_only=str(config.options.get("read_only_key", DEMO_READ_ONLY_KEY)),
    )
    limit, window = config.rate_limit or RATE_LIMIT
    gate = Gate(keys, SlidingWindow(limit, window, config.clock))
    account = Account(config.seed, config.data_date())

    app = FastAPI(title="Hub Planner simulator", openapi_url=None, docs_url=None,
                  redoc_url=None)
    app.add_exception_handler(ApiError, handle_api_error)
    Routes(account, gate, config.clock,
           bool(config.options.get("empty_timeentry_list", False))).install(app)

    state = SimulatorState(vendor=VENDOR, latency_ms=config.latency_ms)
    install(app, state)
    state.on_reset(account.load)
    state.on_reset(gate.window.reset)
    return app


def demo_source(base_url: str) -> dict[str, object]:
    root = base_url.rstrip("/")
    return {
        "name": "hubplanner-demo",
        "vendor": VENDOR,
        "base_url": f"{root}/v1",
        "api_key": DEMO_READ_WRITE_KEY,
    }


__all__ = ["DEMO_READ_ONLY_KEY", "DEMO_READ_WRITE_KEY", "create_app", "demo_source"]

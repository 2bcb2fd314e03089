"""Assemble the Clockify simulator: the API under ``/api``, the reports under ``/reports``."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.simulators.clockify.auth import RATE_LIMIT, Gate
from gateway.simulators.clockify.context import Context
from gateway.simulators.clockify.data import DEMO_API_KEY
from gateway.simulators.clockify.errors import install_handlers
from gateway.simulators.clockify.routes_catalogue import catalogue_router
from gateway.simulators.clockify.routes_entries import entries_router
from gateway.simulators.clockify.routes_reports import reports_router
from gateway.simulators.clockify.store import Store
from gateway.simulators.kit import SimulatorConfig, SimulatorState, install

DEFAULTS: dict[str, int] = {"users": 40, "days": 90, "report_max_days": 31}


def _int_option(config: SimulatorConfig, name: str) -> int:
    value = config.options.get(name, DEFAULTS[name])
    if not isinstance(value, int) or value < 1:
        raise ValueError(f"clockify option {name!r} must be a positive integer, got {value!r}")
    return value


def create_app(config: SimulatorConfig) -> FastAPI:
    users, days = _int_option(config, "users"), _int_option(config, "days")

    def build() -> Store:
        return Store(config.seed, config.data_date(), users, days)

    store = build()
    owner = store.catalogue.people[0].user["id"]  # the account the API key belongs to
    api_key = str(config.options.get("api_key", DEMO_API_KEY))
    gate = Gate({api_key: owner}, config.rate_limit or RATE_LIMIT, config.clock)
    ctx = Context(store, gate, config.clock, _int_option(config, "report_max_days"), build)

    app = FastAPI(title="Clockify simulator", openapi_url=None, docs_url=None, redoc_url=None)
    install_handlers(app)
    app.include_router(catalogue_router(ctx), prefix="/api")
    app.include_router(entries_router(ctx), prefix="/api")
    app.include_router(reports_router(ctx), prefix="/reports")
    state = SimulatorState(vendor="clockify", latency_ms=config.latency_ms)
    install(app, state)
    state.on_reset(ctx.reset)
    app.state.clockify = ctx
    return app

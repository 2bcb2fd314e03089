"""Wiring: options, seeded store, auth and rate limit, routes, error handlers, control hooks."""

from __future__ import annotations

from datetime import datetime

from fastapi import FastAPI

from gateway.simulators.everhour.auth import DOCUMENTED_LIMIT, Guard
from gateway.simulators.everhour.data import generate
from gateway.simulators.everhour.errors import install_handlers
from gateway.simulators.everhour.options import Options
from gateway.simulators.everhour.params import Paging
from gateway.simulators.everhour.reads import Account, read_routes
from gateway.simulators.everhour.store import Store
from gateway.simulators.everhour.writes import write_routes
from gateway.simulators.kit import SimulatorConfig, SimulatorState, install


def create_app(config: SimulatorConfig) -> FastAPI:
    options = Options.from_config(config)
    zone = options.zone

    def seeded() -> Store:
        data = generate(config.seed, config.data_date(), config.clock.now(), options.api_key)
        return Store(data, zone)

    def now() -> datetime:
        return config.clock.now()

    account = Account(seeded())
    guard = Guard(lambda: account.store.keys, config.rate_limit or DOCUMENTED_LIMIT, config.clock)
    paging = Paging(options.default_limit, options.max_limit)

    app = FastAPI(title="Everhour API (simulated)", docs_url=None, redoc_url=None)
    install_handlers(app)
    app.include_router(read_routes(account, guard, paging))
    app.include_router(write_routes(account, guard, now))

    state = SimulatorState(vendor="everhour", latency_ms=config.latency_ms)

    def reset() -> None:
        account.store = seeded()
        guard.reset()

    state.on_reset(reset)
    install(app, state)
    return app

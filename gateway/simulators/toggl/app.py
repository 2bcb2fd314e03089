"""Assembles one simulator app: seeded store, gate (auth, bucket, quota), routes, kit."""

from __future__ import annotations

from fastapi import FastAPI

from gateway.simulators.kit import SimulatorConfig, SimulatorState, SlidingWindow, install
from gateway.simulators.toggl import data
from gateway.simulators.toggl.context import Context
from gateway.simulators.toggl.errors import install_handlers
from gateway.simulators.toggl.gate import Gate, Guard
from gateway.simulators.toggl.limits import LeakyBucket, Limiter
from gateway.simulators.toggl.reports import report_routes
from gateway.simulators.toggl.store import Store
from gateway.simulators.toggl.track import read_routes
from gateway.simulators.toggl.writes import write_routes

QUOTA_PER_HOUR_DEFAULT = 600  # Premium plan, per user per organisation
BURST_DEFAULT = 5
LEAK_INTERVAL = 1.0  # Toggl's "safe pace": one request per second


def _int_option(config: SimulatorConfig, key: str, default: int) -> int:
    value = config.options.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"toggl simulator option {key!r} must be a positive int")
    return value


def _guard(config: SimulatorConfig, seed: data.Seed) -> Guard:
    burst = _int_option(config, "burst", BURST_DEFAULT)
    limit = config.rate_limit

    def new_bucket() -> Limiter:
        if limit is not None:
            return SlidingWindow(limit[0], limit[1], config.clock)
        return LeakyBucket(burst, LEAK_INTERVAL, config.clock)

    return Guard(
        tokens={u.api_token: u.id for u in seed.users if u.is_active},
        new_bucket=new_bucket,
        quota_limit=_int_option(config, "quota_per_hour", QUOTA_PER_HOUR_DEFAULT),
        clock=config.clock,
    )


def create_app(config: SimulatorConfig) -> FastAPI:
    seed = data.build(config.seed, config.data_date())
    ctx = Context(store=Store.from_seed(seed), clock=config.clock,
                  fresh_store=lambda: Store.from_seed(seed))
    guard = _guard(config, seed)
    app = FastAPI(title="Toggl Track simulator", openapi_url=None, docs_url=None, redoc_url=None)
    for router in (read_routes(ctx), write_routes(ctx), report_routes(ctx)):
        app.include_router(router)
    install_handlers(app)
    # Added before install() so the kit's stats middleware sits outside and counts 429s.
    app.add_middleware(Gate, guard=guard)
    state = SimulatorState(vendor="toggl", latency_ms=config.latency_ms)
    install(app, state)
    state.on_reset(ctx.reset)
    state.on_reset(guard.reset)
    app.state.toggl = ctx
    return app

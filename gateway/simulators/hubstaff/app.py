"""The Hubstaff simulator app: token endpoint, API routes, errors, limits and reset."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.simulators.hubstaff.auth import Tokens, token_endpoint
from gateway.simulators.hubstaff.context import Api
from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.routes import build_catalog_router
from gateway.simulators.hubstaff.seed import Seed, build_seed
from gateway.simulators.hubstaff.store import Store
from gateway.simulators.hubstaff.time_routes import build_time_router
from gateway.simulators.hubstaff.timefmt import day_start
from gateway.simulators.kit import SimulatorConfig, SimulatorState, SlidingWindow, install

# "1000 requests per hour per application" (vendor docs).
RATE_LIMIT = (1000, 3600.0)
DEFAULT_ACCESS_TTL = 3600
DEMO_REFRESH_TOKEN = "hspat.demo.7Kq2vX9mRbT4wLp8NcE3jYz6HdF1sGu5AoWiQe0"


def create_app(config: SimulatorConfig) -> FastAPI:
    seed = _seed(config)
    limit, window = config.rate_limit or RATE_LIMIT
    api = Api(
        store=Store(seed),
        tokens=Tokens(config.clock, str(config.options.get("refresh_token", DEMO_REFRESH_TOKEN)),
                      seed.catalog.owner_id, _int_option(config, "access_token_ttl",
                                                         DEFAULT_ACCESS_TTL)),
        window=SlidingWindow(limit, window, config.clock),
        clock=config.clock,
        time_entry_status=_int_option(config, "time_entry_status", 201),
    )
    app = FastAPI(title="Hubstaff simulator", openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/access_tokens")
    async def access_tokens(request: Request) -> Response:
        return await token_endpoint(request, api.tokens)

    app.include_router(build_catalog_router(api))
    app.include_router(build_time_router(api))
    _install_errors(app)
    state = SimulatorState(vendor="hubstaff", latency_ms=config.latency_ms)
    install(app, state)

    def reset() -> None:
        api.store = Store(seed)
        api.tokens.reset()
        api.window.reset()

    state.on_reset(reset)
    state.on_expire_tokens(api.tokens.expire_all)
    app.state.hubstaff = api
    return app


def _seed(config: SimulatorConfig) -> Seed:
    """Cut the data at the clock's present when the data date is today, else at its end."""
    clock_now = config.clock.now()
    today = config.data_date()
    live = clock_now.date() == today
    now = int(clock_now.timestamp()) if live else day_start(today + timedelta(days=1))
    return build_seed(config.seed, today, now, live)


def _int_option(config: SimulatorConfig, name: str, default: int) -> int:
    value = config.options.get(name, default)
    if not isinstance(value, int | float | str):
        raise TypeError(f"hubstaff option {name} must be a number, not {value!r}")
    return int(value)


def _install_errors(app: FastAPI) -> None:
    async def api_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def invalid(request: Request, exc: Exception) -> Response:
        return ApiError(Problem.INVALID_PARAMS).response()

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return ApiError(Problem.NOT_FOUND).response()
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)

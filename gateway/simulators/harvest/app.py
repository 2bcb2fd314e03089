"""Assembles the simulator app: gate (user agent, auth, rate limit), routes, controls."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.harvest import refs, timesheet
from gateway.simulators.harvest.account import Account
from gateway.simulators.harvest.auth import Credentials, Gate
from gateway.simulators.harvest.errors import ApiError
from gateway.simulators.kit import SimulatorConfig, SimulatorState, SlidingWindow, install

VENDOR = "harvest"
# help.getharvest.com/api-v2/introduction/overview/general: 100 requests per 15 seconds.
RATE_LIMIT = (100, 15.0)
DEMO_TOKEN = "2618304.pt.hourglass-demo-Xq8vR2dLk5mN7pTz3bWc9hJf"
DEMO_ACCOUNT_ID = "1482306"


def create_app(config: SimulatorConfig) -> FastAPI:
    limit, seconds = config.rate_limit or RATE_LIMIT
    window = SlidingWindow(limit, seconds, config.clock)
    account = Account(config)
    creds = Credentials(
        token=str(config.options.get("token", DEMO_TOKEN)),
        account_id=str(config.options.get("account_id", DEMO_ACCOUNT_ID)),
    )
    app = FastAPI(title="Harvest API v2 simulator", docs_url=None, redoc_url=None,
                  openapi_url=None)
    app.include_router(refs.router(account))
    app.include_router(timesheet.router(account, config.clock))
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)
    # Added before install() so the stats middleware wraps it and counts its 400/401/429s.
    app.add_middleware(Gate, creds=creds, window=window)
    state = SimulatorState(vendor=VENDOR, latency_ms=config.latency_ms)
    install(app, state)
    state.on_reset(window.reset)
    state.on_reset(account.reload)
    return app


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "error")
    return ApiError(exc.status_code, code, str(exc.detail)).response()

"""``X-Api-Key`` / ``X-Addon-Token`` authentication and the 50 requests/second limit.

Exactly one token header must be present: none, or both (or one repeated), is a 401 with the
sheet's "Multiple or none auth tokens present". Rate windows are kept per token, as Clockify
limits per add-on per workspace; a 429 carries no headers because Clockify documents none.
"""

from __future__ import annotations

from starlette.requests import Request

from gateway.simulators.clockify.errors import (
    AUTH_CODE,
    MULTIPLE_OR_NONE,
    RATE_LIMIT_CODE,
    TOO_MANY,
    WRONG_KEY,
    ApiError,
)
from gateway.simulators.kit import Clock, SlidingWindow

RATE_LIMIT = (50, 1.0)  # requests per second, from the spec's "Rate limiting" section


class Gate:
    """A FastAPI dependency: authenticates, rate-limits, and leaves the caller's user id in
    ``request.state.caller``."""

    def __init__(self, tokens: dict[str, str], limit: tuple[int, float], clock: Clock) -> None:
        self.tokens = tokens  # token -> user id
        self.limit = limit
        self.clock = clock
        self.windows: dict[str, SlidingWindow] = {}

    async def __call__(self, request: Request) -> None:
        presented = request.headers.getlist("x-api-key") + request.headers.getlist("x-addon-token")
        if len(presented) != 1:
            raise ApiError(401, MULTIPLE_OR_NONE, AUTH_CODE)
        token = presented[0]
        user_id = self.tokens.get(token)
        if user_id is None:
            raise ApiError(401, WRONG_KEY, AUTH_CODE)
        window = self.windows.get(token)
        if window is None:
            window = self.windows[token] = SlidingWindow(*self.limit, self.clock)
        if window.hit() is not None:
            raise ApiError(429, TOO_MANY, RATE_LIMIT_CODE)
        request.state.caller = user_id

    def reset(self) -> None:
        self.windows.clear()

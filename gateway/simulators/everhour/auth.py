"""``X-Api-Key`` authentication and Everhour's per-key rate limit.

A missing or unknown key is a 401 ``{"code": 401, "message": "Unauthorized"}``. Each key may
make about 20 requests per 10 seconds (shared/vendors/everhour.md, "Rate limits"); past that
the answer is 429 with ``Retry-After`` in whole seconds. Rejected requests (401, 429) do not
count against the window.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from gateway.simulators.everhour.errors import ApiError
from gateway.simulators.kit import Clock, SlidingWindow

DOCUMENTED_LIMIT = (20, 10.0)


class Guard:
    """A FastAPI dependency: the id of the user whose key made the request."""

    def __init__(
        self, keys: Callable[[], dict[str, int]], limit: tuple[int, float], clock: Clock
    ) -> None:
        self._keys = keys
        self._limit = limit
        self._clock = clock
        self._windows: dict[str, SlidingWindow] = {}

    async def __call__(self, request: Request) -> int:
        key = request.headers.get("x-api-key", "")
        user = self._keys().get(key)
        if user is None:
            raise ApiError(401)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = SlidingWindow(*self._limit, self._clock)
        wait = window.hit()
        if wait is not None:
            raise ApiError(429, headers={"Retry-After": str(wait)})
        return user

    def reset(self) -> None:
        self._windows.clear()

"""What route handlers share: the current store (swapped on reset), the clock, the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.kit import Clock
from gateway.simulators.toggl.errors import TogglError
from gateway.simulators.toggl.gate import USER_KEY
from gateway.simulators.toggl.model import UserRec
from gateway.simulators.toggl.store import Store

NO_ACCESS = "User does not have access to this resource."


@dataclass
class Context:
    store: Store
    clock: Clock
    fresh_store: Callable[[], Store]
    generation: int = 0  # bumped on reset, so caches keyed by it go stale

    def reset(self) -> None:
        self.store = self.fresh_store()
        self.generation += 1

    def now(self) -> int:
        return int(self.clock.now().timestamp())

    def caller(self, request: Request) -> UserRec:
        user_id: int = request.scope[USER_KEY]
        return self.store.users[user_id]

    def workspace(self, wid: int) -> None:
        """The simulated account has one workspace; any other id is not the caller's."""
        if wid != self.store.workspace_id:
            raise TogglError(403, NO_ACCESS)


def json(payload: object, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(payload), media_type="application/json", headers=headers)

"""What every route needs: the store, the token server, the rate window and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubstaff.auth import Tokens
from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.params import path_id
from gateway.simulators.hubstaff.payloads import Organization, Project
from gateway.simulators.hubstaff.store import Store
from gateway.simulators.kit import Clock, SlidingWindow


@dataclass(slots=True)
class Api:
    store: Store
    tokens: Tokens
    window: SlidingWindow
    clock: Clock
    time_entry_status: int

    def now(self) -> datetime:
        return self.clock.now()

    def enter(self, request: Request) -> int:
        """Authenticate, then count the request against the application's hourly budget.

        The budget is per application (vendor docs), i.e. per valid token's app; a request
        without a valid token belongs to no application, gets its 401 and is not counted.
        """
        user_id = self.tokens.user_for(request.headers.get("authorization"))
        wait = self.window.hit()
        if wait is not None:
            raise ApiError(Problem.RATE_LIMITED, headers={"Retry-After": str(wait)})
        return user_id

    def organization(self, raw_id: str) -> Organization:
        org_id = path_id(raw_id, "organization_id")
        for organization in self.store.organizations:
            if organization["id"] == org_id:
                if organization["status"] != "active":
                    raise ApiError(Problem.PLAN_INACTIVE)
                return organization
        raise ApiError(Problem.NOT_FOUND)

    def project(self, raw_id: str, name: str = "project_id") -> Project:
        project = self.store.projects.get(path_id(raw_id, name))
        if project is None:
            raise ApiError(Problem.NOT_FOUND)
        return project


def json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def listing(key: str, records: list[object], next_start_id: int | None,
            side_loaded: dict[str, list[object]] | None = None) -> Response:
    """``{key: [...], <side-loads>, "pagination": {...}}``; no ``pagination`` on the last page.

    The docs show ``"pagination": {"next_page_start_id": 98}`` and the vendor sheet says the
    key is absent on the last page; this simulator omits the whole ``pagination`` object then.
    """
    body: dict[str, object] = {key: records}
    body.update(side_loaded or {})
    if next_start_id is not None:
        body["pagination"] = {"next_page_start_id": next_start_id}
    return json(body)

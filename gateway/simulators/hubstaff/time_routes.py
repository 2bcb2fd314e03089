"""Time data: 10-minute activities, daily sums, changed activities, and manual time.

Range rules are the spec's: activities and activity updates at most 7 days per request
(``time_slot[stop]`` exclusive), activities no earlier than 6 months back, updates no earlier
than 45 days back; daily activities at most 31 days (``date[stop]`` inclusive, so 31 dates)
and no earlier than 3 years back. The organization's day is the UTC day.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from fastapi import APIRouter
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubstaff import params
from gateway.simulators.hubstaff.context import Api, listing
from gateway.simulators.hubstaff.errors import ApiError, Problem
from gateway.simulators.hubstaff.payloads import Activity, DailyActivity
from gateway.simulators.hubstaff.time_entries import create_time_entry
from gateway.simulators.hubstaff.views import side_load

R = TypeVar("R", Activity, DailyActivity)
WEEK = timedelta(days=7)
SIDE_LOADS = ("users", "projects", "tasks")


def build_time_router(api: Api) -> APIRouter:
    router = APIRouter()

    @router.get("/v2/organizations/{organization_id}/activities")
    async def activities(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        start, stop = _window(q, "time_slot", api.now() - timedelta(days=183))
        wanted = params.includes(q, SIDE_LOADS)
        paging = params.paging(q)
        page, next_id = api.store.activities(start, stop, _filter(q), paging.start_id, paging.limit)
        return listing("activities", list(page), next_id, side_load(api.store, wanted, page))

    @router.get("/v2/organizations/{organization_id}/activities/updates")
    async def updates(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        start, stop = _window(q, "updated", api.now() - timedelta(days=45))
        wanted = params.includes(q, SIDE_LOADS)
        paging = params.paging(q)
        page, next_id = api.store.activity_updates(
            start, stop, _filter(q), paging.start_id, paging.limit
        )
        return listing("activities", list(page), next_id, side_load(api.store, wanted, page))

    @router.get("/v2/organizations/{organization_id}/activities/daily")
    async def daily(organization_id: str, request: Request) -> Response:
        api.enter(request)
        api.organization(organization_id)
        q = request.query_params
        first = params.required_date(q, "date[start]")
        last = params.required_date(q, "date[stop]")
        if last < first:
            raise ApiError(Problem.INVALID_PARAMS, "date[stop] must not be before date[start]")
        if (last - first).days + 1 > 31:
            raise ApiError(Problem.RANGE_TOO_LARGE, "Date range limit is 31 days")
        if first < api.now().date() - timedelta(days=3 * 365):
            raise ApiError(Problem.INVALID_PARAMS, "Earliest date is 3 years ago")
        wanted = params.includes(q, SIDE_LOADS)
        paging = params.paging(q)
        page, next_id = api.store.daily(
            first.isoformat(), last.isoformat(), _filter(q), paging.start_id, paging.limit
        )
        return listing("daily_activities", list(page), next_id, side_load(api.store, wanted, page))

    @router.post("/v2/users/{user_id}/time_entries")
    async def time_entries(user_id: str, request: Request) -> Response:
        api.enter(request)
        return await create_time_entry(api, params.path_id(user_id, "user_id"), request)

    return router


def _window(q: QueryParams, name: str, earliest: datetime) -> tuple[int, int]:
    """``[start, stop)`` epoch seconds of ``name[start]``/``name[stop]``, at most 7 days."""
    start = params.required_datetime(q, f"{name}[start]")
    stop = params.required_datetime(q, f"{name}[stop]")
    if stop <= start:
        raise ApiError(Problem.INVALID_PARAMS, f"{name}[stop] must be after {name}[start]")
    if stop - start > WEEK:
        raise ApiError(Problem.RANGE_TOO_LARGE, "Date range limit is 7 days")
    if start < earliest:
        raise ApiError(Problem.INVALID_PARAMS, f"{name}[start] is too far in the past")
    # Whole seconds rounded up keep ``start <= slot < stop`` exact for fractional inputs.
    return math.ceil(start.timestamp()), math.ceil(stop.timestamp())


def _filter(q: QueryParams) -> Callable[[R], bool] | None:
    """The ``user_ids``/``project_ids``/``task_ids`` test; None when none is given."""
    users = params.id_set(q, "user_ids")
    projects = params.id_set(q, "project_ids")
    tasks = params.id_set(q, "task_ids")
    if users is None and projects is None and tasks is None:
        return None

    def match(record: R) -> bool:
        return (
            (users is None or record["user_id"] in users)
            and (projects is None or record["project_id"] in projects)
            and (tasks is None or record["task_id"] in tasks)
        )

    return match

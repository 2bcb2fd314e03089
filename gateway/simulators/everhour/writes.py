"""Write endpoints: timers and adding time. Each acts as the user whose key made the request.

- ``POST /timers {task, comment?}`` starts a timer (stopping that user's running one, whose time
  is added to its record) and answers the active timer.
- ``GET /timers/current`` answers the running timer, or ``{"status": "stopped"}``.
- ``DELETE /timers/current`` stops it: the timer with ``status: "stopped"`` and, under
  ``taskTime``, the record its seconds were added to; 404 when no timer is running.
- ``GET /team/timers`` lists every running timer in the team (not paginated).
- A timer is ``{status, duration, startedAt, userDate, comment, task, user}``: ``startedAt`` is
  zone-less in the account's zone, ``task`` the embedded task (with ``projects``) and ``user``
  a short object ``{id, name, headline, avatarUrl}`` (time records carry a bare user id).
- ``POST /tasks/{id}/time {time, date, user?, comment?}`` adds seconds to the (user, task, date)
  record: 201 with a new record, 200 with the grown existing one. ``user`` defaults to the
  key's user.
"""

# No "from __future__ import annotations": FastAPI must resolve the route-local ``User``
# dependency alias at definition time.

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.everhour.auth import Guard
from gateway.simulators.everhour.errors import ApiError, Invalid, json_response
from gateway.simulators.everhour.params import as_int, json_object, parse_date
from gateway.simulators.everhour.reads import Account

BLANK = "This value should not be blank."


def write_routes(account: Account, guard: Guard, now: Callable[[], datetime]) -> APIRouter:
    router = APIRouter()
    User = Annotated[int, Depends(guard)]

    @router.post("/timers")
    async def start_timer(request: Request, user: User) -> Response:
        body = await json_object(request)
        invalid = Invalid()
        task, comment = body.get("task"), body.get("comment")
        comment = "" if comment is None else comment
        if not isinstance(task, str) or not task:
            invalid.add("task", BLANK)
        if not isinstance(comment, str):
            invalid.add("comment", "This value should be a string.")
        invalid.check()
        store = account.store
        assert isinstance(task, str) and isinstance(comment, str)
        if task not in store.tasks:
            raise ApiError(404)
        timer = store.start_timer(user, task, comment, now())
        return json_response(store.timer_payload(timer, now()))

    @router.get("/timers/current")
    async def current_timer(user: User) -> Response:
        timer = account.store.timers.get(user)
        if timer is None:
            return json_response({"status": "stopped"})
        return json_response(account.store.timer_payload(timer, now()))

    @router.delete("/timers/current")
    async def stop_timer(user: User) -> Response:
        moment = now()
        stopped = account.store.stop_timer(user, moment)
        if stopped is None:
            raise ApiError(404)
        timer, record = stopped
        payload = account.store.timer_payload(timer, moment, status="stopped")
        if record is not None:
            payload["taskTime"] = record
        return json_response(payload)

    @router.get("/team/timers")
    async def team_timers(user: User) -> Response:
        moment, store = now(), account.store
        return json_response([store.timer_payload(t, moment) for t in store.timers.values()])

    @router.post("/tasks/{task_id}/time")
    async def add_time(task_id: str, request: Request, user: User) -> Response:
        store = account.store
        if task_id not in store.tasks:
            raise ApiError(404)
        body = await json_object(request)
        invalid = Invalid()
        seconds, target = as_int(body.get("time")), as_int(body.get("user", user))
        if seconds is None or seconds <= 0:
            invalid.add("time", "This value should be a positive integer (seconds).")
        day = parse_date(body.get("date"), "date", invalid)
        if day is None and "date" not in invalid.errors:
            invalid.add("date", BLANK)
        if target is None or target not in store.users_by_id:
            invalid.add("user", "This user does not exist in the team.")
        comment = body.get("comment")
        if comment is not None and not isinstance(comment, str):
            invalid.add("comment", "This value should be a string.")
        invalid.check()
        assert seconds is not None and target is not None and day is not None
        text = comment if isinstance(comment, str) else None
        record, created = store.add_time(task_id, target, day, seconds, text, now())
        return json_response(record, 201 if created else 200)

    return router

"""Reports API v3 detailed search: ``POST /reports/api/v3/workspace/{wid}/search/time_entries``.

Every user of the workspace is covered. Choices where Toggl's docs are thin:
- ``start_date`` and ``end_date`` (``YYYY-MM-DD``, UTC days) are required and both inclusive;
  ``end_date`` before ``start_date`` or a range over 366 days is a 400.
- A row groups the entries of one UTC day with equal user, project, task, description,
  billable and tags (``grouped`` is not read: rows are always grouped). Rows come newest first
  (by their earliest entry), entries inside a row oldest first.
- Running entries are included: ``stop`` null and ``seconds`` the stored negative duration.
- ``page_size`` defaults to 50, is quietly cut to 1000. When another page exists the response
  carries ``X-Next-ID`` (first entry id of the next row) and ``X-Next-Row-Number``; send them
  back as ``first_id`` / ``first_row_number``. ``first_id`` locates the row when it still
  starts one, otherwise ``first_row_number`` does. Past the end: ``[]`` with no headers.
- Filters: ``user_ids``, ``project_ids`` and ``client_ids`` (``null`` in the list means none),
  ``billable``, ``description`` (case-insensitive substring).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.toggl.context import Context, json
from gateway.simulators.toggl.errors import TogglError
from gateway.simulators.toggl.model import EntryRec, rfc3339
from gateway.simulators.toggl.params import parse_date, parse_int
from gateway.simulators.toggl.payloads import ReportRow
from gateway.simulators.toggl.store import Store

PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 1000
MAX_RANGE_DAYS = 366
CACHE_SIZE = 16

Row = list[EntryRec]


@dataclass(frozen=True, slots=True)
class Query:
    start: int
    end: int
    user_ids: frozenset[int] | None
    project_ids: frozenset[int | None] | None
    client_ids: frozenset[int | None] | None
    billable: bool | None
    description: str | None


@dataclass(frozen=True, slots=True)
class Result:
    rows: list[Row]
    position: dict[int, int]  # first entry id of a row -> its index


def _ids(body: dict[str, object], name: str) -> frozenset[int | None] | None:
    raw = body.get(name)
    if raw is None:
        return None
    if not isinstance(raw, list) or not all(i is None or isinstance(i, int) for i in raw):
        raise TogglError(400, f"Invalid {name}")
    return frozenset(raw)


def _midnight(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def parse_query(body: dict[str, object]) -> Query:
    if "start_date" not in body or "end_date" not in body:
        raise TogglError(400, "start_date and end_date are required")
    first = parse_date(body["start_date"], "start_date")
    last = parse_date(body["end_date"], "end_date")
    if last < first:
        raise TogglError(400, "end_date must not be earlier than start_date")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise TogglError(400, f"Maximum allowed date range is {MAX_RANGE_DAYS} days")
    billable, description = body.get("billable"), body.get("description")
    if billable is not None and not isinstance(billable, bool):
        raise TogglError(400, "Invalid billable")
    if description is not None and not isinstance(description, str):
        raise TogglError(400, "Invalid description")
    users = _ids(body, "user_ids")
    return Query(
        start=_midnight(first), end=_midnight(last + timedelta(days=1)),
        user_ids=None if users is None else frozenset(u for u in users if u is not None),
        project_ids=_ids(body, "project_ids"), client_ids=_ids(body, "client_ids"),
        billable=billable, description=description.lower() if description else None,
    )


def _matches(store: Store, q: Query, e: EntryRec) -> bool:
    if q.user_ids is not None and e.user_id not in q.user_ids:
        return False
    if q.project_ids is not None and e.project_id not in q.project_ids:
        return False
    if q.client_ids is not None:
        project = store.projects.get(e.project_id) if e.project_id is not None else None
        if (project.client_id if project else None) not in q.client_ids:
            return False
    if q.billable is not None and e.billable != q.billable:
        return False
    return q.description is None or q.description in e.description.lower()


def search(store: Store, q: Query) -> Result:
    groups: dict[tuple[object, ...], Row] = {}
    for e in store.in_range(q.start, q.end):
        if _matches(store, q, e):
            key = (e.start // 86400, e.user_id, e.project_id, e.task_id, e.description,
                   e.billable, tuple(e.tag_ids))
            groups.setdefault(key, []).append(e)
    rows = sorted(groups.values(), key=lambda r: (r[0].start, r[0].id), reverse=True)
    return Result(rows=rows, position={r[0].id: i for i, r in enumerate(rows)})


def _render(store: Store, row: Row, number: int) -> ReportRow:
    first = row[0]
    project = store.projects.get(first.project_id) if first.project_id is not None else None
    rate = project.rate if project is not None and first.billable else None
    seconds = sum(e.duration for e in row if e.duration > 0)
    return {
        "user_id": first.user_id, "username": store.users[first.user_id].fullname,
        "project_id": first.project_id, "task_id": first.task_id,
        "description": first.description, "billable": first.billable,
        "tag_ids": list(first.tag_ids),
        "hourly_rate_in_cents": None if rate is None else round(rate * 100),
        "billable_amount_in_cents": None if rate is None else round(rate * 100 * seconds / 3600),
        "currency": "USD", "row_number": number,
        "time_entries": [
            {"id": e.id, "seconds": e.duration, "start": rfc3339(e.start),
             "stop": None if e.stop is None else rfc3339(e.stop), "at": rfc3339(e.at)}
            for e in row
        ],
    }


def _start_at(body: dict[str, object], result: Result) -> int:
    first_id, first_row = body.get("first_id"), body.get("first_row_number")
    if first_id is not None:
        found = result.position.get(parse_int(first_id, "first_id"))
        if found is not None:
            return found
    if first_row is not None:
        return parse_int(first_row, "first_row_number", minimum=1) - 1
    return 0


def report_routes(ctx: Context) -> APIRouter:
    router = APIRouter(prefix="/reports/api/v3/workspace/{wid}")
    # Grouping a 6-month range costs O(range); following pages reuse it until a write or reset.
    cache: dict[tuple[int, int, Query], Result] = {}

    def cached(q: Query) -> Result:
        key = (ctx.generation, ctx.store.version, q)
        result = cache.get(key)
        if result is None:
            if len(cache) >= CACHE_SIZE:
                cache.clear()
            result = cache[key] = search(ctx.store, q)
        return result

    @router.post("/search/time_entries")
    async def search_entries(wid: int, request: Request) -> Response:
        ctx.workspace(wid)
        try:
            body = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            raise TogglError(400, "Invalid JSON") from None
        if not isinstance(body, dict):
            raise TogglError(400, "Invalid JSON")
        result = cached(parse_query(body))
        size = min(parse_int(body.get("page_size", PAGE_SIZE_DEFAULT), "page_size", 1),
                   PAGE_SIZE_MAX)
        begin = _start_at(body, result)
        page = result.rows[begin : begin + size]
        headers: dict[str, str] = {}
        if begin + size < len(result.rows):
            headers = {"X-Next-ID": str(result.rows[begin + size][0].id),
                       "X-Next-Row-Number": str(begin + size + 1)}
        rows = [_render(ctx.store, row, begin + i + 1) for i, row in enumerate(page)]
        return json(rows, headers)

    return router

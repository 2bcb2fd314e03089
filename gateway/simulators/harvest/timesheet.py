"""Routes for ``/v2/time_entries``: page-style list with filters, read, and the writes."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.harvest import params, writes
from gateway.simulators.harvest.account import Account
from gateway.simulators.harvest.entries import Entry
from gateway.simulators.harvest.errors import ApiError, json_response, not_found
from gateway.simulators.harvest.pagination import Window, envelope
from gateway.simulators.harvest.store import EntryFilter
from gateway.simulators.kit import Clock

FILTERS = ("client_id", "from", "is_billed", "is_running", "project_id", "task_id", "to",
           "updated_since", "user_id")


def parse_filter(query: Any) -> EntryFilter:
    return EntryFilter(
        from_date=params.opt_date(query, "from"), to_date=params.opt_date(query, "to"),
        user_id=params.opt_int(query, "user_id"), project_id=params.opt_int(query, "project_id"),
        client_id=params.opt_int(query, "client_id"), task_id=params.opt_int(query, "task_id"),
        is_running=params.opt_bool(query, "is_running"),
        is_billed=params.opt_bool(query, "is_billed"),
        updated_since=params.opt_datetime(query, "updated_since"),
    )


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError:
        raise ApiError(400, "bad_request", "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "The request body must be a JSON object.")
    return body


def router(account: Account, clock: Clock) -> APIRouter:
    api = APIRouter(prefix="/v2/time_entries")

    def find(raw_id: str) -> Entry:
        entry = account.store.entries.get(int(raw_id)) if raw_id.isdigit() else None
        if entry is None:
            raise not_found()
        return entry

    def one(entry: Entry, status: int = 200) -> Response:
        return json_response(account.store.payload(entry, clock.now()), status)

    @api.get("")
    async def list_entries(request: Request) -> Response:
        query = request.query_params
        wanted, size, page = parse_filter(query), params.per_page(query), params.page(query)
        start = (page - 1) * size
        total, entries = account.store.query(wanted, start, size)
        filters = {k: query[k] for k in FILTERS if k in query}
        body = {"time_entries": account.store.render(entries, clock.now()),
                **envelope(request.url, filters, Window(start, size, total))}
        return json_response(body)

    @api.get("/{entry_id}")
    async def read(entry_id: str) -> Response:
        return one(find(entry_id))

    @api.post("")
    async def create(request: Request) -> Response:
        return one(writes.create(account.store, await _body(request), clock.now()), 201)

    @api.patch("/{entry_id}")
    async def update(entry_id: str, request: Request) -> Response:
        entry = find(entry_id)
        return one(writes.update(account.store, entry, await _body(request), clock.now()))

    @api.delete("/{entry_id}")
    async def delete(entry_id: str) -> Response:
        account.store.detach(find(entry_id))
        return Response(status_code=200)

    @api.patch("/{entry_id}/stop")
    async def stop(entry_id: str) -> Response:
        return one(writes.stop(account.store, find(entry_id), clock.now()))

    @api.patch("/{entry_id}/restart")
    async def restart(entry_id: str) -> Response:
        return one(writes.restart(account.store, find(entry_id), clock.now()))

    return api

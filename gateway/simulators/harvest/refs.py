"""Routes for the reference resources: company, users, clients, projects, tasks.

Lists are sorted by creation date, newest first (then id), and take ``is_active`` and
``updated_since`` (projects also ``client_id``), page or cursor pagination.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.harvest import params
from gateway.simulators.harvest.account import Account
from gateway.simulators.harvest.errors import json_response, not_found
from gateway.simulators.harvest.pagination import (
    SortKey,
    Window,
    cursor_link,
    decode_cursor,
    envelope,
)

Record = TypeVar("Record", bound=Mapping[str, Any])
FILTERS: dict[str, tuple[str, ...]] = {
    "users": ("is_active", "updated_since"),
    "clients": ("is_active", "updated_since"),
    "tasks": ("is_active", "updated_since"),
    "projects": ("is_active", "client_id", "updated_since"),
}


@dataclass(frozen=True, slots=True)
class RefFilter:
    is_active: bool | None
    updated_since: datetime | None
    client_id: int | None

    @classmethod
    def parse(cls, raw: Mapping[str, str]) -> RefFilter:
        return cls(params.opt_bool(raw, "is_active"), params.opt_datetime(raw, "updated_since"),
                   params.opt_int(raw, "client_id"))

    def matches(self, record: Mapping[str, Any]) -> bool:
        if self.is_active is not None and record["is_active"] != self.is_active:
            return False
        if self.updated_since is not None and (
            datetime.fromisoformat(record["updated_at"]) < self.updated_since
        ):
            return False
        return self.client_id is None or record["client"]["id"] == self.client_id


def sort_key(record: Mapping[str, Any]) -> SortKey:
    return (record["created_at"], record["id"])


def newest_first(records: Sequence[Record]) -> list[Record]:
    return sorted(records, key=sort_key, reverse=True)


def list_records(request: Request, name: str, records: Sequence[Record]) -> dict[str, object]:
    """One page of ``records`` (already newest first) in Harvest's list envelope."""
    query, allowed = request.query_params, FILTERS[name]
    size = params.per_page(query)
    token = query.get("cursor")
    if token:
        cursor = decode_cursor(token)
        filters = {k: v for k, v in cursor.filters.items() if k in allowed}
        test = RefFilter.parse(filters)
        matched = [r for r in records if test.matches(r)]
        start = next((i for i, r in enumerate(matched) if sort_key(r) < cursor.after),
                     len(matched))
    else:
        filters = {k: query[k] for k in allowed if k in query}
        test = RefFilter.parse(filters)
        matched = [r for r in records if test.matches(r)]
        start = (params.page(query) - 1) * size
    chunk = matched[start : start + size]
    window = Window(start=start, per_page=size, total=len(matched))
    after = cursor_link(request.url, filters, sort_key(chunk[-1]), size) if chunk else None
    return {name: chunk, **envelope(request.url, filters, window, after)}


def _by_id(records: Mapping[int, Record], raw_id: str) -> Record:
    record = records.get(int(raw_id)) if raw_id.isdigit() else None
    if record is None:
        raise not_found()
    return record


def router(account: Account) -> APIRouter:
    api = APIRouter(prefix="/v2")

    def resource(name: str, records: Callable[[], Mapping[int, Any]]) -> None:
        async def list_all(request: Request) -> Response:
            ordered = newest_first(list(records().values()))
            return json_response(list_records(request, name, ordered))

        async def one(record_id: str) -> Response:
            return json_response(_by_id(records(), record_id))

        api.add_api_route(f"/{name}", list_all, methods=["GET"])
        api.add_api_route(f"/{name}/{{record_id}}", one, methods=["GET"])

    @api.get("/company")
    async def company() -> Response:
        return json_response(account.catalog.company)

    @api.get("/users/me")
    async def me() -> Response:
        return json_response(account.catalog.users[account.catalog.me_id])

    resource("users", lambda: account.catalog.users)
    resource("clients", lambda: account.catalog.clients)
    resource("projects", lambda: account.catalog.projects)
    resource("tasks", lambda: account.catalog.tasks)
    return api

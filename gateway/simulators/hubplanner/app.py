"""Routes of the Hub Planner simulator under ``/v1``.

Per area (``resource``, ``project``, ``client``, ``timeentry``): ``GET /<area>``,
``GET /<area>/{id}`` and ``POST /<area>/search``; for time entries also ``POST /timeentry``
(201), ``PUT /timeentry/{id}`` and ``DELETE /timeentry/{id}`` (200, the deleted entry). Lists
are bare JSON arrays: no envelope, no total, no next link. An unknown id is a 404.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response

from gateway.simulators.hubplanner import writes
from gateway.simulators.hubplanner.areas import CLIENT, PROJECT, RESOURCE, TIMEENTRY, Area
from gateway.simulators.hubplanner.auth import Gate
from gateway.simulators.hubplanner.data import ObjectIds, generate, iso_ms
from gateway.simulators.hubplanner.errors import ApiError, json_response
from gateway.simulators.hubplanner.payloads import Client, Project, Resource, TimeEntry
from gateway.simulators.hubplanner.query import (
    Condition,
    parse_page,
    parse_search,
    parse_sort,
    select,
)
from gateway.simulators.hubplanner.store import Collection, TimeEntries
from gateway.simulators.kit import Clock

Handler = Callable[..., Awaitable[Response]]
T = TypeVar("T")


class Source(Protocol):
    def get(self, item_id: str) -> Mapping[str, object] | None: ...

    def candidates(self, conditions: list[Condition]) -> Iterable[Mapping[str, object]]: ...


class Account:
    """The seeded account's mutable state; :meth:`load` restores the seed (on reset too)."""

    def __init__(self, seed: int, today: date) -> None:
        self.seed = seed
        self.today = today
        self.load()

    def load(self) -> None:
        data = generate(self.seed, self.today)
        self.owner = data.owner
        self.resources = Collection[Resource](data.resources)
        self.projects = Collection[Project](data.projects)
        self.clients = Collection[Client](data.clients)
        self.entries = TimeEntries(data.entries)
        self.catalogue = writes.Catalogue(self.resources.by_id, self.projects.by_id,
                                          data.categories)
        # Ids of entries made through the API: their own stream, so reads stay identical.
        self.new_ids = ObjectIds(random.Random(self.seed + 1))

    def source(self, area: Area) -> Source:
        sources: dict[str, Source] = {
            RESOURCE.name: self.resources, PROJECT.name: self.projects,
            CLIENT.name: self.clients, TIMEENTRY.name: self.entries,
        }
        return sources[area.name]


@dataclass(frozen=True, slots=True)
class Routes:
    account: Account
    gate: Gate
    clock: Clock
    empty_timeentry_list: bool

    def install(self, app: FastAPI) -> None:
        for area in (RESOURCE, PROJECT, CLIENT, TIMEENTRY):
            base = f"/v1/{area.name}"
            app.add_api_route(base, self._lister(area), methods=["GET"])
            app.add_api_route(f"{base}/search", self._searcher(area), methods=["POST"])
            app.add_api_route(f"{base}/{{item_id}}", self._getter(area), methods=["GET"])
        app.add_api_route("/v1/timeentry", self.create, methods=["POST"])
        app.add_api_route("/v1/timeentry/{item_id}", self.replace, methods=["PUT"])
        app.add_api_route("/v1/timeentry/{item_id}", self.delete, methods=["DELETE"])

    def _lister(self, area: Area) -> Handler:
        async def list_items(request: Request) -> Response:
            headers = self.gate.admit(request)
            page = parse_page(request.query_params, area.default_limit)
            sort = parse_sort(request.query_params, area.sortable)
            if area is TIMEENTRY and self.empty_timeentry_list:
                # The timesheets section: "This call will return an empty array []".
                return json_response([], headers=headers)
            items = self.account.source(area).candidates([])
            return json_response(select(items, [], sort, page), headers=headers)

        return list_items

    def _searcher(self, area: Area) -> Handler:
        async def search(request: Request) -> Response:
            headers = self.gate.admit(request)
            page = parse_page(request.query_params, area.default_limit)
            sort = parse_sort(request.query_params, area.sortable)
            conditions = parse_search(await request.body(), area.searchable)
            items = self.account.source(area).candidates(conditions)
            return json_response(select(items, conditions, sort, page),
                                 headers=headers)

        return search

    def _getter(self, area: Area) -> Handler:
        async def get_item(item_id: str, request: Request) -> Response:
            headers = self.gate.admit(request)
            return json_response(_found(self.account.source(area).get(item_id)),
                                 headers=headers)

        return get_item

    async def create(self, request: Request) -> Response:
        headers = self.gate.admit(request, write=True)
        fields = writes.validate(writes.parse_body(await request.body()),
                                 self.account.catalogue)
        now = self.clock.now()
        stamp = iso_ms(now)
        entry = writes.build(fields, self.account.new_ids.at(now), self.account.owner,
                             stamp, stamp)
        self.account.entries.add(entry)
        return json_response(entry, 201, headers)

    async def replace(self, item_id: str, request: Request) -> Response:
        headers = self.gate.admit(request, write=True)
        old = _found(self.account.entries.get(item_id))
        if old["locked"]:
            raise ApiError(403, "This time entry is locked and cannot be updated")
        fields = writes.validate(writes.parse_body(await request.body()),
                                 self.account.catalogue)
        entry = writes.build(fields, old["_id"], old["creator"], old["createdDate"],
                             iso_ms(self.clock.now()))
        self.account.entries.remove(old)
        self.account.entries.add(entry)
        return json_response(entry, headers=headers)

    async def delete(self, item_id: str, request: Request) -> Response:
        headers = self.gate.admit(request, write=True)
        entry: TimeEntry = _found(self.account.entries.get(item_id))
        # Locked entries may be deleted (changelog 2024-10-02).
        self.account.entries.remove(entry)
        return json_response(entry, headers=headers)


def _found(item: T | None) -> T:
    if item is None:
        raise ApiError(404, "Not Found")
    return item


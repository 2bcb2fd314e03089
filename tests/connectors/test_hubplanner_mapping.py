"""Hub Planner: pure mapping, search bodies, write bodies, the quota observer and the
short-page paginator, on recorded-shape payloads (no I/O)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pydantic
import pytest

from gateway.connectors.base import Order, TimeEntryDraft, TimeEntryQuery
from gateway.connectors.hubplanner import CONFIG, mapping
from gateway.connectors.hubplanner.connector import search_body
from gateway.connectors.hubplanner.quota import quota_observer, reset_seconds
from gateway.errors import UserInputError
from gateway.pagination import Page, PageRequest
from gateway.pagination.short_page import ShortPagePaginator

S = "hp"
R1, R2, P1, C1, E1 = "6" * 24, "7" * 24, "a" * 24, "c" * 24, "e" * 24

RESOURCE: dict[str, Any] = {
    "_id": R1, "email": "farid.rossi@example.io", "firstName": "Farid", "lastName": "Rossi",
    "status": "STATUS_ACTIVE", "role": "ROLE_OWNER", "billing": {"rate": 150},
    "createdDate": "2024-09-18T16:21:53.498Z", "updatedDate": "2025-05-28T20:36:03.332Z",
}
PROJECT: dict[str, Any] = {
    "_id": P1, "name": "Mobile App v3", "status": "STATUS_ACTIVE", "projectCode": "MAV-285",
    "customers": [{"customerId": C1, "name": "Northwind", "_id": "f" * 24}],
    "createdDate": "2024-04-14T06:32:32.902Z", "updatedDate": "2024-05-30T07:53:25.527Z",
}
ENTRY: dict[str, Any] = {
    "_id": E1, "resource": R1, "project": P1, "projectName": "Mobile App v3",
    "date": "2026-02-28", "minutes": 90, "note": "Updated component library",
    "status": "APPROVED", "locked": True, "categoryName": "Design",
    "createdDate": "2026-02-28T18:44:20.411Z", "updatedDate": "2026-03-04T16:04:16.858Z",
}


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        pytest.param({}, {"name": "Farid Rossi", "active": True, "role": "ROLE_OWNER"}, id="active"),
        pytest.param({"status": "STATUS_ARCHIVED"}, {"active": False}, id="archived"),
        pytest.param({"status": "STATUS_NON_BOOKABLE"}, {"active": True}, id="non-bookable"),
        pytest.param({"firstName": "", "lastName": ""}, {"name": "farid.rossi@example.io"},
                     id="no-name-falls-back-to-email"),
        pytest.param({"email": None}, {"email": None}, id="no-email"),
    ],
)
def test_user(patch: dict[str, Any], expected: dict[str, Any]) -> None:
    user = mapping.user(S, {**RESOURCE, **patch})  # type: ignore[typeddict-item]
    assert user.id == R1
    assert user.created_at == datetime(2024, 9, 18, 16, 21, 53, 498000, tzinfo=UTC)
    for name, value in expected.items():
        assert getattr(user, name) == value


@pytest.mark.parametrize(
    ("customers", "client_id"),
    [
        pytest.param(PROJECT["customers"], C1, id="one-customer"),
        pytest.param([{"customerId": C1}, {"customerId": "d" * 24}], C1, id="first-of-several"),
        pytest.param([], None, id="no-customer"),
        pytest.param(None, None, id="customers-null"),
    ],
)
def test_project_client_comes_from_customers(customers: Any, client_id: str | None) -> None:
    project = mapping.project(S, {**PROJECT, "customers": customers})  # type: ignore[typeddict-item]
    assert (project.client_id, project.code, project.active) == (client_id, "MAV-285", True)


def test_client() -> None:
    client = mapping.client(S, {"_id": C1, "name": "Northwind", "metadata": None})
    assert (client.id, client.name, client.active) == (C1, "Northwind", True)


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        pytest.param({}, {"duration_seconds": 5400, "tags": ("Design",)}, id="minutes-times-60"),
        pytest.param({"minutes": "180"}, {"duration_seconds": 10800}, id="minutes-as-string"),
        pytest.param({"categoryName": None}, {"tags": ()}, id="no-category"),
        pytest.param({"note": ""}, {"description": None}, id="empty-note"),
        pytest.param({"date": "2026-02-28T00:00:00.000Z"}, {"date": date(2026, 2, 28)},
                     id="date-with-time-part"),
    ],
)
def test_time_entry(patch: dict[str, Any], expected: dict[str, Any]) -> None:
    entry = mapping.time_entry(S, {**ENTRY, **patch})  # type: ignore[typeddict-item]
    assert entry is not None
    assert (entry.start, entry.end, entry.running, entry.billable) == (None, None, False, None)
    assert (entry.user_id, entry.project_id, entry.task_id, entry.client_id) == (R1, P1, None, None)
    assert entry.date == date(2026, 2, 28)
    for name, value in expected.items():
        assert getattr(entry, name) == value


def test_empty_padding_rows_are_not_time() -> None:
    assert mapping.time_entry(S, {**ENTRY, "status": "EMPTY", "minutes": 0}) is None  # type: ignore[typeddict-item]


# --- search bodies ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param(TimeEntryQuery(), {}, id="no-filter"),
        pytest.param(
            TimeEntryQuery(date_from=date(2026, 1, 1), date_to=date(2026, 3, 1)),
            {"date": {"$gte": "2026-01-01", "$lte": "2026-03-01"}}, id="date-range",
        ),
        pytest.param(TimeEntryQuery(date_to=date(2026, 3, 1)), {"date": {"$lte": "2026-03-01"}},
                     id="open-start"),
        pytest.param(TimeEntryQuery(project_ids=frozenset({P1})), {"project": P1}, id="one-project"),
        pytest.param(TimeEntryQuery(user_ids=frozenset({R2, R1})), {"resource": {"$in": [R1, R2]}},
                     id="several-users"),
        pytest.param(
            TimeEntryQuery(updated_since=datetime(2026, 3, 1, 12, 0, 0, 123999, tzinfo=UTC)),
            {"updatedDate": {"$gte": "2026-03-01T12:00:00.123Z"}}, id="updated-since-ms-floored",
        ),
        pytest.param(TimeEntryQuery(client_ids=frozenset({C1})), {}, id="clients-are-local"),
    ],
)
def test_search_body(query: TimeEntryQuery, expected: dict[str, Any]) -> None:
    assert search_body(query) == {"status": {"$nin": ["EMPTY"]}, **expected}


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(TimeEntryQuery(running=True), id="no-timers"),
        pytest.param(TimeEntryQuery(project_ids=frozenset()), id="empty-project-filter"),
        pytest.param(TimeEntryQuery(user_ids=frozenset(), order=Order.ASC), id="empty-user-filter"),
    ],
)
def test_queries_that_match_nothing_need_no_call(query: TimeEntryQuery) -> None:
    assert search_body(query) is None


# --- write bodies ----------------------------------------------------------------------

FULL = TimeEntryDraft(user_id=R1, project_id=P1, date=date(2026, 3, 10), duration_seconds=5400)


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        pytest.param(FULL, {"resource": R1, "project": P1, "date": "2026-03-10", "minutes": 90},
                     id="date-and-duration"),
        pytest.param(
            TimeEntryDraft(user_id=R1, project_id=P1, description="hi",
                           start=datetime(2026, 3, 10, 9, tzinfo=UTC),
                           end=datetime(2026, 3, 10, 10, 30, tzinfo=UTC)),
            {"resource": R1, "project": P1, "date": "2026-03-10", "minutes": 90, "note": "hi"},
            id="start-and-end",
        ),
        pytest.param(TimeEntryDraft(user_id=R1, project_id=P1, date=date(2026, 3, 10),
                                    duration_seconds=89),
                     {"resource": R1, "project": P1, "date": "2026-03-10", "minutes": 1},
                     id="rounded-to-whole-minutes"),
    ],
)
def test_new_entry(draft: TimeEntryDraft, expected: dict[str, Any]) -> None:
    assert mapping.new_entry(draft) == expected


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        pytest.param(TimeEntryDraft(project_id=P1), "missing: user, date, duration", id="missing"),
        pytest.param(TimeEntryDraft(user_id="42", project_id=P1), "not a Hub Planner user id",
                     id="bad-id"),
        pytest.param(TimeEntryDraft(user_id=R1, project_id=P1, date=date(2026, 3, 10),
                                    duration_seconds=10), "whole minutes", id="under-a-minute"),
        pytest.param(TimeEntryDraft(billable=True, tags=("x",)), "cannot store: billable, tags",
                     id="unsupported"),
        pytest.param(TimeEntryDraft(start=datetime(2026, 3, 10, 10, tzinfo=UTC),
                                    end=datetime(2026, 3, 10, 9, tzinfo=UTC)), "before",
                     id="end-before-start"),
    ],
)
def test_new_entry_refuses(draft: TimeEntryDraft, message: str) -> None:
    with pytest.raises(UserInputError, match=message):
        mapping.new_entry(draft)


def test_updated_entry_keeps_the_whole_object() -> None:
    changes = mapping.entry_changes(TimeEntryDraft(duration_seconds=7200, description="x"))
    body = mapping.updated_entry(ENTRY, changes)
    assert body == {**ENTRY, "minutes": 120, "note": "x"}


# --- config ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        pytest.param({"page_size": 0}, "between 1 and 1000", id="page-size-zero"),
        pytest.param({"page_size": 1001}, "between 1 and 1000", id="page-size-too-big"),
        pytest.param({"api_key": "  "}, "Hub Planner API key", id="blank-key"),
        pytest.param({"vendor": "harvest"}, "hubplanner", id="wrong-vendor"),
    ],
)
def test_config_refuses(patch: dict[str, Any], message: str) -> None:
    entry = {"name": "hp", "vendor": "hubplanner", "api_key": "k" * 32, **patch}
    with pytest.raises(pydantic.ValidationError, match=message):
        CONFIG.model_validate(entry)


def test_config_keeps_the_key_secret() -> None:
    config = CONFIG.model_validate({"name": "hp", "vendor": "hubplanner", "api_key": "s3cret"})
    assert "s3cret" not in repr(config) and config.secrets() == ["s3cret"]
    assert config.page_size == 1000


# --- quota headers ---------------------------------------------------------------------


class FakeLimiter:
    def __init__(self) -> None:
        self.deferred: list[float] = []

    async def acquire(self) -> None:
        return None

    def defer(self, seconds: float) -> None:
        self.deferred.append(seconds)


@pytest.mark.parametrize(
    ("headers", "deferred"),
    [
        pytest.param({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "30"}, [30.0],
                     id="spent-for-longer-than-our-window"),
        pytest.param({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"}, [],
                     id="spent-within-our-window"),
        pytest.param({"x-ratelimit-remaining": "3", "x-ratelimit-reset": "30"}, [], id="budget-left"),
        pytest.param({}, [], id="no-headers"),
        pytest.param({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "soon"}, [],
                     id="garbled-reset"),
    ],
)
def test_quota_observer(headers: dict[str, str], deferred: list[float]) -> None:
    limiter = FakeLimiter()
    quota_observer(1.0)(httpx.Response(200, headers=headers), limiter)
    assert limiter.deferred == deferred


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        pytest.param("12", 12.0, id="delta"),
        pytest.param("1700000060", 60.0, id="epoch"),
        pytest.param("1699999990", 0.0, id="epoch-past"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_reset_seconds(value: str | None, seconds: float | None) -> None:
    assert reset_seconds(value, now=1_700_000_000.0) == seconds


# --- the short-page paginator on canned pages ------------------------------------------

FIRST = PageRequest("timeentry/search", params=(("page", "0"), ("limit", "3"), ("sort", "-date")))


def page(request: PageRequest, count: int) -> Page:
    return Page(request=request, items=[{}] * count, body=[{}] * count, headers=httpx.Headers())


@pytest.mark.parametrize(
    ("count", "next_page"),
    [
        pytest.param(3, "1", id="full-page-asks-for-more"),
        pytest.param(2, None, id="short-page-is-last"),
        pytest.param(0, None, id="empty-page-is-last"),
        pytest.param(5, None, id="limit-ignored-everything-sent"),
    ],
)
def test_short_page_paginator(count: int, next_page: str | None) -> None:
    following = ShortPagePaginator().next_request(page(FIRST, count))
    assert (following.param("page") if following else None) == next_page
    if following is not None:
        assert following.param("limit") == "3" and following.param("sort") == "-date"


def test_short_page_paginator_needs_page_and_limit() -> None:
    with pytest.raises(ValueError, match="must set"):
        ShortPagePaginator().next_request(page(PageRequest("x"), 1))

"""Toggl: pure mapping, route planning, write bodies and safe error reasons."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gateway.connectors.base import TimeEntryDraft, TimeEntryQuery
from gateway.connectors.toggl import drafts, mapping, plan
from gateway.connectors.toggl.errors import safe_reason
from gateway.errors import UserInputError

NOW = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
START = datetime(2026, 1, 15, 8, 12, tzinfo=UTC)
EPOCH_FORM = -int(START.timestamp())


def entry(**overrides: Any) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "id": 3138642005, "workspace_id": 4182735, "project_id": 196800497, "task_id": None,
        "user_id": 7080114, "description": "Filters", "start": "2026-01-15T08:12:00+00:00",
        "stop": "2026-01-15T09:12:00+00:00", "duration": 3600, "billable": True,
        "tags": ["meeting"], "tag_ids": [1], "duronly": False, "at": "2026-01-15T09:12:07+00:00",
        "server_deleted_at": None,
    }
    return {**raw, **overrides}


@pytest.mark.parametrize(
    ("duration", "start", "expected"),
    [
        pytest.param(3600, START, 3600, id="stopped"),
        pytest.param(0, START, 0, id="zero"),
        pytest.param(-1, START, 6480, id="running-minus-one"),
        pytest.param(EPOCH_FORM, START, 6480, id="running-minus-start-epoch"),
        pytest.param(EPOCH_FORM, None, 6480, id="epoch-form-without-start"),
        pytest.param(-1, None, 0, id="minus-one-without-start"),
        pytest.param(-1, NOW + timedelta(minutes=5), 0, id="clock-skew-never-negative"),
    ],
)
def test_elapsed_seconds(duration: int, start: datetime | None, expected: int) -> None:
    assert mapping.elapsed_seconds(duration, start, NOW) == expected


@pytest.mark.parametrize("duration", [pytest.param(-1, id="minus-one"),
                                      pytest.param(EPOCH_FORM, id="minus-start-epoch")])
def test_both_running_forms_map_to_the_same_elapsed_duration(duration: int) -> None:
    running = mapping.time_entry("t", entry(duration=duration, stop=None), NOW)  # type: ignore[arg-type]
    assert running.running is True
    assert running.end is None
    assert running.duration_seconds == int((NOW - START).total_seconds()) == 6480


@pytest.mark.parametrize(
    ("overrides", "check"),
    [
        pytest.param({}, lambda e: (e.duration_seconds, e.running, e.end) == (3600, False, START + timedelta(hours=1)),
                     id="stopped-entry"),
        pytest.param({}, lambda e: (e.id, e.user_id, e.project_id, e.task_id) == ("3138642005", "7080114", "196800497", None),
                     id="ids-as-strings"),
        pytest.param({"description": ""}, lambda e: e.description is None, id="empty-description"),
        pytest.param({"tags": None}, lambda e: e.tags == (), id="null-tags"),
        pytest.param({"start": "2026-01-15T23:30:00-02:00"}, lambda e: e.date == date(2026, 1, 16),
                     id="date-is-utc-day-of-start"),
        pytest.param({}, lambda e: e.updated_at == datetime(2026, 1, 15, 9, 12, 7, tzinfo=UTC), id="at"),
    ],
)
def test_time_entry(overrides: dict[str, Any], check: Any) -> None:
    assert check(mapping.time_entry("t", entry(**overrides), NOW))  # type: ignore[arg-type]


def report_entries(row: Any, tag_names: dict[int, str]) -> list[Any]:
    """A row's entries as the connector maps them: every item, with the start read first."""
    return [
        mapping.report_entry("t", row, item, start, tag_names, NOW)
        for start, item in mapping.report_starts(row)
    ]


def test_a_report_row_is_flattened_into_one_entry_per_item() -> None:
    row = {
        "user_id": 9, "username": "Aiko", "project_id": 5, "task_id": None, "description": "Review",
        "billable": False, "tag_ids": [1, 2, 99], "row_number": 4,
        "time_entries": [
            {"id": 11, "seconds": 600, "start": "2026-01-14T10:00:00Z", "stop": "2026-01-14T10:10:00Z", "at": "2026-01-14T10:10:00Z"},
            {"id": 12, "seconds": -1, "start": "2026-01-15T09:00:00Z", "stop": None, "at": "2026-01-15T09:00:00Z"},
        ],
    }
    first, second = report_entries(row, {1: "meeting", 2: "review"})
    assert (first.id, second.id) == ("11", "12")
    for e in (first, second):
        assert (e.user_id, e.project_id, e.description, e.billable) == ("9", "5", "Review", False)
        assert e.tags == ("meeting", "review")  # unknown tag ids are dropped
        assert e.raw is not None and "time_entries" not in e.raw and e.raw["row_number"] == 4
    assert (first.duration_seconds, first.running) == (600, False)
    assert (second.duration_seconds, second.running, second.end) == (3600, True, None)


def test_a_row_without_entries_gives_none() -> None:
    assert report_entries({"user_id": 1, "time_entries": []}, {}) == []


@pytest.mark.parametrize(
    ("raw", "check"),
    [
        pytest.param({"id": 1, "fullname": "Maya", "email": "m@x", "is_active": False, "role": "admin"},
                     lambda u: (u.name, u.active, u.role) == ("Maya", False, "admin"), id="user"),
        pytest.param({"id": 1, "email": "m@x"}, lambda u: u.name == "m@x", id="user-without-name"),
    ],
)
def test_user(raw: dict[str, Any], check: Any) -> None:
    assert check(mapping.user("t", raw))  # type: ignore[arg-type]


def test_references() -> None:
    assert mapping.client("t", {"id": 2, "name": "C", "archived": True}).active is False
    p = mapping.project("t", {"id": 3, "name": "P", "client_id": 2, "active": False, "billable": True})
    assert (p.client_id, p.active, p.billable) == ("2", False, True)
    assert mapping.project("t", {"id": 3, "name": "P", "client_id": None}).client_id is None
    assert mapping.task("t", {"id": 4, "name": "T", "project_id": 3}).project_id == "3"


TODAY = date(2026, 1, 15)
ME = frozenset({"7080114"})


@pytest.mark.parametrize(
    ("query", "me", "expected"),
    [
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=7), user_ids=ME), "7080114",
                     plan.Route.ME, id="own-recent-week"),
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=7)), None,
                     plan.Route.REPORTS, id="whole-workspace"),
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=7), user_ids=frozenset({"5"})), "7080114",
                     plan.Route.REPORTS, id="another-user"),
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=60), user_ids=ME), "7080114",
                     plan.Route.REPORTS, id="own-but-long"),
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=200), date_to=TODAY - timedelta(days=190),
                                    user_ids=ME), "7080114", plan.Route.REPORTS, id="own-but-old"),
        pytest.param(TimeEntryQuery(user_ids=ME), "7080114", plan.Route.REPORTS, id="own-unbounded"),
        pytest.param(TimeEntryQuery(date_from=TODAY - timedelta(days=365), user_ids=ME, running=True),
                     "7080114", plan.Route.CURRENT, id="own-running-timer"),
        pytest.param(TimeEntryQuery(user_ids=frozenset({"ev:1"})), None, plan.Route.NOTHING, id="foreign-user-id"),
        pytest.param(TimeEntryQuery(project_ids=frozenset()), None, plan.Route.NOTHING, id="empty-project-set"),
    ],
)
def test_route(query: TimeEntryQuery, me: str | None, expected: plan.Route) -> None:
    assert plan.route(query, TODAY, me) is expected


@pytest.mark.parametrize(
    ("days", "expected_windows"),
    [
        pytest.param(180, 1, id="six-months"),
        pytest.param(363, 1, id="padded-range-fits-366"),
        pytest.param(364, 2, id="just-over"),
        pytest.param(1000, 3, id="three-windows"),
    ],
)
def test_report_windows_cover_the_padded_range(days: int, expected_windows: int) -> None:
    date_from = TODAY - timedelta(days=days)
    windows = plan.report_windows(TimeEntryQuery(date_from=date_from, date_to=TODAY), TODAY)
    assert len(windows) == expected_windows
    assert windows[0][1] == TODAY + timedelta(days=1) and windows[-1][0] == date_from - timedelta(days=1)
    for (start, _), (_, older_end) in itertools.pairwise(windows):
        assert older_end == start - timedelta(days=1)
    assert all((end - start).days < plan.REPORT_MAX_DAYS for start, end in windows)


def test_report_body_pushes_ids_down() -> None:
    query = TimeEntryQuery(user_ids=frozenset({"2", "1"}), project_ids=frozenset({"7"}), billable=True)
    body = plan.report_body(query, (date(2026, 1, 1), date(2026, 1, 31)), 1000)
    assert body == {"start_date": "2026-01-01", "end_date": "2026-01-31", "page_size": 1000,
                    "user_ids": [1, 2], "project_ids": [7]}


def test_me_params_pad_and_make_the_end_exclusive() -> None:
    params = plan.me_params(TimeEntryQuery(date_from=date(2026, 1, 10), date_to=date(2026, 1, 14)), TODAY)
    assert params == {"start_date": "2026-01-09", "end_date": "2026-01-16"}


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        pytest.param(TimeEntryDraft(start=START, duration_seconds=600, project_id="5", tags=("a",)),
                     {"start": "2026-01-15T08:12:00Z", "stop": "2026-01-15T08:22:00Z", "duration": 600,
                      "duronly": False, "project_id": 5, "tags": ["a"]}, id="start-and-duration"),
        pytest.param(TimeEntryDraft(start=START, end=START + timedelta(hours=1)),
                     {"start": "2026-01-15T08:12:00Z", "stop": "2026-01-15T09:12:00Z", "duration": 3600,
                      "duronly": False}, id="start-and-end"),
        pytest.param(TimeEntryDraft(date=date(2026, 1, 3), duration_seconds=5400, billable=False),
                     {"start": "2026-01-03T00:00:00Z", "stop": "2026-01-03T01:30:00Z", "duration": 5400,
                      "duronly": True, "billable": False}, id="date-only"),
    ],
)
def test_create_body(draft: TimeEntryDraft, expected: dict[str, Any]) -> None:
    body = drafts.create_body(draft, 42, "hourglass")
    assert body == {"created_with": "hourglass", "workspace_id": 42, **expected}


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param(TimeEntryDraft(duration_seconds=60), id="no-start-or-date"),
        pytest.param(TimeEntryDraft(start=START), id="no-end-or-duration"),
        pytest.param(TimeEntryDraft(start=START, end=START), id="zero-length"),
        pytest.param(TimeEntryDraft(start=START, duration_seconds=60, project_id="abc"), id="foreign-id"),
    ],
)
def test_create_body_refuses(draft: TimeEntryDraft) -> None:
    with pytest.raises(UserInputError):
        drafts.create_body(draft, 42, "hourglass")


def test_timer_and_update_bodies() -> None:
    timer = drafts.timer_body(TimeEntryDraft(description="Focus"), 42, "hg", NOW)
    assert timer == {"created_with": "hg", "workspace_id": 42, "start": "2026-01-15T10:00:00Z",
                     "duration": -1, "stop": None, "description": "Focus"}
    assert drafts.update_body(TimeEntryDraft(description="x")) == {"description": "x"}
    assert drafts.update_body(TimeEntryDraft(start=START, duration_seconds=60)) == {
        "start": "2026-01-15T08:12:00Z", "duration": 60, "stop": "2026-01-15T08:13:00Z"}
    with pytest.raises(UserInputError):
        drafts.update_body(TimeEntryDraft())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(b'"Time entry already stopped"', "the time entry is already stopped", id="json-string"),
        pytest.param(b"Incorrect username and/or password", "the API token was not accepted", id="plain-auth"),
        pytest.param(b"Quota exceeded. Quota resets in 3600 seconds.", "the hourly request quota is used up",
                     id="quota"),
        pytest.param(b"Maximum allowed date range is 366 days", "the date range is too long", id="range"),
        pytest.param(b'"Invalid start_date"', "the start was not accepted", id="start-date"),
        pytest.param(b"<html>secret-token-123</html>", None, id="unknown-text"),
        pytest.param(b'{"error": "project"}', None, id="json-object-is-not-a-string-body"),
        pytest.param(b"", None, id="empty"),
    ],
)
def test_safe_reason_never_echoes_the_body(body: bytes, expected: str | None) -> None:
    reason = safe_reason(body)
    assert reason == expected
    assert reason is None or body.decode().strip('"') not in reason


def test_items_of_rows_sharing_a_memo_keep_their_own_row() -> None:
    """The memo reads a row once for its items: equal rows stay apart, and each item's raw is
    its row's attributes with its own fields on top."""
    items = [{"id": 1, "seconds": 60, "start": "2026-01-14T10:00:00Z", "at": "2026-01-14T10:01:00Z"}]
    rows: list[Any] = [
        {"user_id": 9, "username": "Aiko", "tag_ids": [1], "row_number": 1, "time_entries": items},
        {"user_id": 9, "username": "Aiko K.", "tag_ids": [2], "row_number": 2, "time_entries": items},
        {"user_id": 9, "username": "Aiko", "tag_ids": [1], "row_number": 1, "time_entries": items},
    ]
    tag_names = {1: "meeting", 2: "review"}
    memo = mapping.RowMemo("t", tag_names)
    for row in rows * 2:
        for start, item in mapping.report_starts(row):
            shared = mapping.report_entry("t", row, item, start, tag_names, NOW, memo)
            alone = mapping.report_entry("t", row, item, start, tag_names, NOW)
            assert (shared, shared.raw, shared.embedded) == (alone, alone.raw, alone.embedded)
            assert shared.raw == {**{k: v for k, v in row.items() if k != "time_entries"}, **item}

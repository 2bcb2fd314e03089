"""Clockify JSON -> domain objects, drafts -> bodies, and the listing plan: pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gateway.connectors.base import TimeEntryDraft
from gateway.connectors.clockify import mapping, plan
from gateway.connectors.clockify.config import DEFAULT_REPORTS_URL, ClockifySource
from gateway.errors import UserInputError

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        pytest.param("PT0S", 0, id="zero"),
        pytest.param("PT45S", 45, id="seconds"),
        pytest.param("PT1H30M", 5400, id="hours-minutes"),
        pytest.param("PT8H", 28800, id="hours"),
        pytest.param("P1DT2H", 93600, id="days-hours"),
        pytest.param("PT14M25S", 865, id="minutes-seconds"),
        pytest.param(None, None, id="null-running"),
    ],
)
def test_iso_durations(text: str | None, seconds: int | None) -> None:
    assert mapping.iso_duration_seconds(text) == seconds


def entry(**interval: Any) -> dict[str, Any]:
    return {
        "id": "e1",
        "description": "",
        "userId": "u1",
        "workspaceId": "w",
        "projectId": "p1",
        "taskId": None,
        "tagIds": ["t1"],
        "billable": True,
        "timeInterval": {
            "start": "2026-03-19T23:30:00Z",
            "end": "2026-03-20T01:00:00Z",
            "duration": "PT1H30M",
            **interval,
        },
    }


@pytest.mark.parametrize(
    ("raw", "zone", "expected"),
    [
        pytest.param(entry(), UTC_ZONE, (date(2026, 3, 19), 5400, False), id="finished"),
        pytest.param(
            entry(),
            ZoneInfo("Europe/Warsaw"),
            (date(2026, 3, 20), 5400, False),
            id="day-in-source-zone",
        ),
        pytest.param(
            entry(end=None, duration=None),
            UTC_ZONE,
            (date(2026, 3, 19), 45000, True),
            id="running-elapsed",
        ),
        pytest.param(
            entry(duration="garbled"),
            UTC_ZONE,
            (date(2026, 3, 19), 5400, False),
            id="bad-duration-falls-back-to-interval",
        ),
    ],
)
def test_time_entry(raw: Any, zone: ZoneInfo, expected: tuple[date, int, bool]) -> None:
    e = mapping.time_entry("ck", raw, zone, NOW)
    assert (e.date, e.duration_seconds, e.running) == expected
    assert (e.project_id, e.task_id, e.tags, e.description) == ("p1", None, ("t1",), None)
    assert e.end is None if e.running else e.end == datetime(2026, 3, 20, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "to_entry",
    [pytest.param(mapping.time_entry, id="api"), pytest.param(mapping.report_entry, id="report")],
)
def test_an_entry_without_a_start_is_refused_with_a_clear_error(to_entry: Any) -> None:
    with pytest.raises(ValueError, match="a Clockify time entry without a start"):
        to_entry("ck", entry(start=None), UTC_ZONE, NOW)


def test_report_entry_has_integer_seconds_and_client() -> None:
    raw = {
        "_id": "r1",
        "userId": "u1",
        "projectId": "p1",
        "clientId": "c1",
        "billable": False,
        "tags": [{"id": "t1", "name": "x"}],
        "description": "d",
        "timeInterval": {
            "start": "2026-03-19T09:00:00Z",
            "end": "2026-03-19T10:00:00Z",
            "duration": 3600,
        },
    }
    e = mapping.report_entry("ck", raw, UTC_ZONE, NOW)  # type: ignore[arg-type]
    assert (e.id, e.duration_seconds, e.client_id, e.tags, e.running) == (
        "r1",
        3600,
        "c1",
        ("t1",),
        False,
    )


@pytest.mark.parametrize(
    ("fn", "raw", "expected"),
    [
        pytest.param(
            mapping.user,
            {
                "id": "u",
                "name": "Ann",
                "email": "a@x",
                "status": "INACTIVE",
                "settings": {"timeZone": "Asia/Tokyo"},
            },
            {"name": "Ann", "active": False, "timezone": "Asia/Tokyo"},
            id="user",
        ),
        pytest.param(
            mapping.user,
            {"id": "u", "email": "a@x", "status": "NOT_REGISTERED"},
            {"name": "a@x", "active": False},
            id="pending-user-named-by-email",
        ),
        pytest.param(
            mapping.project,
            {"id": "p", "name": "P", "clientId": "", "archived": True},
            {"client_id": None, "active": False},
            id="project-no-client",
        ),
        pytest.param(
            mapping.project,
            {"id": "p", "name": "P", "clientId": "c", "billable": True},
            {"client_id": "c", "active": True, "billable": True},
            id="project",
        ),
        pytest.param(
            mapping.client,
            {"id": "c", "name": "C", "currencyCode": "EUR"},
            {"currency": "EUR", "active": True},
            id="client",
        ),
        pytest.param(
            mapping.task,
            {"id": "t", "name": "T", "projectId": "p", "status": "DONE"},
            {"project_id": "p", "active": False},
            id="task-done",
        ),
    ],
)
def test_references(fn: Any, raw: Any, expected: dict[str, Any]) -> None:
    ref = fn("ck", raw)
    assert {k: getattr(ref, k) for k in expected} == expected


START = datetime(2026, 3, 20, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("draft", "timer", "expected"),
    [
        pytest.param(
            TimeEntryDraft(start=START, duration_seconds=1800, project_id="p"),
            False,
            {"start": "2026-03-20T09:00:00Z", "end": "2026-03-20T09:30:00Z", "projectId": "p"},
            id="start-plus-duration",
        ),
        pytest.param(
            TimeEntryDraft(
                start=START, end=START + timedelta(hours=1), billable=False, tags=("t",)
            ),
            False,
            {
                "start": "2026-03-20T09:00:00Z",
                "end": "2026-03-20T10:00:00Z",
                "billable": False,
                "tagIds": ["t"],
            },
            id="start-end",
        ),
        pytest.param(
            TimeEntryDraft(description="go"),
            True,
            {"start": "2026-03-20T12:00:00Z", "description": "go"},
            id="timer-now",
        ),
    ],
)
def test_create_body(draft: TimeEntryDraft, timer: bool, expected: dict[str, Any]) -> None:
    assert mapping.create_body(draft, zone=UTC_ZONE, timer=timer, now=NOW) == expected


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param(TimeEntryDraft(description="x"), id="no-start"),
        pytest.param(TimeEntryDraft(start=START), id="no-end-for-a-finished-entry"),
    ],
)
def test_create_body_names_what_is_missing(draft: TimeEntryDraft) -> None:
    with pytest.raises(UserInputError):
        mapping.create_body(draft, zone=UTC_ZONE, timer=False, now=NOW)


def test_update_body_keeps_what_the_draft_leaves_unset() -> None:
    body = mapping.update_body(entry(), TimeEntryDraft(description="new"))  # type: ignore[arg-type]
    assert body == {
        "start": "2026-03-19T23:30:00Z",
        "end": "2026-03-20T01:00:00Z",
        "billable": True,
        "description": "new",
        "projectId": "p1",
        "taskId": None,
        "tagIds": ["t1"],
    }


@pytest.mark.parametrize(
    ("members", "windows", "running", "strategy"),
    [
        pytest.param(40, 1, None, plan.Strategy.REPORT, id="40-users-30-days"),
        pytest.param(2, 1, None, plan.Strategy.FAN_OUT, id="two-users-tie-goes-to-fan-out"),
        pytest.param(2, 1, False, plan.Strategy.REPORT, id="finished-only-needs-no-running-call"),
        pytest.param(10, 12, None, plan.Strategy.FAN_OUT, id="small-team-long-range"),
        pytest.param(40, None, None, plan.Strategy.FAN_OUT, id="open-range"),
        pytest.param(40, 1, True, plan.Strategy.IN_PROGRESS, id="running-only"),
    ],
)
def test_choose(
    members: int, windows: int | None, running: bool | None, strategy: plan.Strategy
) -> None:
    assert plan.choose(members, windows, running=running) is strategy


@pytest.mark.parametrize(
    ("windows", "running", "needed"),
    [
        pytest.param(1, None, False, id="one-window-and-running-call-never-dearer"),
        pytest.param(1, False, False, id="one-window-finished-only"),
        pytest.param(2, False, False, id="two-windows-finished-only"),
        pytest.param(2, None, True, id="two-windows-and-running-call"),
        pytest.param(12, None, True, id="a-year"),
        pytest.param(None, None, False, id="open-range-always-fans-out"),
        pytest.param(3, True, False, id="running-only"),
    ],
)
def test_the_member_count_is_walked_only_when_it_can_change_the_choice(
    windows: int | None, running: bool | None, needed: bool
) -> None:
    assert plan.needs_count(windows, running=running) is needed
    if not needed and windows is not None and running is not True:
        # A report of at most 2 calls against a fan-out of at least the walk and one member.
        assert plan.choose(None, windows, running=running) is plan.Strategy.REPORT


def test_a_fan_out_pays_a_users_walk_it_cannot_reuse() -> None:
    # 3 members: 3 calls against the report's 3 is a tie (fan-out); walking again makes it 4.
    assert plan.choose(3, 2, running=None) is plan.Strategy.FAN_OUT
    assert plan.choose(3, 2, running=None, walk=1) is plan.Strategy.REPORT


@pytest.mark.parametrize(
    ("first", "last", "zone", "spans"),
    [
        pytest.param(date(2026, 2, 19), date(2026, 3, 20), "UTC", [30], id="30-days-one-window"),
        pytest.param(date(2026, 1, 1), date(2026, 3, 20), "UTC", [17, 31, 31], id="79-days"),
        pytest.param(
            date(2026, 10, 1),
            date(2026, 10, 31),
            "Europe/Berlin",
            [1, 30],
            id="dst-change-shortens-a-window",
        ),
    ],
)
def test_windows(first: date, last: date, zone: str, spans: list[int]) -> None:
    windows = plan.windows(first, last, ZoneInfo(zone))
    days = [round((w.end - w.start).total_seconds() / 86400) for w in windows]
    assert days == spans
    assert all(w.end - w.start < timedelta(days=31) for w in windows)
    assert windows[-1].start == plan.day_range(first, first, ZoneInfo(zone)).start


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"workspace_id": "nope"}, "24-character hexadecimal", id="workspace-id"),
        pytest.param({"timezone": "Mars/Olympus"}, "IANA", id="timezone"),
        pytest.param({"reports_url": "reports.example"}, "http(s) URL", id="reports-url"),
    ],
)
def test_config_messages(overrides: dict[str, str], message: str) -> None:
    entry = {"name": "ck", "vendor": "clockify", "api_key": "k", "workspace_id": "a" * 24}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ClockifySource.model_validate({**entry, **overrides})


def test_config_defaults() -> None:
    config = ClockifySource.model_validate(
        {"name": "ck", "vendor": "clockify", "api_key": "k", "workspace_id": "A" * 24}
    )
    assert (config.workspace_id, config.reports_url, config.base_url) == (
        "a" * 24,
        DEFAULT_REPORTS_URL,
        None,
    )


def test_report_rows_sharing_a_memo_keep_their_own_names() -> None:
    """The memo shares a mapping only between rows naming the same set: a rename between two
    rows of one report, or a row without its client, gets its own references."""
    interval = {"start": "2026-03-19T09:00:00Z", "end": "2026-03-19T10:00:00Z", "duration": 3600}
    named = {"userId": "u1", "userName": "Ann", "projectId": "p1", "projectName": "Web"}
    rows: list[Any] = [
        {"_id": "r1", **named, "clientId": "c1", "clientName": "Acme", "timeInterval": interval},
        {
            "_id": "r2",
            **named,
            "userName": "Ann B.",
            "clientId": "c1",
            "clientName": "Acme",
            "timeInterval": interval,
        },
        {"_id": "r3", **named, "clientId": "", "clientName": "", "timeInterval": interval},
        {"_id": "r4", **named, "clientId": "c1", "clientName": "Acme", "timeInterval": interval},
    ]
    memo = mapping.ReportMemo("ck")
    for raw in rows:
        shared = mapping.report_entry("ck", raw, UTC_ZONE, NOW, memo=memo)
        assert shared.embedded == mapping.report_entry("ck", raw, UTC_ZONE, NOW).embedded

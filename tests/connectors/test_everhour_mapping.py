"""Everhour JSON -> domain objects (pure; payloads shaped like shared/vendors/everhour.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gateway.connectors.everhour import mapping

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")


def record(**overrides: Any) -> Any:
    raw: dict[str, Any] = {
        "id": 45769016,
        "date": "2024-10-18",
        "user": 1939335,
        "time": 9900,
        "task": {"id": "as:7086612595612849", "name": "Estimates", "projects": ["as:6126951701215350"]},
        "comment": "Paired on the tricky edge cases",
        "isLocked": False,
        "isInvoiced": False,
        "createdAt": "2024-10-18 23:30:00",
        "timerTime": 0,
        "manualTime": 9900,
    }
    raw.update(overrides)
    return raw


def timer(**overrides: Any) -> Any:
    raw: dict[str, Any] = {
        "status": "active",
        "duration": 420,
        "startedAt": "2024-10-18 23:30:00",
        "userDate": "2024-10-18",
        "comment": "Cleaned up technical debt",
        "task": {"id": "ev:18091412602794", "name": "Requirements", "projects": ["ev:284359656026"]},
        "user": {"id": 1403432, "name": "Priya Raman"},
    }
    raw.update(overrides)
    return raw


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        pytest.param(NEW_YORK, datetime(2024, 10, 19, 3, 30, tzinfo=UTC), id="new-york-next-utc-day"),
        pytest.param(BERLIN, datetime(2024, 10, 18, 21, 30, tzinfo=UTC), id="berlin-summer-time"),
        pytest.param(ZoneInfo("UTC"), datetime(2024, 10, 18, 23, 30, tzinfo=UTC), id="utc"),
    ],
)
def test_zone_less_times_are_read_in_the_source_zone_and_returned_in_utc(
    zone: ZoneInfo, expected: datetime
) -> None:
    entry = mapping.time_record("eh", record(), zone)
    assert entry.created_at == expected
    assert entry.date == date(2024, 10, 18)  # the day it counts for stays the vendor's
    running = mapping.timer("eh", timer(), zone)
    assert running.start == expected


@pytest.mark.parametrize(
    ("task", "project_id", "task_id"),
    [
        pytest.param(
            {"id": "jr:372268-53810", "projects": ["jr:372268-10420", "ev:1"]},
            "jr:372268-10420",
            "jr:372268-53810",
            id="first-project-of-the-task",
        ),
        pytest.param({"id": "ev:32790525470440", "projects": []}, None, "ev:32790525470440", id="no-project"),
        pytest.param({"id": "ev:78116177259088"}, None, "ev:78116177259088", id="projects-absent"),
        pytest.param(None, None, None, id="no-task"),
    ],
)
def test_the_project_of_a_record_comes_from_its_task(
    task: Any, project_id: str | None, task_id: str | None
) -> None:
    entry = mapping.time_record("eh", record(task=task), BERLIN)
    assert (entry.project_id, entry.task_id) == (project_id, task_id)


def test_a_record_is_date_and_seconds_with_no_start_or_end() -> None:
    entry = mapping.time_record("eh", record(), BERLIN)
    assert (entry.id, entry.duration_seconds, entry.running) == ("45769016", 9900, False)
    assert entry.start is None and entry.end is None
    assert (entry.user_id, entry.description) == ("1939335", "Paired on the tricky edge cases")
    assert entry.client_id is None  # reached through the project


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        pytest.param(1939335, "1939335", id="bare-id"),
        pytest.param({"id": 1939335, "name": "Ama"}, "1939335", id="embedded-user"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_user_ids_in_either_shape(user: Any, expected: str | None) -> None:
    assert mapping.time_record("eh", record(user=user), BERLIN).user_id == expected


def test_a_running_timer_is_a_running_entry() -> None:
    entry = mapping.timer("eh", timer(), BERLIN)
    assert entry.id == "timer:1403432"
    assert entry.running and entry.end is None
    assert entry.duration_seconds == 420
    assert entry.date == date(2024, 10, 18)
    assert (entry.project_id, entry.task_id) == ("ev:284359656026", "ev:18091412602794")


def test_a_timer_without_duration_has_run_since_its_start() -> None:
    now = datetime(2024, 10, 18, 22, 0, tzinfo=UTC)  # 00:00 in Berlin, 30 minutes after the start
    entry = mapping.timer("eh", timer(duration=None), BERLIN, now)
    assert entry.duration_seconds == 1800


def test_a_stopped_timer_ends_its_duration_after_its_start() -> None:
    entry = mapping.timer("eh", timer(status="stopped", duration=3600), BERLIN)
    assert not entry.running
    assert entry.end == datetime(2024, 10, 18, 22, 30, tzinfo=UTC)


def test_without_user_date_a_timer_counts_for_its_local_start_day() -> None:
    entry = mapping.timer("eh", timer(userDate=None), NEW_YORK)
    assert entry.date == date(2024, 10, 18)


@pytest.mark.parametrize(
    ("raw", "client_id", "active", "billable"),
    [
        pytest.param(
            {"id": "ev:922211034275", "name": "Portal", "status": "open", "client": 405667,
             "billing": {"type": "hourly"}},
            "405667", True, True, id="open-hourly",
        ),
        pytest.param(
            {"id": "as:1320421729999760", "name": "Internal", "status": "archived",
             "billing": {"type": "non_billable"}},
            None, False, False, id="archived-non-billable",
        ),
        pytest.param({"id": "jr:372268-10297", "name": "API"}, None, True, None, id="bare"),
    ],
)
def test_projects_keep_prefixed_ids(
    raw: Any, client_id: str | None, active: bool, billable: bool | None
) -> None:
    project = mapping.project("eh", raw, BERLIN)
    assert project.id == raw["id"]
    assert (project.client_id, project.active, project.billable) == (client_id, active, billable)


@pytest.mark.parametrize(
    ("status", "active"),
    [
        pytest.param("active", True, id="active"),
        pytest.param("invited", False, id="invited"),
        pytest.param(None, True, id="no-status"),
    ],
)
def test_users(status: str | None, active: bool) -> None:
    raw = {"id": 1120779, "name": "Ingrid", "email": "i@x.test", "role": "admin", "status": status,
           "createdAt": "2024-04-23 11:33:34"}
    user = mapping.user("eh", raw, BERLIN)  # type: ignore[arg-type]
    assert (user.id, user.active, user.role) == ("1120779", active, "admin")
    assert user.created_at == datetime(2024, 4, 23, 9, 33, 34, tzinfo=UTC)


def test_clients_and_tasks() -> None:
    client = mapping.client("eh", {"id": 405667, "name": "Brightwater", "projects": ["ev:1"]}, BERLIN)
    assert (client.id, client.name, client.active) == ("405667", "Brightwater", True)
    task = mapping.task("eh", {"id": "ev:2", "name": "Tuning", "status": "closed", "projects": ["ev:1"]})
    assert (task.id, task.project_id, task.active) == ("ev:2", "ev:1", False)

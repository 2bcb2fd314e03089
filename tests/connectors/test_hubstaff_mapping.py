"""Hubstaff JSON -> domain objects, and sessions rebuilt from 10-minute activities (seed 001)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from gateway.connectors.hubstaff import DEFAULT_TOKEN_URL, HubstaffSource, mapping
from gateway.connectors.hubstaff.payloads import ActivityPayload
from gateway.pagination import Page, PageRequest
from gateway.pagination.start_id import StartIdPaginator

SOURCE = "hs"


def activity(
    id: int, starts_at: str, tracked: int, *, user: int = 7, project: int | None = 5,
    task: int | None = 23, day: str | None = None, billable: bool = True,
) -> ActivityPayload:
    start = datetime.fromisoformat(starts_at.replace("Z", "+00:00"))
    slot = start.replace(minute=start.minute - start.minute % 10, second=0)
    return {
        "id": id, "date": day or start.date().isoformat(), "time_slot": slot.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "starts_at": starts_at, "user_id": user, "project_id": project, "task_id": task,
        "tracked": tracked, "billable": billable, "time_type": "normal",
        "created_at": starts_at, "updated_at": starts_at,
    }


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def spans(activities: list[ActivityPayload]) -> list[tuple[datetime, datetime, int]]:
    entries = [mapping.time_entry(SOURCE, s) for s in mapping.sessions(activities)]
    return [(e.start, e.end, e.duration_seconds) for e in entries]  # type: ignore[misc]


SEED_001 = [
    activity(1, "2026-03-02T10:05:00Z", 300),
    activity(2, "2026-03-02T10:10:00Z", 540),
    activity(3, "2026-03-02T10:21:00Z", 350),
]


def test_seed_001_example_gives_exactly_two_sessions() -> None:
    entries = [mapping.time_entry(SOURCE, s) for s in mapping.sessions(SEED_001)]
    assert [(e.start, e.end, e.duration_seconds) for e in entries] == [
        (at("2026-03-02T10:05:00"), at("2026-03-02T10:19:00"), 840),
        (at("2026-03-02T10:21:00"), at("2026-03-02T10:26:50"), 350),
    ]
    first, second = entries
    assert (first.project_id, first.task_id, first.user_id) == ("5", "23", "7")
    assert first.id.startswith("1.") and second.id.startswith("3.")  # from the first activity
    assert not first.running and first.billable is True


@pytest.mark.parametrize(
    ("activities", "expected"),
    [
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 600), activity(2, "2026-03-02T10:10:00Z", 600, task=24)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:10:00"), 600),
             (at("2026-03-02T10:10:00"), at("2026-03-02T10:20:00"), 600)],
            id="another-task-breaks-a-session",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 600), activity(2, "2026-03-02T10:10:00Z", 600, project=6)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:10:00"), 600),
             (at("2026-03-02T10:10:00"), at("2026-03-02T10:20:00"), 600)],
            id="another-project-breaks-a-session",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 599), activity(2, "2026-03-02T10:10:00Z", 600)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:09:59"), 599),
             (at("2026-03-02T10:10:00"), at("2026-03-02T10:20:00"), 600)],
            id="a-one-second-gap-breaks-it",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 600), activity(2, "2026-03-02T10:10:00Z", 600, user=8)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:10:00"), 600),
             (at("2026-03-02T10:10:00"), at("2026-03-02T10:20:00"), 600)],
            id="another-user-breaks-it",
        ),
        pytest.param(
            [activity(2, "2026-03-02T10:10:00Z", 600), activity(1, "2026-03-02T10:00:00Z", 600),
             activity(1, "2026-03-02T10:00:00Z", 600)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:20:00"), 1200)],
            id="unordered-and-duplicated-input",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 600, task=None), activity(2, "2026-03-02T10:10:00Z", 600, task=None)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:20:00"), 1200)],
            id="no-task-merges-with-no-task",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:00:00Z", 600, task=None), activity(2, "2026-03-02T10:10:00Z", 600)],
            [(at("2026-03-02T10:00:00"), at("2026-03-02T10:10:00"), 600),
             (at("2026-03-02T10:10:00"), at("2026-03-02T10:20:00"), 600)],
            id="no-task-and-a-task-do-not-merge",
        ),
        pytest.param(
            [activity(1, "2026-03-02T10:04:00Z", 360), activity(2, "2026-03-02T10:10:00Z", 120)],
            [(at("2026-03-02T10:04:00"), at("2026-03-02T10:12:00"), 480)],
            id="started-mid-slot",
        ),
    ],
)
def test_session_edges(activities: list[ActivityPayload], expected: list[Any]) -> None:
    assert spans(activities) == expected


def test_a_session_across_midnight_is_one_entry_on_the_day_it_started() -> None:
    (entry,) = [
        mapping.time_entry(SOURCE, s)
        for s in mapping.sessions([
            activity(1, "2026-03-02T23:50:00Z", 600),
            activity(2, "2026-03-03T00:00:00Z", 600),
            activity(3, "2026-03-03T00:10:00Z", 30),
        ])
    ]
    assert (entry.date, entry.start, entry.end, entry.duration_seconds) == (
        date(2026, 3, 2), at("2026-03-02T23:50:00"), at("2026-03-03T00:10:30"), 1230,
    )


def test_a_session_split_across_two_fetch_windows_merges_into_one() -> None:
    # Windows [.., 00:00) and [00:00, ..) each hold one half; the connector merges their union.
    older = [activity(10, "2026-03-08T23:40:00Z", 600), activity(11, "2026-03-08T23:50:00Z", 600)]
    newer = [activity(12, "2026-03-09T00:00:00Z", 600)]
    (whole,) = mapping.sessions(newer + older)
    assert (whole.start, whole.end) == (at("2026-03-08T23:40:00"), at("2026-03-09T00:10:00"))
    assert mapping.session_id(whole) == mapping.session_id(mapping.sessions(older)[0])


def test_billable_only_if_every_activity_is() -> None:
    (session,) = mapping.sessions([
        activity(1, "2026-03-02T10:00:00Z", 600), activity(2, "2026-03-02T10:10:00Z", 600, billable=False),
    ])
    assert mapping.time_entry(SOURCE, session).billable is False


@pytest.mark.parametrize(
    ("native_id", "expected"),
    [
        pytest.param("11.7.1772445600", mapping.SessionRef(11, 7, at("2026-03-02T10:00:00")), id="ok"),
        pytest.param("11.7", None, id="too-short"),
        pytest.param("a.7.1", None, id="not-numeric"),
        pytest.param("", None, id="empty"),
    ],
)
def test_session_ids_round_trip(native_id: str, expected: mapping.SessionRef | None) -> None:
    assert mapping.parse_session_id(native_id) == expected


def test_a_session_id_names_its_first_activity_user_and_slot() -> None:
    (session,) = mapping.sessions([activity(11, "2026-03-02T10:04:00Z", 360)])
    ref = mapping.parse_session_id(mapping.session_id(session))
    assert ref == mapping.SessionRef(11, 7, at("2026-03-02T10:00:00"))


USER = {"id": 7, "name": "Ada Lovelace", "email": "ada@x.io", "time_zone": "Europe/London",
        "status": "active", "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-02T00:00:00Z"}


@pytest.mark.parametrize(
    ("member", "user", "expected"),
    [
        pytest.param({"user_id": 7, "membership_role": "owner", "membership_status": "active"}, USER,
                     ("Ada Lovelace", "ada@x.io", True, "owner"), id="with-record"),
        pytest.param({"user_id": 7, "membership_role": "user", "membership_status": "removed"}, USER,
                     ("Ada Lovelace", "ada@x.io", False, "user"), id="removed-member"),
        pytest.param({"user_id": 9, "membership_role": "user", "membership_status": "active"}, None,
                     ("user 9", None, True, "user"), id="no-record"),
        pytest.param({"user_id": 7, "membership_status": "active"}, {**USER, "name": "", "first_name": "A",
                     "last_name": "L"}, ("A L", "ada@x.io", True, None), id="name-from-parts"),
    ],
)
def test_users_from_members(member: Any, user: Any, expected: tuple[Any, ...]) -> None:
    mapped = mapping.user(SOURCE, member, user)
    assert (mapped.name, mapped.email, mapped.active, mapped.role) == expected
    assert mapped.id == str(member["user_id"])


def test_projects_clients_and_tasks() -> None:
    project = mapping.project(SOURCE, {"id": 5, "name": "P", "status": "archived", "billable": True, "client_id": 3})
    assert (project.id, project.client_id, project.active, project.billable) == ("5", "3", False, True)
    assert mapping.project(SOURCE, {"id": 6, "name": "Q", "status": "active"}).client_id is None
    client = mapping.client(SOURCE, {"id": 3, "name": "C", "status": "active", "project_ids": [5]})
    assert (client.id, client.name, client.active) == ("3", "C", True)
    task = mapping.task(SOURCE, {"id": 23, "summary": "Fix it", "status": "completed", "project_id": 5})
    assert (task.id, task.name, task.project_id, task.active) == ("23", "Fix it", "5", False)


def test_daily_totals() -> None:
    total = mapping.daily_total(SOURCE, {"id": 1, "date": "2026-03-02", "user_id": 7, "project_id": 5,
                                         "task_id": None, "tracked": 3600, "billable": 1800, "manual": 60, "idle": 5})
    assert (total.date, total.user_id, total.task_id, total.tracked_seconds, total.billable_seconds) == (
        date(2026, 3, 2), "7", None, 3600, 1800,
    )


def page(body: Any, items: int = 2) -> Page:
    request = PageRequest("organizations/1/activities", (("user_ids[]", "1"), ("user_ids[]", "2")))
    return Page(request, list(range(items)), body, httpx.Headers())


@pytest.mark.parametrize(
    ("body", "items", "next_start"),
    [
        pytest.param({"pagination": {"next_page_start_id": 98}}, 2, "98", id="next"),
        pytest.param({"pagination": {}}, 2, None, id="key-absent-on-last-page"),
        pytest.param({}, 2, None, id="no-envelope"),
        pytest.param({"pagination": {"next_page_start_id": None}}, 2, None, id="null"),
        pytest.param({"pagination": {"next_page_start_id": 98}}, 0, None, id="empty-page-stops"),
        pytest.param([], 2, None, id="not-an-object"),
    ],
)
def test_start_id_paginator(body: Any, items: int, next_start: str | None) -> None:
    following = StartIdPaginator().next_request(page(body, items))
    if next_start is None:
        assert following is None
        return
    assert following is not None
    assert following.param("page_start_id") == next_start
    assert [v for k, v in following.params if k == "user_ids[]"] == ["1", "2"]  # arrays survive


GOOD = {"name": "hs", "vendor": "hubstaff", "refresh_token": "pat", "organization_id": 184402}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        pytest.param({"organization_id": "acme"}, "numeric Hubstaff organization id", id="org-not-numeric"),
        pytest.param({"organization_id": 0}, "greater than 0", id="org-zero"),
        pytest.param({"refresh_token": "  "}, "personal access token", id="empty-token"),
        pytest.param({"token_url": "account.hubstaff.com/access_tokens"}, "absolute http(s) URL", id="token-url"),
        pytest.param({"timezone": "Mars/Olympus"}, "IANA time zone", id="timezone"),
        pytest.param({"page_size": 10}, "Extra inputs", id="unknown-option"),
    ],
)
def test_config_errors_are_precise(override: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        HubstaffSource.model_validate({**GOOD, **override})
    assert message in str(raised.value)
    assert "pat" not in str(raised.value).replace("path", "")


def test_config_defaults() -> None:
    config = HubstaffSource.model_validate({**GOOD, "organization_id": "184402"})
    assert config.organization_id == 184402 and config.token_url == DEFAULT_TOKEN_URL
    assert config.token_store_path() == Path("~/.hourglass/tokens/hs.json").expanduser()
    assert "pat" not in repr(config)

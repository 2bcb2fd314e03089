"""Hubstaff JSON -> domain objects, and sessions rebuilt from 10-minute activities (seed 001)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
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


# -- the per-query memo and the sessions read through it ----------------------------------


@pytest.mark.parametrize(
    ("text", "start"),
    [
        pytest.param("2026-03-02T10:00:00Z", at("2026-03-02T10:00:00"), id="hubstaff-form"),
        pytest.param("2026-03-02T10:00:00.537143Z", at("2026-03-02T10:00:00.537143"), id="microseconds"),
        pytest.param("2026-03-02T12:00:00+02:00", at("2026-03-02T10:00:00"), id="offset"),
        pytest.param("2026-03-02T10:00:00", at("2026-03-02T10:00:00"), id="no-zone-is-utc"),
    ],
)
def test_the_memo_reads_a_timestamp_text_once_and_as_span_does(text: str, start: datetime) -> None:
    one, other = activity(1, "2026-03-02T10:00:00Z", 600), activity(2, "2026-03-02T10:00:00Z", 300, user=8)
    one["starts_at"] = other["starts_at"] = text
    memo = mapping.SpanMemo()
    assert (memo(one), memo(other)) == (mapping.span(one), mapping.span(other))
    assert memo(one)[0] == start and memo(one)[0].tzinfo is UTC
    assert memo(one)[0] is memo(other)[0]  # the text was parsed once


def reference_sessions(activities: list[ActivityPayload]) -> list[tuple[int, ...]]:
    """Seed 001 read literally: per user, project and task, activities in time order chain
    while one starts where the last ended. Sessions as their activity ids, by start."""
    by_group: dict[tuple[Any, ...], list[ActivityPayload]] = {}
    for raw in {a["id"]: a for a in activities}.values():
        by_group.setdefault((raw["user_id"], raw["project_id"], raw["task_id"]), []).append(raw)
    found: list[tuple[datetime, int, tuple[int, ...]]] = []
    for group in by_group.values():
        runs: list[list[ActivityPayload]] = []
        for raw in sorted(group, key=lambda a: (*mapping.span(a), a["id"])):
            if runs and mapping.span(runs[-1][-1])[1] == mapping.span(raw)[0]:
                runs[-1].append(raw)
            else:
                runs.append([raw])
        found += [(mapping.span(r[0])[0], r[0]["id"], tuple(a["id"] for a in r)) for r in runs]
    return [ids for _, _, ids in sorted(found)]


def random_activities(rng: random.Random, count: int = 240) -> list[ActivityPayload]:
    """Eight groups over 40 slots: chains, gaps, late starts and slots shared in a group."""
    start = datetime(2026, 3, 2, 8, tzinfo=UTC)
    out = []
    for n in range(count):
        slot = start + timedelta(minutes=10 * rng.randrange(40))
        late = rng.choice([0, 0, 0, 0, 0, 60, 240])
        out.append(activity(
            n + 1, (slot + timedelta(seconds=late)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            rng.choice([600 - late] * 4 + [300, 599 - late]), user=rng.choice([7, 8]),
            project=rng.choice([5, None]), task=rng.choice([23, None]),
        ))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_sessions_do_not_depend_on_the_order_pages_are_learnt_in(seed: int) -> None:
    rng = random.Random(seed)
    activities = random_activities(rng)
    expected = reference_sessions(activities)
    pages = [activities[i : i + 37] for i in range(0, len(activities), 37)]
    rng.shuffle(pages)
    memo = mapping.SpanMemo()
    for page in pages[: len(pages) // 2]:  # the rest arrives after: read when used
        memo.learn(page)
    memo.learn(pages[0])  # a page read twice
    mixed = [a for page in pages for a in page] + activities[:50]  # and duplicates
    rng.shuffle(mixed)
    found = mapping.sessions(mixed, memo)
    assert [tuple(a["id"] for a in s.activities) for s in found] == expected
    assert found == mapping.sessions(activities)  # same Session objects without a memo
    assert all(s.start == mapping.span(s.first)[0] and s.end == mapping.span(s.activities[-1])[1] for s in found)


def test_a_copy_of_a_known_activity_is_read_with_the_span_first_read() -> None:
    # Spans go by id for the whole query (as ever); the rest comes from the copy passed.
    memo = mapping.SpanMemo()
    memo.learn([activity(1, "2026-03-02T10:00:00Z", 600)])
    copy = activity(1, "2026-03-02T11:00:00Z", 300, task=24)
    (session,) = mapping.sessions([copy], memo)
    assert session.activities[0] is copy
    assert (session.start, session.end) == (at("2026-03-02T10:00:00"), at("2026-03-02T10:10:00"))
    assert mapping.time_entry(SOURCE, session).task_id == "24"


def test_an_activity_that_cannot_be_read_fails_where_it_is_used_not_when_learnt() -> None:
    broken = activity(1, "2026-03-02T10:00:00Z", 600)
    broken["starts_at"] = broken["time_slot"] = ""
    memo = mapping.SpanMemo()
    memo.learn([broken, activity(2, "2026-03-02T10:10:00Z", 600)])  # a page must not fail
    with pytest.raises(ValueError, match="without a start"):
        mapping.sessions([broken], memo)


@pytest.mark.parametrize("ends", [True, False])
def test_users_at_an_edge_are_those_the_spans_say(ends: bool) -> None:
    activities = random_activities(random.Random(3))
    memo = mapping.SpanMemo()
    memo.learn(activities[:100])
    for edge in (at("2026-03-02T09:00:00"), at("2026-03-02T09:10:00"), at("2026-03-02T09:04:00")):
        expected = {a["user_id"] for a in activities if mapping.span(a)[1 if ends else 0] == edge}
        assert memo.users_at(activities, edge, ends=ends) == expected


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

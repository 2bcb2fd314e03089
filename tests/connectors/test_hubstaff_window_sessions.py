"""Sessions chained a window at a time, then stitched at the windows' edges, are the sessions
chained from every activity at once (and the connector's entries are those sessions)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from gateway.connectors.base import ConnectorContext
from gateway.connectors.hubstaff import CONFIG, create_connector, mapping
from gateway.connectors.hubstaff import connector as hubstaff_connector
from gateway.connectors.hubstaff.payloads import ActivityPayload
from gateway.connectors.hubstaff.windows import by_start
from gateway.simulators.hubstaff import demo_source
from tests.connectors.test_hubstaff_connector import days_ago, entries, fake_hubstaff

SLOT = 600
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def cut(
    start: datetime, seconds: int, group: tuple[int, int, int | None], ids: list[int]
) -> list[Any]:
    """A session as Hubstaff records it: an activity per 10-minute slot it touches."""
    out, cursor, end = [], start, start + timedelta(seconds=seconds)
    while cursor < end:
        epoch = int(cursor.timestamp())
        slot = datetime.fromtimestamp(epoch - epoch % SLOT, UTC)
        stop = min(end, slot + timedelta(seconds=SLOT))
        user, project, task = group
        out.append(
            {
                "id": ids.pop(),
                "date": slot.date().isoformat(),
                "time_slot": stamp(slot),
                "starts_at": stamp(cursor),
                "user_id": user,
                "project_id": project,
                "task_id": task,
                "tracked": int((stop - cursor).total_seconds()),
                "billable": True,
                "created_at": stamp(stop),
                "updated_at": stamp(stop),
            }
        )
        cursor = stop
    return out


def timeline(
    rng: random.Random,
    first: datetime,
    last: datetime,
    slot_lengths: list[int],
    slot_gaps: list[int],
) -> list[Any]:
    """Sessions of six groups from ``first`` to ``last``: late starts, short and long ones, gaps
    of whole slots (so that many begin or end exactly on a window's edge)."""
    ids = rng.sample(range(1, 10**6), 3 * 10**4)
    out = []
    for group in [(u, p, t) for u in (7, 8) for p, t in ((5, 23), (5, None), (6, 30))]:
        cursor = first + timedelta(seconds=SLOT * rng.randrange(4))
        while cursor < last:
            late = rng.choice([0, 0, 0, 60, 240])
            length = SLOT * rng.choice(slot_lengths) - late - rng.choice([0, 0, 0, 120])
            out += cut(cursor + timedelta(seconds=late), max(length, 60), group, ids)
            cursor += timedelta(seconds=SLOT * rng.choice(slot_gaps) + late + max(length, 60))
            cursor = datetime.fromtimestamp(-(-int(cursor.timestamp()) // SLOT) * SLOT, UTC)
    return out


def chained_by_window(
    activities: list[ActivityPayload], edges: list[datetime]
) -> list[mapping.Session]:
    """What the connector does: each window alone, then its edge sessions chained again."""
    memo, whole, again = mapping.SpanMemo(), [], []
    for start, stop in pairwise(edges):
        inside = [a for a in activities if start <= memo(a)[0] < stop]
        chained = mapping.window_sessions(inside, memo, start, stop)
        assert chained is not None
        whole += chained.inner
        again += [a for s in chained.edges for a in s.activities]
    return sorted(whole + mapping.sessions(again, memo), key=by_start)


@pytest.mark.parametrize("seed", range(40))
def test_window_by_window_gives_the_sessions_of_everything_at_once(seed: int) -> None:
    rng = random.Random(seed)
    edges = [T0 + timedelta(hours=h) for h in range(9)]  # eight 1-hour windows
    empty = rng.randrange(1, 7)  # one window with nothing in it
    activities = [
        a
        for a in timeline(rng, T0, edges[-1], [1, 2, 3, 6, 8, 14, 20], [0, 1, 2, 6])
        if edges[0] <= mapping.span(a)[0] < edges[-1]
        and not edges[empty] <= mapping.span(a)[0] < edges[empty + 1]
    ]
    rng.shuffle(activities)
    found = chained_by_window(activities, edges)
    assert found == mapping.sessions(activities)
    crossing = [s for s in found if any(s.start < e < s.end for e in edges)]
    assert any(sum(s.start < e < s.end for e in edges) >= 2 for s in crossing)  # across two windows
    assert any(s.start in edges or s.end in edges for s in found)  # touching an edge only


def test_a_session_touching_both_edges_of_its_window_chains_on_both_sides() -> None:
    ids = list(range(100, 0, -1))
    edges = [T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2), T0 + timedelta(hours=3)]
    activities = cut(
        T0 + timedelta(minutes=50), 6 * SLOT + 2 * SLOT, (7, 5, 23), ids
    )  # 0:50 -> 2:10
    activities += cut(T0 + timedelta(hours=1), 3600, (8, 5, 23), ids)  # exactly the middle window
    found = chained_by_window(activities, edges)
    assert found == mapping.sessions(activities)
    assert [(s.user_id, s.start, s.end) for s in found] == [
        (7, T0 + timedelta(minutes=50), T0 + timedelta(hours=2, minutes=10)),
        (8, T0 + timedelta(hours=1), T0 + timedelta(hours=2)),
    ]


@pytest.mark.parametrize(
    ("activities", "why"),
    [
        pytest.param(
            cut(T0 - timedelta(minutes=10), 1200, (7, 5, 23), [1, 2]),
            "outside",
            id="outside-the-window",
        ),
        pytest.param(
            cut(T0, 600, (7, 5, 23), [1]) + cut(T0 + timedelta(minutes=5), 60, (7, 5, 23), [2]),
            "overlap",
            id="overlapping-in-a-group",
        ),
    ],
)
def test_a_window_that_cannot_be_read_alone_says_so(activities: list[Any], why: str) -> None:
    assert (
        mapping.window_sessions(activities, mapping.SpanMemo(), T0, T0 + timedelta(hours=1)) is None
    ), why


@pytest.mark.parametrize("at_once", [5, 2])
@pytest.mark.parametrize("seed", range(3))
async def test_a_month_of_entries_is_the_sessions_of_all_its_activities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, at_once: int
) -> None:
    monkeypatch.setattr(hubstaff_connector, "WINDOWS_AT_ONCE", at_once)
    rng = random.Random(seed)
    first = datetime.combine(days_ago(33), datetime.min.time(), UTC)
    data = timeline(rng, first, first + timedelta(days=32), [1, 3, 6, 24, 60], [0, 6, 72, 144])
    ids = list(range(2 * 10**6, 2 * 10**6 - 3000, -1))
    data += cut(
        first + timedelta(days=10, hours=20), 8 * 86400, (9, 5, 23), ids
    )  # across two windows
    if seed == 2:  # overlapping activities: the windows are chained at once, as before
        data += cut(first + timedelta(days=20, minutes=5), 300, (7, 5, 23), ids)
    found, expected = await a_month(tmp_path, data)
    assert found == expected
    assert any(e.duration_seconds == 8 * 86400 for e in found)


async def a_month(tmp_path: Path, data: list[Any], **filters: Any) -> tuple[list[Any], list[Any]]:
    """The entries a connector reads of ``data`` for 31 to 2 days ago (400 activities a page),
    and the sessions of all of ``data`` in that range, as entries. ``filters``: the query's."""
    entry = {**demo_source("http://hubstaff.fake"), "token_store": str(tmp_path / "t.json")}
    context = ConnectorContext(user_agent="test", transport=fake_hubstaff(data, page_limit=400))
    connector = create_connector(CONFIG.model_validate(entry), context)
    try:
        found = await entries(connector, days_ago(31), days_ago(2), **filters)
        span = connector._span(days_ago(31), days_ago(2))
    finally:
        await connector.aclose()
    assert span is not None
    everything = sorted(mapping.sessions(data), key=by_start, reverse=True)
    expected = [
        mapping.time_entry(connector.source, s)
        for s in everything
        if span.start < s.end and s.start < span.stop
    ]
    return found, expected

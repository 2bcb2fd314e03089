"""A window chained page by page as its pages arrive (``mapping.WindowChain``) gives what
chaining all its activities at once gives (``mapping.window_sessions``), or steps aside."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import Mock

import pytest

from gateway.connectors.hubstaff import connector as hubstaff_connector
from gateway.connectors.hubstaff import mapping
from gateway.connectors.hubstaff.windows import by_start
from tests.connectors.test_hubstaff_connector import days_ago
from tests.connectors.test_hubstaff_window_sessions import SLOT, T0, a_month, cut, timeline

START, STOP = T0, T0 + timedelta(days=2)


def in_creation_order(activities: list[Any], rng: random.Random, late: float) -> list[Any]:
    """Ids as Hubstaff gives them: in the order slots are recorded, which is their time order
    but for the share ``late`` synced up to 20 minutes after their slot."""

    def recorded(a: dict[str, Any]) -> datetime:
        synced = SLOT * rng.randrange(1, 3) if rng.random() < late else 0
        return datetime.fromisoformat(a["starts_at"]) + timedelta(seconds=synced)

    ordered = sorted(activities, key=recorded)
    return [{**a, "id": 10**6 + n} for n, a in enumerate(ordered)]


def window(rng: random.Random, late: float) -> list[Any]:
    made = timeline(rng, START, STOP, [1, 2, 3, 6, 14, 30], [0, 1, 2, 6])
    inside = [a for a in made if START <= mapping.span(a)[0] < STOP]
    return in_creation_order(inside, rng, late)


def paged(activities: list[Any], size: int) -> list[list[Any]]:
    ordered = sorted(activities, key=lambda a: a["id"])
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def chained(pages: list[list[Any]]) -> tuple[mapping.WindowSessions, list[Any]] | None:
    memo = mapping.SpanMemo()
    chain = mapping.WindowChain(memo, START, STOP, lambda s: ("entry", by_start(s)))
    for page in pages:
        chain.feed(page)
    return chain.result()


@pytest.mark.parametrize("size", [1, 7, 50, 500])
@pytest.mark.parametrize("seed", range(12))
def test_page_by_page_is_the_window_chained_at_once(seed: int, size: int) -> None:
    rng = random.Random(seed)
    activities = window(rng, late=0.05)
    done = chained(paged(activities, size))
    at_once = mapping.window_sessions(activities, mapping.SpanMemo(), START, STOP)
    assert at_once is not None and at_once.inner and at_once.edges
    if size >= 50:  # a late slot at the head of a page that small is rare: no step aside
        assert done is not None
    if done is not None:
        sessions, finished = done
        assert sessions == at_once
        # in the order sessions closed: the connector sorts its entries
        assert sorted(finished) == [("entry", by_start(s)) for s in at_once.inner]


@pytest.mark.parametrize("seed", range(6))
def test_pages_in_time_order_are_chained_as_they_come(seed: int) -> None:
    activities = window(random.Random(seed), late=0.0)
    assert chained(paged(activities, 40)) is not None


def test_a_late_slot_steps_aside_only_before_what_is_chained() -> None:
    first = cut(T0 + timedelta(hours=1), 3 * SLOT, (7, 5, 23), [3, 2, 1])
    late = cut(T0, SLOT, (8, 5, 23), [4])  # recorded after slots that began after it
    rest = cut(T0 + timedelta(hours=2), SLOT, (7, 5, 23), [5])
    # The page before it is held until the next page shows where the rows to come begin.
    assert chained([first, late, rest]) is not None
    assert chained([first, rest, late]) is None  # ``first`` was chained when ``rest`` came


def test_a_session_is_mapped_once_rows_to_come_begin_after_it() -> None:
    """Mapped while the window's pages are still arriving, not in ``result``: once a row
    chained begins after its end, every row still to come does too, and none can extend it."""
    morning = cut(T0 + timedelta(hours=1), 3 * SLOT, (7, 5, 23), [3, 2, 1])
    noon = cut(T0 + timedelta(hours=4), SLOT, (8, 5, 23), [4])
    evening = cut(T0 + timedelta(hours=9), 2 * SLOT, (7, 5, 23), [6, 5])
    late = cut(T0 + timedelta(hours=10), SLOT, (9, 5, 23), [7])
    finished: list[Any] = []
    chain = mapping.WindowChain(mapping.SpanMemo(), START, STOP, finished.append)
    chain.feed(morning)
    chain.feed(noon)  # the morning's rows chained: a row may still begin where they end
    assert finished == []
    chain.feed(evening)  # noon's row chained, begun after the morning's session ended
    assert [len(s.activities) for s in finished] == [3]
    chain.feed(late)  # the evening's rows chained: noon's session is over too
    assert [len(s.activities) for s in finished] == [3, 1]
    done = chain.result()
    assert done is not None
    sessions, _ = done
    assert [len(s.activities) for s in sessions.inner] == [3, 1, 2, 1]
    assert [len(s.activities) for s in finished] == [3, 1, 2, 1]


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param(
            [cut(T0, 2 * SLOT, (7, 5, 23), [2, 1]), cut(T0, SLOT, (7, 5, 23), [1])],
            id="an-activity-twice",
        ),
        pytest.param(
            [cut(T0 - timedelta(minutes=10), 2 * SLOT, (7, 5, 23), [2, 1])],
            id="outside-the-window",
        ),
        pytest.param(
            [cut(T0, SLOT, (7, 5, 23), [1]) + cut(T0 + timedelta(minutes=5), 60, (7, 5, 23), [2])],
            id="overlapping-in-a-group",
        ),
        pytest.param([cut(T0, SLOT, (7, 5, 23), [1]), [{"id": 2, "user_id": 7}]], id="unreadable"),
    ],
)
def test_what_the_window_at_once_decides_is_left_to_it(pages: list[list[Any]]) -> None:
    assert chained(pages) is None


@pytest.mark.parametrize("one_synced_late", [False, True])
async def test_a_month_read_page_by_page_is_the_sessions_of_all_its_activities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_synced_late: bool
) -> None:
    """The connector takes the page-by-page path (no window chained at once) and still
    gives every session whole, across windows and batches. With one slot synced days late
    (it gets the newest id), its window's pages are out of time order: that window is
    chained at once instead, with the same result (which also shows that the spy sees the
    connector's calls)."""
    monkeypatch.setattr(hubstaff_connector, "WINDOWS_AT_ONCE", 2)
    at_once = Mock(wraps=mapping.window_sessions)
    monkeypatch.setattr(mapping, "window_sessions", at_once)
    rng = random.Random(5)
    first = datetime.combine(days_ago(33), datetime.min.time(), T0.tzinfo)
    data = timeline(rng, first, first + timedelta(days=32), [1, 3, 6, 24, 60], [0, 6, 72, 144])
    data += cut(first + timedelta(days=10, hours=20), 8 * 86400, (9, 5, 23), [0] * 1200)
    data = in_creation_order(data, rng, late=0.0)
    if one_synced_late:
        synced = first + timedelta(days=20)  # inside the range read (31 to 2 days ago)
        late = next(a for a in data if datetime.fromisoformat(a["starts_at"]) >= synced)
        late["id"] = max(a["id"] for a in data) + 1
    found, expected = await a_month(tmp_path, data)
    assert found == expected
    assert any(e.duration_seconds == 8 * 86400 for e in found)
    assert at_once.called is one_synced_late


async def test_sessions_closed_as_pages_arrive_are_handed_ahead_as_the_entries_yielded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a window's pages close is mapped then and handed to the query's ``ahead`` at once
    (the GraphQL layer renders it while the next pages are in flight), and yielded later as
    those very objects, each once: what was rendered from them is what is shown."""
    monkeypatch.setattr(hubstaff_connector, "WINDOWS_AT_ONCE", 2)
    rng = random.Random(7)
    first = datetime.combine(days_ago(33), datetime.min.time(), T0.tzinfo)
    data = timeline(rng, first, first + timedelta(days=32), [1, 3, 6, 24, 60], [0, 6, 72, 144])
    data = in_creation_order(data, rng, late=0.0)
    handed: list[Any] = []
    fed: list[int] = []  # pages chained so far, at each hand-over
    feed = mapping.WindowChain.feed

    def counted(self: mapping.WindowChain, page: list[Any]) -> None:
        fed.append(1)
        feed(self, page)

    def ahead(entries: list[Any]) -> None:
        handed.extend(entries)
        pages_read.append(len(fed))

    pages_read: list[int] = []
    monkeypatch.setattr(mapping.WindowChain, "feed", counted)

    found, expected = await a_month(tmp_path, data, ahead=ahead)
    assert found == expected
    shown = {id(e) for e in found}
    assert len({id(e) for e in handed}) == len(handed)  # each handed once
    assert all(id(e) in shown for e in handed)  # and yielded as that very object
    assert len(handed) >= 0.8 * len(found)  # all but the sessions at windows' edges
    # Handed as the pages came, not all once the last was read.
    assert len(set(pages_read)) > 3

"""The Everhour connector against the Everhour simulator (a black box over ASGITransport)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from unittest.mock import Mock
from urllib.parse import parse_qs

import httpx
import orjson
import pytest
from pydantic import ValidationError

from gateway.connectors.base import ConnectorContext, Cuts, Order, TimeEntryDraft, TimeEntryQuery
from gateway.connectors.everhour import CONFIG, EverhourConnector, ShortPagePaginator, connector
from gateway.connectors.everhour import mapping as everhour_mapping
from gateway.connectors.everhour.connector import windows
from gateway.errors import NotSupported, UpstreamAuthError, UpstreamBadResponse, UserInputError
from gateway.loaders import Loaders
from gateway.models import Kind, TimeEntry
from gateway.pagination import Page, PageRequest
from gateway.references import ReferenceStore
from gateway.service import Gateway, SourceRuntime, TimeEntryFilter
from gateway.simulators.everhour import create_app, demo_source
from gateway.simulators.kit import ManualClock, SimulatorConfig
from tests.conftest import read_with_cuts

TODAY = date(2024, 10, 20)
FAST = {"requests": 1000, "per_seconds": 1.0}
# 23:30 on 2024-10-18 in New York: the acceptance example, as the simulator's clock.
NY_EVENING = datetime(2024, 10, 19, 3, 30, tzinfo=UTC)

Connect = Callable[..., EverhourConnector]


def simulator(
    limit: tuple[int, float] = (1000, 1.0),
    clock: ManualClock | None = None,
    zone: str | None = None,
) -> Any:
    config = SimulatorConfig(
        seed=4, today=TODAY, rate_limit=limit, options={"timezone": zone} if zone else {}
    )
    if clock is not None:
        config.clock = clock
    return create_app(config)


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    made: list[EverhourConnector] = []

    def make(
        app: Any, transport: httpx.AsyncBaseTransport | None = None, **overrides: Any
    ) -> EverhourConnector:
        entry = {**demo_source("http://sim"), "rate_limit": FAST, **overrides}
        context = ConnectorContext(
            user_agent="test", transport=transport or httpx.ASGITransport(app=app)
        )
        made.append(connector.create_connector(CONFIG.model_validate(entry), context))
        return made[-1]

    yield make
    for c in made:
        await c.aclose()


async def control(app: Any, what: str) -> Any:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sim"
    ) as c:
        return (await c.get(f"/_simulator/{what}")).json()


async def logged(app: Any, route: str, method: str = "GET") -> list[dict[str, Any]]:
    return [
        r for r in await control(app, "requests") if r["route"] == route and r["method"] == method
    ]


def query_of(request: dict[str, Any]) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(request["query"]).items()}


async def entries(c: EverhourConnector, **query: Any) -> list[TimeEntry]:
    return [e async for e in c.time_entries(TimeEntryQuery(**query))]


# -- pagination -------------------------------------------------------------------------


def page(items: int, **params: str) -> Page:
    request = PageRequest("projects").with_params(**params)
    return Page(request=request, items=[{}] * items, body=[{}] * items, headers=httpx.Headers())


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param(3, 2, id="full-page-asks-the-next"),
        pytest.param(2, None, id="short-page-ends"),
        pytest.param(0, None, id="empty-page-ends"),
        pytest.param(5, None, id="limit-ignored-ends"),
    ],
)
def test_short_page_paginator(items: int, expected: int | None) -> None:
    following = ShortPagePaginator().next_request(page(items, page="1", limit="3"))
    assert (following.param("page") if following else None) == (
        None if expected is None else str(expected)
    )


@pytest.mark.parametrize(
    ("limit", "pages"),
    [
        pytest.param(4, ["1", "2", "3", "4"], id="exact-multiple-ends-after-one-empty-page"),
        pytest.param(5, ["1", "2", "3"], id="short-last-page-ends-without-an-extra-call"),
        pytest.param(1000, ["1"], id="one-short-page"),
    ],
)
async def test_project_pages(
    connect: Connect, monkeypatch: pytest.MonkeyPatch, limit: int, pages: list[str]
) -> None:
    monkeypatch.setattr(connector, "PAGE_LIMIT", limit)
    app = simulator()
    projects = [p async for p in connect(app).references(Kind.PROJECT)]
    assert len(projects) == 12  # the seeded account
    calls = await logged(app, "/projects")
    assert [query_of(r)["page"] for r in calls] == pages
    assert {query_of(r)["limit"] for r in calls} == {str(limit)}


@pytest.mark.parametrize(
    ("extra", "calls"), [pytest.param(0, 2, id="exact"), pytest.param(1, 1, id="short")]
)
async def test_time_record_pages(
    connect: Connect, monkeypatch: pytest.MonkeyPatch, extra: int, calls: int
) -> None:
    app = simulator()
    day = {"date_from": date(2024, 10, 18), "date_to": date(2024, 10, 18), "running": False}
    size = len(await entries(connect(app), **day))
    assert size > 1
    monkeypatch.setattr(connector, "PAGE_LIMIT", size + extra)
    again = await entries(connect(app), **day)
    assert len(again) == size
    assert len(await logged(app, "/team/time")) == 1 + calls


async def test_clients_and_users_are_single_answers(connect: Connect) -> None:
    app = simulator()
    c = connect(app)
    clients = [x async for x in c.references(Kind.CLIENT)]
    users = [x async for x in c.references(Kind.USER)]
    assert clients and users
    for route in ("/clients", "/team/users"):
        (call,) = await logged(app, route)
        assert call["query"] == ""


async def test_tasks_of_every_project_with_prefixed_ids(connect: Connect) -> None:
    app = simulator()
    tasks = [t async for t in connect(app).references(Kind.TASK)]
    assert len({t.id for t in tasks}) == len(tasks)
    assert {t.id.split(":")[0] for t in tasks} >= {"ev", "as", "jr"}
    assert len(await logged(app, "/projects/{project_id}/tasks")) == 12


# -- time entries -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_from", "date_to", "newest_first", "expected"),
    [
        pytest.param(
            date(2024, 9, 1),
            date(2024, 10, 18),
            True,
            [(date(2024, 9, 18), date(2024, 10, 18)), (date(2024, 9, 1), date(2024, 9, 17))],
            id="newest-first",
        ),
        pytest.param(
            date(2024, 9, 1),
            date(2024, 10, 18),
            False,
            [(date(2024, 9, 1), date(2024, 10, 1)), (date(2024, 10, 2), date(2024, 10, 18))],
            id="oldest-first",
        ),
        pytest.param(date(2024, 10, 1), None, True, [(date(2024, 10, 1), None)], id="open-end"),
        pytest.param(None, date(2024, 10, 1), True, [(None, date(2024, 10, 1))], id="open-start"),
        pytest.param(date(2024, 10, 2), date(2024, 10, 1), True, [], id="empty"),
    ],
)
def test_windows(
    date_from: date | None, date_to: date | None, newest_first: bool, expected: Any
) -> None:
    assert windows(date_from, date_to, today=TODAY, newest_first=newest_first) == expected


async def test_dates_are_pushed_down_and_every_record_comes_newest_first(connect: Connect) -> None:
    app = simulator()
    got = await entries(
        connect(app), date_from=date(2024, 9, 1), date_to=date(2024, 10, 18), running=False
    )
    sent = [query_of(r) for r in await logged(app, "/team/time")]
    assert [(q["from"], q["to"]) for q in sent] == [
        ("2024-09-18", "2024-10-18"),
        ("2024-09-01", "2024-09-17"),
    ]
    days = [e.date for e in got]
    assert days == sorted(days, reverse=True)
    assert date(2024, 9, 1) <= days[-1] and days[0] <= date(2024, 10, 18)
    # Nothing lost to windows or pages: the same range asked for in one go.
    key = demo_source("http://sim")["api_key"]
    raw: list[Any] = []
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sim",
        headers={"X-Api-Key": str(key)},
    ) as c:
        for number in range(1, 10):
            params: dict[str, str | int] = {
                "from": "2024-09-01",
                "to": "2024-10-18",
                "limit": 1000,
                "page": number,
            }
            raw += (await c.get("/team/time", params=params)).json()
            if len(raw) < 1000 * number:
                break
    assert len(raw) > 1000
    assert sorted(e.id for e in got) == sorted(str(r["id"]) for r in raw)


async def test_the_end_of_each_window_is_marked_as_a_cut(connect: Connect) -> None:
    # Two windows (2024-09-18..10-18, then 09-01..09-17): a cut after each, so the merge
    # takes the first window's entries without asking for the second to see 09-18 whole.
    app = simulator()
    query = TimeEntryQuery(date_from=date(2024, 9, 1), date_to=date(2024, 10, 18))
    cuts = Cuts()
    read, at, _ = await read_with_cuts(connect(app).time_entries(replace(query, cuts=cuts)), cuts)
    assert read == [e async for e in connect(app).time_entries(query)]
    assert len(at) == 2 and at[-1] == len(read) - 1
    assert read[at[0]].date == date(2024, 9, 18) and read[at[0] + 1].date <= date(2024, 9, 17)


async def test_ascending_order_reads_the_oldest_window_first(connect: Connect) -> None:
    app = simulator()
    got = await entries(
        connect(app),
        date_from=date(2024, 9, 1),
        date_to=date(2024, 10, 18),
        running=False,
        order=Order.ASC,
    )
    assert [e.date for e in got] == sorted(e.date for e in got)


@pytest.mark.parametrize(
    ("running", "routes"),
    [
        pytest.param(True, {"/team/timers"}, id="running-only-timers"),
        pytest.param(False, {"/team/time"}, id="finished-only-records"),
        pytest.param(None, {"/team/timers", "/team/time"}, id="both"),
    ],
)
async def test_running_is_pushed_down(
    connect: Connect, running: bool | None, routes: set[str]
) -> None:
    app = simulator()
    got = await entries(connect(app), date_from=date.today() - timedelta(days=2), running=running)
    assert {r["route"] for r in await control(app, "requests")} == routes
    if running is not None:
        assert all(e.running is running for e in got)


async def test_running_timers_are_running_entries(connect: Connect) -> None:
    got = await entries(connect(simulator()), running=True)
    assert got and all(
        e.running and e.start and e.end is None and e.id.startswith("timer:") for e in got
    )
    assert all(e.duration_seconds >= 0 and e.task_id for e in got)


# -- timers next to records: one round trip, nothing left behind ------------------------------

TIMERS, RECORDS = "/team/timers", "/team/time"
# Only how long a broken (sequential) listing waits before its test fails; passing never waits.
GIVE_UP = 1.0
Hook = Callable[[], Awaitable[httpx.Response | None]]


class Hooked(httpx.AsyncBaseTransport):
    """The simulator's transport with a hook run as a request of a route comes in (it may hold
    the request or answer instead), counting the requests in flight at once."""

    def __init__(self, app: Any, hooks: dict[str, Hook]) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._hooks = hooks
        self.in_flight = self.most_in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            hook = self._hooks.get(request.url.path)
            answer = await hook() if hook else None
            return answer or await self._inner.handle_async_request(request)
        finally:
            self.in_flight -= 1


def meet(mine: asyncio.Event, other: asyncio.Event) -> Hook:
    """Come in, then wait for the other request to come in too (or give up)."""

    async def hook() -> None:
        mine.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(other.wait(), GIVE_UP)

    return hook


def hang(entered: asyncio.Event, cancelled: asyncio.Event) -> Hook:
    """Come in and never answer: only cancellation ends the request."""

    async def hook() -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    return hook


def answer(body: Any, after: asyncio.Event | None = None) -> Hook:
    async def hook() -> httpx.Response:
        if after is not None:
            await after.wait()
        return httpx.Response(200, json=body)

    return hook


def closable(c: EverhourConnector, query: TimeEntryQuery) -> AsyncGenerator[TimeEntry, None]:
    listing = c.time_entries(query)
    assert isinstance(listing, AsyncGenerator)  # a caller may close it early
    return listing


def nothing_left_running(before: set[asyncio.Task[Any]]) -> bool:
    return asyncio.all_tasks() <= before


async def test_timers_are_asked_while_the_first_window_is_read(connect: Connect) -> None:
    app = simulator()
    timers_in, records_in = asyncio.Event(), asyncio.Event()
    transport = Hooked(
        app, {TIMERS: meet(timers_in, records_in), RECORDS: meet(records_in, timers_in)}
    )
    got = await entries(connect(app, transport=transport), running=None)
    assert transport.most_in_flight == 2  # one after the other, each would have waited alone
    # The same listing as one over the plain simulator: timers among the records, in order.
    plain = await entries(connect(app), running=None)
    assert [e.id for e in got] == [e.id for e in plain]
    assert any(e.running for e in got) and any(not e.running for e in got)


async def test_a_failing_timers_call_fails_the_listing(connect: Connect) -> None:
    app = simulator()
    c = connect(app, transport=Hooked(app, {TIMERS: answer({"not": "a list"})}))
    with pytest.raises(UpstreamBadResponse, match="a list of an unexpected shape"):
        await entries(c, running=None)


async def test_failing_records_cancel_the_timers_call(connect: Connect) -> None:
    app = simulator()
    before = asyncio.all_tasks()
    timers_in, timers_cancelled = asyncio.Event(), asyncio.Event()
    hooks = {
        TIMERS: hang(timers_in, timers_cancelled),
        RECORDS: answer({"not": "a page"}, after=timers_in),
    }
    with pytest.raises(UpstreamBadResponse, match="a page of an unexpected shape"):
        async with asyncio.timeout(GIVE_UP):  # records that waited for the timers would hang
            await entries(connect(app, transport=Hooked(app, hooks)), running=None)
    assert timers_in.is_set() and timers_cancelled.is_set()
    assert nothing_left_running(before)


async def test_a_listing_cancelled_mid_window_cancels_the_timers_call(connect: Connect) -> None:
    app = simulator()
    before = asyncio.all_tasks()
    timers_in, timers_cancelled = asyncio.Event(), asyncio.Event()
    records_in, records_cancelled = asyncio.Event(), asyncio.Event()
    hooks = {
        TIMERS: hang(timers_in, timers_cancelled),
        RECORDS: hang(records_in, records_cancelled),
    }
    listing = closable(connect(app, transport=Hooked(app, hooks)), TimeEntryQuery(running=None))
    reader = asyncio.create_task(listing.__anext__())
    async with asyncio.timeout(GIVE_UP):  # both requests in flight, or the test fails
        await timers_in.wait()
        await records_in.wait()
    reader.cancel()
    with pytest.raises(asyncio.CancelledError):
        await reader
    await listing.aclose()
    assert timers_cancelled.is_set() and records_cancelled.is_set()
    assert nothing_left_running(before)


async def test_closing_after_the_first_entry_leaves_nothing_running(connect: Connect) -> None:
    before = asyncio.all_tasks()
    listing = closable(connect(simulator()), TimeEntryQuery(running=None))
    assert await anext(listing)
    await listing.aclose()
    assert nothing_left_running(before)


async def test_a_timers_error_behind_a_records_error_is_not_left_unretrieved(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    timers_failed = asyncio.Event()

    async def failing_timers() -> list[TimeEntry]:
        try:
            raise UpstreamBadResponse("everhour", "timers broke")
        finally:
            timers_failed.set()  # its task has ended by the time a waiter wakes

    async def records_after_timers() -> httpx.Response:
        await timers_failed.wait()
        return httpx.Response(200, json={"not": "a page"})

    app = simulator()
    c = connect(app, transport=Hooked(app, {RECORDS: records_after_timers}))
    monkeypatch.setattr(c, "_timers", failing_timers)
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        with pytest.raises(UpstreamBadResponse, match="a page of an unexpected shape"):
            await entries(c, running=None)
        gc.collect()
    finally:
        loop.set_exception_handler(None)
    assert reported == []


async def test_entries_of_tasks_in_no_known_project_have_project_null(connect: Connect) -> None:
    app = simulator()
    c = connect(app)
    runtime = SourceRuntime(
        CONFIG.model_validate(demo_source("http://sim")), c, ReferenceStore(c, ttl=60, maxsize=1000)
    )
    gateway = Gateway({c.source: runtime}, today=lambda: TODAY)
    listing = await gateway.time_entries(
        TimeEntryFilter(date_from=date(2024, 6, 1), date_to=TODAY, running=False),
        first=5000,
        after=None,
        order=Order.DESC,
    )
    assert all(o.complete and o.error is None for o in listing.outcomes)
    known = {p.id async for p in c.references(Kind.PROJECT)}
    taskless = [e for e in listing.items if e.project_id is None]
    orphans = [e for e in listing.items if e.project_id is not None and e.project_id not in known]
    assert taskless and orphans  # the seed has both: tasks with no project, and a deleted one
    loaders = Loaders(gateway)
    found = await loaders.load_many(Kind.PROJECT, [(e.source, str(e.project_id)) for e in orphans])
    assert set(found.values()) == {None}  # null, not an error


# -- limits and errors --------------------------------------------------------------------


async def test_pacing_at_the_configured_limit_gets_no_429(connect: Connect) -> None:
    app = simulator(limit=(5, 0.5))
    tasks = [
        t
        async for t in connect(app, rate_limit={"requests": 5, "per_seconds": 0.5}).references(
            Kind.TASK
        )
    ]
    assert tasks
    stats = await control(app, "stats")
    assert stats["requests"]["GET /projects/{project_id}/tasks"] == 12
    assert stats["rate_limited"] == 0


async def test_retry_after_is_honoured_when_the_vendor_is_stricter(connect: Connect) -> None:
    app = simulator(limit=(2, 1.0))
    c = connect(app)  # believes 1000/s
    kinds = [Kind.USER, Kind.CLIENT, Kind.PROJECT]
    counts = [len([r async for r in c.references(kind)]) for kind in kinds]
    assert counts == [15, 4, 12]
    stats = await control(app, "stats")
    assert stats["rate_limited"] >= 1 and stats["responses"]["200"] == 3


async def test_a_bad_key_is_an_auth_failure_without_the_key(connect: Connect) -> None:
    secret = "wrong-key-4f1e9a"
    c = connect(simulator(), api_key=secret)
    with pytest.raises(UpstreamAuthError) as caught:
        await entries(c, date_from=date(2024, 10, 1), date_to=date(2024, 10, 2))
    assert caught.value.code == "UPSTREAM_AUTH_FAILED"
    assert secret not in str(caught.value) and "http" not in str(caught.value)
    assert "401" in str(caught.value)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"timezone": "Mars/Olympus"}, "IANA time zone", id="unknown-zone"),
        pytest.param({"api_key": "  "}, "API key", id="blank-key"),
        pytest.param({"timezone": None}, "timezone", id="no-zone"),
    ],
)
def test_config_is_validated(overrides: dict[str, Any], message: str) -> None:
    entry = {k: v for k, v in {**demo_source("http://sim"), **overrides}.items() if v is not None}
    with pytest.raises(ValidationError, match=message):
        CONFIG.model_validate(entry)


def test_config_defaults_to_the_real_api_and_hides_the_key() -> None:
    entry = {k: v for k, v in demo_source("http://sim").items() if k != "base_url"}
    config = CONFIG.model_validate(entry)
    assert config.base_url == "https://api.everhour.com"
    assert str(entry["api_key"]) not in repr(config)


# -- writes and timers --------------------------------------------------------------------


@pytest.fixture
def new_york() -> tuple[Any, ManualClock]:
    clock = ManualClock(NY_EVENING)
    return simulator(clock=clock, zone="America/New_York"), clock


async def a_task(c: EverhourConnector) -> str:
    tasks = [t.id async for t in c.references(Kind.TASK)]
    return tasks[0]


async def test_adding_time_posts_to_the_task(
    connect: Connect, new_york: tuple[Any, ManualClock]
) -> None:
    app, _ = new_york
    c = connect(app, timezone="America/New_York")
    task = await a_task(c)
    draft = TimeEntryDraft(
        task_id=task, date=date(2024, 10, 21), duration_seconds=5400, description="Review"
    )
    entry = await c.create_time_entry(draft)
    (call,) = await logged(app, "/tasks/{task_id}/time", "POST")
    assert orjson.loads(call["body"]) == {"time": 5400, "date": "2024-10-21", "comment": "Review"}
    assert (entry.task_id, entry.date, entry.duration_seconds) == (task, date(2024, 10, 21), 5400)
    # Stamped "2024-10-18 23:30:00" by the vendor in New York: the acceptance example.
    assert entry.created_at == NY_EVENING


@pytest.mark.parametrize(
    "draft",
    [
        pytest.param(TimeEntryDraft(date=date(2024, 10, 21), duration_seconds=60), id="no-task"),
        pytest.param(TimeEntryDraft(task_id="ev:1", date=date(2024, 10, 21)), id="no-duration"),
        pytest.param(TimeEntryDraft(task_id="ev:1", duration_seconds=60), id="no-date"),
        pytest.param(
            TimeEntryDraft(task_id="ev:1", date=date(2024, 10, 21), duration_seconds=0), id="zero"
        ),
        pytest.param(
            TimeEntryDraft(
                task_id="ev:1", date=date(2024, 10, 21), duration_seconds=60, tags=("x",)
            ),
            id="tags",
        ),
        pytest.param(
            TimeEntryDraft(
                task_id="ev:1", date=date(2024, 10, 21), duration_seconds=60, user_id="ingrid"
            ),
            id="bad-user-id",
        ),
    ],
)
async def test_drafts_everhour_cannot_take_are_refused_before_sending(
    connect: Connect, draft: TimeEntryDraft
) -> None:
    app = simulator()
    with pytest.raises(UserInputError):
        await connect(app).create_time_entry(draft)
    assert await control(app, "requests") == []


async def test_adding_time_to_an_unknown_task_is_bad_input(connect: Connect) -> None:
    c = connect(simulator())
    with pytest.raises(UserInputError, match="no task"):
        await c.create_time_entry(TimeEntryDraft(task_id="ev:404", date=TODAY, duration_seconds=60))


async def test_update_and_delete_are_not_supported(connect: Connect) -> None:
    c = connect(simulator())
    with pytest.raises(NotSupported):
        await c.update_time_entry("45769016", TimeEntryDraft(duration_seconds=60))
    with pytest.raises(NotSupported):
        await c.delete_time_entry("45769016")
    with pytest.raises(NotSupported):
        await c.time_entry("45769016")


async def test_timer_start_list_and_stop(
    connect: Connect, new_york: tuple[Any, ManualClock]
) -> None:
    app, clock = new_york
    c = connect(app, timezone="America/New_York")
    task = await a_task(c)
    started = await c.start_timer(TimeEntryDraft(task_id=task, description="Pairing"))
    (call,) = await logged(app, "/timers", "POST")
    assert orjson.loads(call["body"]) == {"task": task, "comment": "Pairing"}
    assert started.running and started.start == NY_EVENING  # "2024-10-18 23:30:00" in New York
    assert started.date == date(2024, 10, 18)

    clock.advance(600)
    running = {e.id: e for e in await entries(c, running=True)}
    assert running[started.id].duration_seconds == 600
    assert await c.time_entry(started.id) == running[started.id]

    stopped = await c.stop_timer(started.id)
    assert not stopped.running and stopped.duration_seconds == 600
    assert stopped.end == NY_EVENING + timedelta(seconds=600)
    assert len(await logged(app, "/timers/current", "DELETE")) == 1
    with pytest.raises(UserInputError, match="no timer"):
        await c.stop_timer()


async def test_timers_belong_to_the_key_owner(connect: Connect) -> None:
    c = connect(simulator())
    with pytest.raises(UserInputError, match="own user"):
        await c.stop_timer(user_id="1403432")
    with pytest.raises(UserInputError, match="own user"):
        await c.start_timer(TimeEntryDraft(task_id="ev:1", user_id="1403432"))
    with pytest.raises(UserInputError, match="taskId"):
        await c.start_timer(TimeEntryDraft(description="no task"))
    with pytest.raises(UserInputError, match="time record"):
        await c.stop_timer("45769016")


async def test_reading_50_entries_maps_about_50_records_in_the_same_order(
    connect: Connect, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = connect(simulator())
    query = TimeEntryQuery(date_from=TODAY - timedelta(days=6), running=None)
    everything = [e async for e in c.time_entries(query)]
    mapped = Mock(wraps=everhour_mapping.time_record)
    monkeypatch.setattr(everhour_mapping, "time_record", mapped)
    listing = closable(c, query)
    taken = [await anext(listing) for _ in range(50)]
    await listing.aclose()
    assert len(everything) > 100 and 0 < mapped.call_count <= 50
    assert [e.id for e in taken] == [e.id for e in everything[:50]]
    dates = [e.date for e in everything]
    assert dates == sorted(dates, reverse=True)

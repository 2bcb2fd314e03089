"""The gateway scenarios of issue #10, as GraphQL over HTTP against ``hourglass serve``.

Cold: simulators reset (counters, rate windows, tokens) and a fresh gateway process, so every
cache is empty and every token must be fetched. Warm: the same query again on that process
with ``Cache-Control: no-cache`` (the response cache bypassed, so the entries are read again
and only references and tokens are cached), once the one-second rate windows have passed.
Cached: the same query once more, as any client sends it: the response cache answers. Calls
are the counters' difference around each query.
"""

from __future__ import annotations

import gc
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import orjson

from bench.procs import Simulators, cpu_seconds, gateway
from bench.truth import clockify_unnamed, hubstaff_activity_pages, toggl_report_pages

TODAY = datetime.now(UTC).date()

DASHBOARD = """
query Dashboard {
  timeEntries(first: 50) {
    nodes {
      id date start durationSeconds description
      source { name }
      user { name } project { name } client { name }
    }
    sourceResults { source complete problem { code } }
  }
}"""

MONTH = """
query Month($from: Date!, $to: Date!, $after: String) {
  timeEntries(first: 5000, from: $from, to: $to, after: $after) {
    nodes { id date start end durationSeconds billable description source { name } }
    pageInfo { hasNextPage endCursor }
    sourceResults { source complete problem { code } }
  }
}"""

DEEP = """
query Deep($from: Date!, $to: Date!) {
  clients(first: 100) {
    nodes {
      name source { name }
      projects(first: 100) {
        nodes {
          name
          timeEntries(first: 100, from: $from, to: $to) {
            nodes { id durationSeconds user { name } }
          }
        }
      }
    }
  }
}"""

MONTH_DAYS = 30
DEEP_DAYS = 7
# Between the cold and the warm query: the one-second rate windows (Toggl 1 request/s, Hub
# Planner 2/s), so the warm figure is not the cold query's pacing. The longer ones (Harvest 100
# per 15 s, Everhour 20 per 10 s, Hubstaff 1,000 an hour) are not waited out: a scenario's
# few calls stay inside them, as bench.bounds takes too (it counts only those two).
RATE_WINDOW_S = 1.1
NO_CACHE = {"Cache-Control": "no-cache"}


@dataclass
class Run:
    """One execution of a scenario query: what it cost and what came back."""

    seconds: float
    calls: dict[str, Counter[str]]  # vendor -> route -> calls
    counts: Counter[str] = field(default_factory=Counter)  # vendor -> items returned
    incomplete: list[str] = field(default_factory=list)  # sources flagged incomplete
    errors: list[str] = field(default_factory=list)
    oldest: str | None = None  # the earliest entry date returned (the dashboard's cut)
    last_start: str | None = None  # the last entry's start (the dashboard's cut, in time)
    gateway_cpu: float = 0.0  # CPU seconds the gateway process spent on the query
    simulators_cpu: float = 0.0  # and all the simulator processes together
    # From the first request any vendor received for the query to the last answer any vendor
    # gave (the simulators' request logs); None when no vendor was asked.
    vendors_busy: float | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    query: str
    variables: dict[str, Any]


def scenarios(today: date = TODAY) -> list[Scenario]:
    month = {"from": str(today - timedelta(days=MONTH_DAYS - 1)), "to": str(today)}
    week = {"from": str(today - timedelta(days=DEEP_DAYS - 1)), "to": str(today)}
    return [
        Scenario("dashboard", DASHBOARD, {}),
        Scenario("month", MONTH, month),
        Scenario("deep", DEEP, week),
    ]


def vendor_of(source: str) -> str:
    return source.removesuffix("-demo")


def post(
    client: httpx.Client, scenario: Scenario, headers: dict[str, str] | None = None
) -> tuple[list[dict[str, Any]], Run]:
    """Run the query (following ``endCursor`` for the month report) and time it.

    The bench process's own garbage collector is kept out of the timed window, as ``timeit``
    does: this long-lived process holds every earlier scenario's results, and a full
    collection of that heap, set off by decoding a 5,000-entry page, took 51 ms inside one
    cold month's wall time here (a client's pause, not the gateway's time)."""
    gc.collect()
    gc.disable()
    try:
        return _timed(client, scenario, headers)
    finally:
        gc.enable()


def _timed(
    client: httpx.Client, scenario: Scenario, headers: dict[str, str] | None
) -> tuple[list[dict[str, Any]], Run]:
    variables = dict(scenario.variables)
    bodies = []
    started = time.perf_counter()
    while True:
        response = client.post(
            "/graphql", json={"query": scenario.query, "variables": variables}, headers=headers
        )
        # orjson, as a client reading 5,000 entries a page would: the stdlib decoder takes
        # ~12 ms more a page here, the client's time, not the gateway's, inside the wall time.
        body: dict[str, Any] = orjson.loads(response.content)
        bodies.append(body)
        page = (body.get("data") or {}).get("timeEntries") or {}
        info = page.get("pageInfo") or {}
        if not info.get("hasNextPage"):
            break
        variables["after"] = info["endCursor"]
    took = time.perf_counter() - started
    return bodies, Run(took, {})


def summarise(bodies: list[dict[str, Any]], run: Run) -> Run:
    for body in bodies:
        run.errors += [
            f"{e.get('extensions', {}).get('code')}: {e.get('message')}"
            for e in body.get("errors") or []
        ]
        data = body.get("data") or {}
        if "timeEntries" in data:
            page = data["timeEntries"] or {}
            nodes = page.get("nodes", [])
            run.counts.update(vendor_of(n["source"]["name"]) for n in nodes)
            run.oldest = min((n["date"] for n in nodes), default=run.oldest)
            run.last_start = nodes[-1].get("start") if nodes else run.last_start
            run.incomplete += [
                r["source"] for r in page.get("sourceResults", []) if not r["complete"]
            ]
        else:
            for client in (data.get("clients") or {}).get("nodes", []):
                vendor = vendor_of(client["source"]["name"])
                for project in client["projects"]["nodes"]:
                    run.counts[vendor] += len(project["timeEntries"]["nodes"])
    return run


def measure(
    sims: Simulators,
    client: httpx.Client,
    scenario: Scenario,
    headers: dict[str, str] | None = None,
) -> Run:
    before = sims.calls()
    cpu_before = {name: cpu_seconds(pid) for name, pid in sims.pids.items()}
    sent = time.time()  # the simulators log on this clock (every request arrives after it)
    bodies, run = post(client, scenario, headers)
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in sims.pids.items()}
    run.calls = sims.calls_since(before)
    run.vendors_busy = sims.busy_since(sent)
    run.gateway_cpu = cpu.pop("gateway", 0.0)
    run.simulators_cpu = sum(cpu.values())
    return summarise(bodies, run)


@dataclass
class Measured:
    cold: Run
    warm: Run  # the response cache bypassed
    cached: Run  # answered by the response cache
    truth: Run | None  # dashboard only: every entry from the 50th entry's day on
    # Pages counted through the vendor's own API for the question's range (bench.truth):
    # Hubstaff activity pages per 7-day window, Toggl report pages (rows, not entries).
    counted: dict[str, list[int]]
    # Reference lists a vendor needs for names its entries do not carry (bench.truth).
    unnamed: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Calls reading back past the range's start for entries that may begin before it
    # (bench.truth: Hubstaff's sessions).
    follows: dict[str, int] = field(default_factory=dict)


def warm_up(sims: Simulators, chosen: list[Scenario]) -> None:
    """Each ``chosen`` scenario once, untimed, on a gateway of its own, then every simulator
    reset.

    A vendor's servers are running when a gateway first calls them; a simulator process just
    started is not: its first request of a kind pays its own first-call costs (imports, route
    and form-parsing set-up), ~10 ms more on Hubstaff's token answer here, which landed in the
    first measured cold dashboard. Gateways are started fresh for every measurement anyway."""
    for scenario in chosen:
        sims.reset()
        with gateway(sims) as url, httpx.Client(base_url=url, timeout=120) as client:
            post(client, scenario)
    sims.reset()


def _cut_moment(day: date, start: str) -> datetime:
    """Where Hubstaff's activities must be read from for the dashboard's last entry (dated
    ``day``, started at ``start``): its start, or the next day's start if that is earlier
    (its vendor's day is not UTC's), as a Hubstaff session of a later day sorts before it."""
    next_day = datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
    return min(datetime.fromisoformat(start), next_day)


def cold_and_warm(sims: Simulators, scenario: Scenario) -> Measured:
    """A fresh gateway and reset simulators, the query once (cold), again bypassing the
    response cache (warm), and once more (cached).

    Then, untimed, the ground truth the bounds need: for the dashboard every entry on or after
    the 50th entry's day, and Hubstaff's activity pages for the question's range."""
    sims.reset()
    with gateway(sims) as url, httpx.Client(base_url=url, timeout=120) as client:
        cold = measure(sims, client, scenario)
        time.sleep(RATE_WINDOW_S)
        warm = measure(sims, client, scenario, NO_CACHE)
        cached = measure(sims, client, scenario)
        truth = None
        if scenario.name == "dashboard" and cold.oldest:
            recent = Scenario("truth", MONTH, {"from": cold.oldest, "to": str(TODAY)})
            truth = measure(sims, client, recent, NO_CACHE)
    counted: dict[str, list[int]] = {}
    follows: dict[str, int] = {}
    unnamed: dict[str, tuple[str, ...]] = {}
    first = cold.oldest if scenario.name == "dashboard" else scenario.variables.get("from")
    if first:
        sims.reset()  # the gateway rotated Hubstaff's demo refresh token; the walk starts afresh
        since = date.fromisoformat(first)
        newest = scenario.name == "dashboard"
        if "hubstaff" in sims.roots:
            # The deep question reaches entries through clients' projects, and pushes those
            # projects down: its minimum walks only their activities.
            # A question from a fixed day on (not the dashboard's newest) must whole its
            # entries at that day's start. The dashboard's newest need activities only from
            # the last one shown on, where it has a start.
            hubstaff = hubstaff_activity_pages(
                sims.roots["hubstaff"],
                _cut_moment(since, cold.last_start) if newest and cold.last_start else since,
                TODAY,
                client_projects=scenario.name == "deep",
                follow=not newest,
            )
            counted["hubstaff"] = hubstaff.windows
            follows["hubstaff"] = hubstaff.follows
        if "toggl" in sims.roots:
            counted["toggl"] = [toggl_report_pages(sims.roots["toggl"], since, TODAY)]
        if "clockify" in sims.roots:
            unnamed["clockify"] = clockify_unnamed(sims.roots["clockify"], since, TODAY)
        sims.reset()
    return Measured(cold, warm, cached, truth, counted, unnamed, follows)

"""Theoretical minimum calls and critical-path lower bounds, per scenario and vendor.

Derived from the vendor sheets (shared/vendors/*.md) and the connectors' docstrings, never
from what Hourglass happens to do. ``n`` (how many entries a vendor holds for the question)
comes from the simulators' data as the gateway returned it; where a vendor's page does not
hold entries (Hubstaff activities, Toggl report rows) the pages are counted through the
simulator's own API (``bench.truth``).

Rules used throughout:
- entries cost ``ceil(n / largest page)`` calls, at least one (an empty answer is still a call);
- a reference list (users, projects, clients) costs one call each: every seeded directory fits
  one page of the vendor's largest size; a list is needed only for names the entries do not
  carry, and only cold (warm, the reference cache answers);
- an OAuth vendor pays one token call cold (Hubstaff refresh, Hustle client credentials);
- the critical path is the longest chain of round trips that must follow each other (a token
  before anything; cursor-chained pages one after another; numbered pages: the first, which
  tells how many there are, then the rest at once; lists in parallel) times the simulated
  latency, or the vendor's rate limit when it binds (Toggl
  1 req/s, Hub Planner 2 req/s: k calls need ``(k - limit) / limit`` s of waiting first).
  Vendors are read concurrently, so a scenario's bound is the slowest vendor's.
- lists that name the entries a page shows (the dashboard's) are needed only for the entries
  shown, which are known once the entries are in: a plan at the minimum calls asks them a round
  trip after the entries (``Bound.named_after``), and that is the bound the acceptance is read
  against (``Bound.at_minimum``). ``Bound.seconds`` puts them in parallel with the entries, as
  only a plan knowing the answer before asking could: reported next to it, never reached at
  the minimum calls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LATENCY = 0.05


@dataclass(frozen=True)
class Vendor:
    page: int  # largest time-entry page (Hubstaff: activities, not sessions)
    chained: bool  # next page needs the previous one's cursor
    token: int  # cold token calls
    running: int  # a separate call for running timers
    names: tuple[str, ...]  # reference lists needed for user/project/client names
    deep_lists: tuple[str, ...]  # lists for clients -> projects -> entries -> user name
    rate: float | None = None  # requests per second when the vendor's limit binds
    why: str = ""


VENDORS: dict[str, Vendor] = {
    "harvest": Vendor(
        2000,
        False,
        0,
        0,
        (),
        ("clients", "projects"),
        why="entries embed user, project and client names; per_page 2000",
    ),
    "hubstaff": Vendor(
        500,
        True,
        1,
        0,
        ("clients",),
        ("clients", "projects"),
        why="sessions rebuilt from activities (500 a page, 7 days a call); the activities "
        "side-load their users and projects (include[]=users,projects), names and client ids "
        "with them: only the clients' names take a list",
    ),
    "hubplanner": Vendor(
        1000,
        False,
        0,
        0,
        ("resources", "projects", "clients"),
        ("clients", "projects", "resources"),
        rate=2.0,
        why="entries carry projectName, not resource or client; limit 1000",
    ),
    "hustle": Vendor(
        1000,
        True,
        1,
        0,
        (),
        ("organizations", "groups"),
        why="no time data: clients and projects only",
    ),
    "toggl": Vendor(
        1000,
        True,
        0,
        0,
        ("projects", "clients"),
        ("clients", "projects"),
        rate=1.0,
        why="report rows carry username, not project or client names",
    ),
    "clockify": Vendor(
        1000,
        False,
        0,
        1,
        (),
        ("clients", "projects"),
        why="detailed report rows embed userName, projectName, clientName; running timers "
        "are a separate call, with ids only: named by the rows of the same report where they "
        "name the same ids (checked against the simulator, bench/truth.py), else a list",
    ),
    "everhour": Vendor(
        1000,
        False,
        0,
        1,
        ("users", "projects", "clients"),
        ("clients", "projects", "users"),
        why="records carry ids only; running timers are a separate call",
    ),
}


@dataclass(frozen=True)
class Bound:
    calls: int
    seconds: float
    derivation: str
    exact: bool = True  # False: a floor, the exact minimum was not derived
    # The critical path when the lists naming the entries shown are asked once the entries
    # are in: at the minimum calls, which lists are needed is known only from the entries
    # (``seconds`` puts them in parallel, as only a plan knowing the answer could). None where
    # no list depends on them.
    named_after: float | None = None

    @property
    def at_minimum(self) -> float:
        return at_minimum(self.seconds, self.named_after)


def at_minimum(seconds: float, named_after: float | None) -> float:
    """The critical path of a plan spending the minimum calls: ``named_after`` (the lists
    naming the entries shown asked once they are in) where there are such lists, else the
    bound's ``seconds``. One rule for a ``Bound`` and for a figure that kept its two paths."""
    return seconds if named_after is None else named_after


# A question repeated within the response cache's freshness window (10 s by default): the
# gateway may answer it without asking any vendor.
CACHED = Bound(0, 0.0, "a repeat within the response cache's freshness window: no call")


def pages(n: int, size: int) -> int:
    return max(1, math.ceil(n / size))


def _with(lists: tuple[str, ...], unnamed: tuple[str, ...]) -> tuple[str, ...]:
    """``lists`` plus those of ``unnamed`` (bench.truth) not already among them."""
    return lists + tuple(u for u in unnamed if u not in lists)


def _chain(v: Vendor, pages: int) -> int:
    """Round trips ``pages`` of one window take: one after another where each names the
    next, else two (the first tells how many, the rest go out at once)."""
    return pages if v.chained else min(pages, 2)


def _seconds(v: Vendor, calls: int, depth: int) -> float:
    if v.rate is not None and calls > v.rate:
        return (calls - v.rate) / v.rate + LATENCY
    return depth * LATENCY


def entries_bound(
    vendor: str,
    n: int,
    lists: tuple[str, ...],
    *,
    cold: bool,
    windows: int = 1,
    window_pages: list[int] | None = None,
    follows: int = 0,
    names_shown: bool = False,
) -> Bound:
    """Reading ``n`` entries (``windows`` date windows the vendor forces) plus ``lists``;
    ``follows``: calls reading back past the range's start, one after another once the
    window holding it is read (bench.truth), for entries that may begin before it;
    ``names_shown``: the lists name the entries a page shows (``Bound.named_after``)."""
    v = VENDORS[vendor]
    if vendor == "hustle":
        refs = len(v.deep_lists) if cold and lists else 0
        token = v.token if refs else 0
        return Bound(
            token + refs,
            (token + (1 if refs else 0)) * LATENCY,
            f"{token} token + {refs} lists; no entries",
            True,
        )
    entry_pages = max(windows, pages(n, v.page))
    if window_pages:  # counted from the vendor's API (bench.truth): exact
        windows, entry_pages = len(window_pages), sum(window_pages)
    refs = len(lists) if cold else 0
    token = v.token if cold else 0
    calls = token + entry_pages + follows + v.running + refs
    per_window = max(window_pages) if window_pages else math.ceil(entry_pages / windows)
    # Who to read back for is known once the window holding the range's start is read whole
    # (an activity there may come on any of its pages, ids being sync order): its pages and
    # then the reads back, beside the other windows' pages.
    oldest = window_pages[-1] if window_pages else per_window
    depth = token + max(_chain(v, per_window), _chain(v, oldest) + follows)
    parts = [f"{token} token"] if token else []
    unit = {"hubstaff": "activities", "toggl": "report rows"}.get(vendor, "entries")
    counted = ""
    if window_pages:
        counted = f", counted: {window_pages} per 7-day window" if windows > 1 else ", counted"
    parts.append(f"{entry_pages} page(s) of {unit} (n={n} entries, {v.page}/page{counted})")
    if follows:
        parts.append(f"{follows} call(s) back past the range's start (entries begun before it)")
    if v.running:
        parts.append("1 running-timer call")
    if refs:
        parts.append(f"{refs} list(s): {', '.join(lists)}")
    note = " + ".join(parts)
    # Hubstaff pages hold activities and Toggl's hold rows: exact only when counted.
    exact = vendor not in ("hubstaff", "toggl") or bool(window_pages)
    after = _seconds(v, calls, depth + 1) if names_shown and refs else None
    return Bound(calls, _seconds(v, calls, depth), note, exact, after)


def dashboard(
    vendor: str,
    recent: int,
    shown: int,
    *,
    cold: bool,
    window_pages: list[int] | None = None,
    unnamed: tuple[str, ...] = (),
) -> Bound:
    """The 50 newest entries: each vendor must list its entries from the 50th entry's day on
    (``recent`` of them; Hubstaff, whose sessions come by time, its activities from that
    entry's start: ``window_pages``), and name only those it contributes (``shown``). ``unnamed``: lists
    needed for entries that carry ids only, where no other entry names them (bench.truth)."""
    lists = _with(VENDORS[vendor].names, unnamed) if shown else ()
    if vendor == "hustle":
        return Bound(0, 0.0, "no time data: no call", True)
    return entries_bound(
        vendor, recent, lists, cold=cold, window_pages=window_pages, names_shown=True
    )


def month(
    vendor: str,
    n: int,
    *,
    cold: bool,
    window_pages: list[int] | None = None,
    follows: int = 0,
) -> Bound:
    if vendor == "hustle":
        return Bound(0, 0.0, "no time data: no call", True)
    windows = math.ceil(30 / 7) if vendor == "hubstaff" else 1
    return entries_bound(
        vendor, n, (), cold=cold, windows=windows, window_pages=window_pages, follows=follows
    )


def deep(
    vendor: str,
    n: int,
    *,
    cold: bool,
    window_pages: list[int] | None = None,
    unnamed: tuple[str, ...] = (),
    follows: int = 0,
) -> Bound:
    lists = _with(VENDORS[vendor].deep_lists, unnamed)
    return entries_bound(vendor, n, lists, cold=cold, window_pages=window_pages, follows=follows)


def combine(bounds: dict[str, Bound]) -> Bound:
    calls = sum(b.calls for b in bounds.values())
    seconds = max((b.seconds for b in bounds.values()), default=0.0)
    exact = all(b.exact for b in bounds.values())
    after = None
    if any(b.named_after is not None for b in bounds.values()):
        after = max(b.at_minimum for b in bounds.values())
    return Bound(calls, seconds, "sum of vendors; time: slowest vendor", exact, after)

"""The seeded account's reference data: company, clients, tasks, projects, users, assignments.

Deterministic from ``(seed, data_date)``; ids rise with creation time as Harvest's do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from gateway.simulators.harvest import names
from gateway.simulators.harvest.payloads import (
    Client,
    ClientRef,
    Company,
    EntryTaskAssignment,
    EntryUserAssignment,
    Project,
    Task,
    User,
)
from gateway.simulators.harvest.timefmt import iso


@dataclass(slots=True)
class Catalog:
    company: Company
    clients: dict[int, Client] = field(default_factory=dict)
    tasks: dict[int, Task] = field(default_factory=dict)
    projects: dict[int, Project] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)
    me_id: int = 0
    # The window in which time could be tracked: a project's dates, a user's employment.
    project_window: dict[int, tuple[date, date | None]] = field(default_factory=dict)
    user_until: dict[int, date | None] = field(default_factory=dict)
    user_projects: dict[int, list[int]] = field(default_factory=dict)
    project_tasks: dict[int, list[int]] = field(default_factory=dict)
    user_assignments: dict[tuple[int, int], EntryUserAssignment] = field(default_factory=dict)
    task_assignments: dict[tuple[int, int], EntryTaskAssignment] = field(default_factory=dict)


class _Ids:
    """Increasing ids with gaps, as other accounts' records interleave with ours."""

    def __init__(self, rng: random.Random, start: int) -> None:
        self._rng = rng
        self._last = start

    def next(self, max_gap: int = 5000) -> int:
        self._last += self._rng.randint(1, max_gap)
        return self._last


def _stamp(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(13, 22), rng.randint(0, 59), rng.randint(0, 59)),
                            UTC)


def _company() -> Company:
    return Company(
        base_uri=f"https://{names.SUBDOMAIN}.harvestapp.com",
        full_domain=f"{names.SUBDOMAIN}.harvestapp.com", name=names.COMPANY_NAME, is_active=True,
        week_start_day="Monday", wants_timestamp_timers=True, time_format="hours_minutes",
        date_format="%Y-%m-%d", plan_type="simple-v4", expense_feature=True,
        invoice_feature=True, estimate_feature=True, approval_feature=True, team_feature=True,
        clock="12h", currency_code_display="iso_code_none", currency_symbol_display="symbol_before",
        decimal_symbol=".", thousands_separator=",", color_scheme="orange", weekly_capacity=144000,
    )


def build_catalog(rng: random.Random, today: date) -> Catalog:
    catalog = Catalog(company=_company())
    _add_clients(catalog, rng, today)
    _add_tasks(catalog, rng, today)
    _add_projects(catalog, rng, today)
    _add_users(catalog, rng, today)
    _assign(catalog, rng)
    return catalog


def _add_clients(catalog: Catalog, rng: random.Random, today: date) -> None:
    ids = _Ids(rng, 5_730_000)
    for i, spec in enumerate(names.CLIENTS):
        created = _stamp(today - timedelta(days=1100 - 150 * i), rng)
        updated = created if spec.active else _stamp(today - timedelta(days=50), rng)
        if spec.active and rng.random() < 0.4:
            updated = _stamp(today - timedelta(days=rng.randint(1, 60)), rng)
        cid = ids.next()
        catalog.clients[cid] = Client(
            id=cid, name=spec.name, is_active=spec.active, address=spec.address,
            statement_key=f"{rng.getrandbits(128):032x}", currency=spec.currency,
            created_at=iso(created), updated_at=iso(updated),
        )


def _add_tasks(catalog: Catalog, rng: random.Random, today: date) -> None:
    ids = _Ids(rng, 8_080_000)
    for i, spec in enumerate(names.TASKS):
        created = _stamp(today - timedelta(days=1200 - 20 * i), rng)
        updated = created if spec.active else _stamp(today - timedelta(days=120), rng)
        if i == 2:  # one recent rename, so updated_since has something to find
            updated = _stamp(today - timedelta(days=3), rng)
        tid = ids.next()
        catalog.tasks[tid] = Task(
            id=tid, name=spec.name, billable_by_default=spec.billable,
            default_hourly_rate=spec.rate,
            is_default=spec.name in ("Meetings", "Project Management"),
            is_active=spec.active, created_at=iso(created), updated_at=iso(updated),
        )


def _add_projects(catalog: Catalog, rng: random.Random, today: date) -> None:
    ids = _Ids(rng, 14_300_000)
    clients = list(catalog.clients.values())
    for i, spec in enumerate(names.PROJECTS):
        # One project started inside the 90-day window; the rest predate it.
        starts = today - timedelta(days=40 if spec.code == "UH-A11Y" else 700 - 60 * i)
        ends = None if spec.ends_days_ago is None else today - timedelta(days=spec.ends_days_ago)
        created = _stamp(starts - timedelta(days=3), rng)
        updated = _stamp(ends + timedelta(days=1), rng) if ends else created
        client = clients[spec.client]
        billable = spec.bill_by != "none"
        pid = ids.next()
        catalog.projects[pid] = Project(
            id=pid,
            client=ClientRef(id=client["id"], name=client["name"], currency=client["currency"]),
            name=spec.name, code=spec.code, is_active=ends is None, is_billable=billable,
            is_fixed_fee=False, bill_by=spec.bill_by, hourly_rate=spec.hourly_rate,
            budget=spec.budget, budget_by="project" if spec.budget else "none",
            budget_is_monthly=False, notify_when_over_budget=spec.budget is not None,
            over_budget_notification_percentage=80.0, over_budget_notification_date=None,
            show_budget_to_all=False, cost_budget=None, cost_budget_include_expenses=False,
            fee=None, notes="", starts_on=starts.isoformat(),
            ends_on=ends.isoformat() if ends else None,
            created_at=iso(created), updated_at=iso(updated),
        )
        catalog.project_window[pid] = (starts, ends)


def _add_users(catalog: Catalog, rng: random.Random, today: date) -> None:
    ids = _Ids(rng, 1_782_000)
    leaver = rng.randint(3, len(names.PEOPLE) - 1)
    for i, (first, last, role) in enumerate(names.PEOPLE):
        created = _stamp(today - timedelta(days=1300 - 70 * i), rng)
        until = today - timedelta(days=35) if i == leaver else None
        updated = _stamp(until, rng) if until else created
        rate = float(rng.choice((110, 125, 140, 150, 165)))
        access = ["administrator"] if i == 0 else ["manager"] if "Manager" in role else ["member"]
        uid = ids.next()
        catalog.users[uid] = User(
            id=uid, first_name=first, last_name=last,
            email=f"{first.lower().replace('á', 'a')}.{last.lower()}@{names.EMAIL_DOMAIN}",
            telephone="", timezone=names.USER_TIMEZONE,
            has_access_to_all_future_projects=i == 0, is_contractor=role == "Copywriter",
            is_active=until is None, weekly_capacity=rng.choice((126000, 144000)),
            default_hourly_rate=rate, cost_rate=round(rate * rng.uniform(0.35, 0.5), 2),
            roles=[role], access_roles=access,
            avatar_url=f"https://cache.harvestapp.com/assets/profile_images/{uid}.png",
            created_at=iso(created), updated_at=iso(updated),
        )
        catalog.user_until[uid] = until
    catalog.me_id = next(iter(catalog.users))


def _assign(catalog: Catalog, rng: random.Random) -> None:
    internal, *client_projects = catalog.projects
    task_ids = list(catalog.tasks)
    by_name = {t["name"]: tid for tid, t in catalog.tasks.items()}
    core = [by_name[n] for n in ("Programming", "Graphic Design", "Research",
                                 "Quality Assurance", "Copywriting")]
    catalog.project_tasks[internal] = [by_name[n] for n in (
        "Meetings", "Training", "Business Development", "Project Management")]
    for pid in client_projects:
        picked = rng.sample(core, rng.randint(2, 4))
        extra = [by_name["Travel"]] if not catalog.projects[pid]["is_active"] else []
        catalog.project_tasks[pid] = sorted(
            [*picked, by_name["Project Management"], by_name["Meetings"], *extra],
            key=task_ids.index)
    for pid, tids in catalog.project_tasks.items():
        for tid in tids:
            _task_assignment(catalog, rng, pid, tid)
    for uid in catalog.users:
        catalog.user_projects[uid] = [internal, *rng.sample(client_projects, rng.randint(2, 4))]
    for pid in client_projects:  # every client project gets at least two people
        while sum(pid in ps for ps in catalog.user_projects.values()) < 2:
            catalog.user_projects[rng.choice(list(catalog.users))].append(pid)
    for uid, pids in catalog.user_projects.items():
        for pid in pids:
            _user_assignment(catalog, rng, uid, pid)


def _task_assignment(catalog: Catalog, rng: random.Random, pid: int, tid: int) -> None:
    project, task = catalog.projects[pid], catalog.tasks[tid]
    catalog.task_assignments[(pid, tid)] = EntryTaskAssignment(
        id=155_500_000 + pid % 10_000 * 100 + len(catalog.task_assignments),
        billable=project["is_billable"] and task["billable_by_default"],
        is_active=task["is_active"], created_at=project["created_at"],
        updated_at=project["created_at"], hourly_rate=task["default_hourly_rate"], budget=None,
    )


def _user_assignment(catalog: Catalog, rng: random.Random, uid: int, pid: int) -> None:
    user, project = catalog.users[uid], catalog.projects[pid]
    pm = "Manager" in user["roles"][0] or "administrator" in user["access_roles"]
    catalog.user_assignments[(uid, pid)] = EntryUserAssignment(
        id=125_060_000 + len(catalog.user_assignments) * 10 + rng.randint(0, 9),
        is_project_manager=pm, is_active=True, budget=None,
        created_at=max(user["created_at"], project["created_at"]),
        updated_at=max(user["created_at"], project["created_at"]),
        hourly_rate=user["default_hourly_rate"],
    )

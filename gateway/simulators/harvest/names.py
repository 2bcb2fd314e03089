"""Fixed vocabulary for the seeded Harvest account: people, clients, projects, tasks, notes."""

from __future__ import annotations

from typing import NamedTuple

COMPANY_NAME = "Larkspur Digital"
SUBDOMAIN = "larkspurdigital"
EMAIL_DOMAIN = "larkspurdigital.com"
# Harvest reports user time zones by their Rails names, not IANA ids.
USER_TIMEZONE = "Eastern Time (US & Canada)"

PEOPLE: tuple[tuple[str, str, str], ...] = (
    # (first, last, business role)
    ("Maya", "Okafor", "Founder"),
    ("Daniel", "Brooks", "Engineering Lead"),
    ("Priya", "Raman", "Developer"),
    ("Lucas", "Moreau", "Developer"),
    ("Hannah", "Kowalski", "Designer"),
    ("Samuel", "Adeyemi", "Developer"),
    ("Emily", "Chen", "Project Manager"),
    ("Tomás", "Herrera", "QA Engineer"),
    ("Grace", "Lindqvist", "Designer"),
    ("Omar", "Haddad", "Developer"),
    ("Sofia", "Romano", "Copywriter"),
    ("Noah", "Fitzgerald", "Data Engineer"),
    ("Aisha", "Mensah", "Developer"),
    ("Ben", "Takahashi", "Account Manager"),
    ("Clara", "Jansen", "Designer"),
)


class ClientSpec(NamedTuple):
    name: str
    currency: str
    address: str
    active: bool


CLIENTS: tuple[ClientSpec, ...] = (
    ClientSpec("Larkspur Digital (Internal)", "USD", "14 Water Street\nBoston, MA 02109", True),
    ClientSpec("Northwind Traders", "USD", "300 Harbor Blvd\nSeattle, WA 98101", True),
    ClientSpec("Globex Corporation", "USD", "1 Globex Plaza\nAustin, TX 78701", True),
    ClientSpec("Initech", "USD", "4120 Freidrich Lane\nAustin, TX 78744", True),
    ClientSpec("Umbrella Health GmbH", "EUR", "Friedrichstraße 68\n10117 Berlin", True),
    ClientSpec("Acme Logistics", "USD", "88 Depot Road\nNewark, NJ 07105", False),
)


class ProjectSpec(NamedTuple):
    client: int  # index into CLIENTS
    name: str
    code: str
    bill_by: str  # Project | People | Tasks | none
    hourly_rate: float | None
    budget: float | None
    ends_days_ago: int | None  # archived projects stopped taking time this many days ago


PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(0, "Internal Operations", "INT", "none", None, None, None),
    ProjectSpec(1, "Website Redesign", "NW-WEB", "Project", 150.0, 400.0, None),
    ProjectSpec(1, "Mobile App MVP", "NW-APP", "People", None, 900.0, None),
    ProjectSpec(2, "Data Warehouse Migration", "GX-DWH", "Tasks", None, 1200.0, None),
    ProjectSpec(2, "Brand Refresh", "GX-BR", "Project", 135.0, 250.0, 30),
    ProjectSpec(3, "TPS Report Automation", "IN-TPS", "People", None, None, None),
    ProjectSpec(3, "Support Retainer", "IN-SUP", "Project", 120.0, 80.0, None),
    ProjectSpec(4, "Patient Portal", "UH-PP", "Tasks", None, 1500.0, None),
    ProjectSpec(4, "Accessibility Review", "UH-A11Y", "Project", 140.0, 60.0, None),
    ProjectSpec(5, "Fleet Tracking Dashboard", "AL-FTD", "People", None, 500.0, 55),
)


class TaskSpec(NamedTuple):
    name: str
    billable: bool
    rate: float | None
    active: bool


TASKS: tuple[TaskSpec, ...] = (
    TaskSpec("Programming", True, 150.0, True),
    TaskSpec("Graphic Design", True, 130.0, True),
    TaskSpec("Project Management", True, 120.0, True),
    TaskSpec("Research", True, 110.0, True),
    TaskSpec("Quality Assurance", True, 100.0, True),
    TaskSpec("Copywriting", True, 95.0, True),
    TaskSpec("Meetings", False, None, True),
    TaskSpec("Business Development", False, None, True),
    TaskSpec("Training", False, None, True),
    TaskSpec("Travel", False, None, False),
)

NOTES: dict[str, tuple[str, ...]] = {
    "Programming": (
        "Implemented pagination for the orders API", "Fixed flaky login test",
        "Refactored checkout form validation", "Code review: search filters PR",
        "Wired up CSV export endpoint", "Database migration for audit log",
    ),
    "Graphic Design": (
        "Homepage hero variations", "Icon set for dashboard", "Revised style guide colours",
        "Mockups for onboarding flow",
    ),
    "Project Management": (
        "Sprint planning", "Updated project timeline", "Client status report",
        "Backlog grooming", "Budget review with client",
    ),
    "Research": (
        "User interviews synthesis", "Evaluated charting libraries", "Competitor analysis",
        "Spike: SSO providers",
    ),
    "Quality Assurance": (
        "Regression pass on release candidate", "Cross-browser testing",
        "Wrote test plan for payments", "Verified bug fixes from last sprint",
    ),
    "Copywriting": (
        "Landing page copy", "Email campaign drafts", "Microcopy for error states",
        "Help centre articles",
    ),
    "Meetings": ("Daily stand-up", "Weekly team sync", "Retrospective", "Kick-off call"),
    "Business Development": ("Proposal for Q3 retainer", "Pitch deck edits", "Discovery call"),
    "Training": ("Accessibility workshop", "Kubernetes course", "Onboarding new hire"),
    "Travel": ("Travel to client site",),
}

"""Fixed, realistic names the seeded account is drawn from (a small agency, "Lindqvist & Ortiz").

Each project names the platform it is synced from: Everhour ids carry that platform as a prefix
(``ev:`` native, ``as:`` Asana, ``jr:`` Jira), and the project's tasks share the prefix.
"""

from __future__ import annotations

from typing import Final

WORKSPACE: Final = "Lindqvist & Ortiz"
EMAIL_DOMAIN: Final = "lindqvist-ortiz.com"

# (name, headline); the first is the account owner, whose key the demo source uses.
USERS: Final[tuple[tuple[str, str], ...]] = (
    ("Ingrid Lindqvist", "Managing Partner"),
    ("Mateo Ortiz", "Technical Director"),
    ("Hannah Becker", "Project Manager"),
    ("Kwame Mensah", "Senior Backend Engineer"),
    ("Sofia Rossi", "UX Designer"),
    ("Lukas Novak", "Frontend Engineer"),
    ("Priya Raman", "Data Engineer"),
    ("Tomasz Wojcik", "DevOps Engineer"),
    ("Chloe Dubois", "Content Strategist"),
    ("Daniel Okafor", "QA Engineer"),
    ("Emma Schneider", "Account Manager"),
    ("Yuki Tanaka", "Mobile Engineer"),
    ("Oliver Hughes", "Backend Engineer"),
    ("Amelie Fischer", "UI Designer"),
    ("Rafael Costa", "Junior Developer"),
)

CLIENTS: Final[tuple[str, ...]] = (
    "Brightwater Health",
    "Cobalt Financial Group",
    "Harbor & Pine Outfitters",
    "Kestrel Logistics",
)

# (name, platform prefix, client index or None, billing type, archived)
PROJECTS: Final[tuple[tuple[str, str, int | None, str, bool], ...]] = (
    ("Patient Portal Redesign", "ev", 0, "hourly", False),
    ("Appointment Reminders API", "jr", 0, "hourly", False),
    ("Mobile Banking App v2", "jr", 1, "hourly", False),
    ("Fraud Dashboard", "as", 1, "fixed_fee", False),
    ("E-commerce Replatforming", "as", 2, "hourly", False),
    ("Spring Catalogue Campaign", "ev", 2, "fixed_fee", True),
    ("Fleet Tracking Integration", "jr", 3, "hourly", False),
    ("Warehouse Data Pipeline", "ev", 3, "hourly", False),
    ("Internal Tooling", "ev", None, "non_billable", False),
    ("Agency Website", "as", None, "non_billable", False),
    ("Sales & Pitches", "ev", None, "non_billable", False),
    ("Legacy Support Retainer", "jr", 1, "hourly", True),
)

TASKS: Final[tuple[str, ...]] = (
    "Discovery workshop",
    "Requirements and estimates",
    "Wireframes",
    "Visual design",
    "API design",
    "Authentication flow",
    "Database schema",
    "Frontend implementation",
    "Backend implementation",
    "Integration tests",
    "Code review",
    "Bug fixing",
    "Performance tuning",
    "Deployment pipeline",
    "Documentation",
    "Client meetings",
    "Sprint planning",
    "Accessibility audit",
    "Analytics tracking",
    "Release preparation",
)

# Tasks whose project Everhour no longer shows: unlinked from every project (no projects), or
# still naming a project that was deleted or is outside the key's reach.
ORPHAN_TASKS: Final[tuple[tuple[str, str, bool], ...]] = (
    ("Holiday coverage", "ev", False),
    ("Ad-hoc client call", "ev", False),
    ("Prototype spike (old board)", "as", True),
    ("Migration ticket from closed project", "jr", True),
)

COMMENTS: Final[tuple[str, ...]] = (
    "",
    "",
    "Standup and planning",
    "Paired on the tricky edge cases",
    "Addressed review feedback",
    "Call with the client about scope",
    "Fixed flaky test in CI",
    "Wrote up notes for the team",
    "Investigated production error reports",
    "Refined tickets for next sprint",
    "Updated designs after usability test",
    "Deployed to staging and smoke-tested",
    "Cleaned up technical debt",
    "Prepared demo for Friday",
)

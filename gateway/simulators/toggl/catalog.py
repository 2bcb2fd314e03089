"""Fixed names the seeded workspace is built from (the seed picks among and around them)."""

from __future__ import annotations

# The demo account's token and workspace are constants so ``demo_source`` needs no seed.
DEMO_API_TOKEN = "1971800d4d82861d8f2c1651fea4d212"
DEMO_WORKSPACE_ID = 4182735
ORGANIZATION_ID = 3310947
WORKSPACE_NAME = "Lumencraft Studio"
EMAIL_DOMAIN = "lumencraft.io"

# (full name, timezone); the first is the token owner.
PEOPLE: list[tuple[str, str]] = [
    ("Maya Lindqvist", "Europe/Stockholm"),
    ("Tomás Ortega", "Europe/Madrid"),
    ("Priya Raman", "Asia/Kolkata"),
    ("Jonas Becker", "Europe/Berlin"),
    ("Aiko Tanaka", "Asia/Tokyo"),
    ("Samuel Osei", "Africa/Accra"),
    ("Elena Petrova", "Europe/Sofia"),
    ("Liam O'Connor", "Europe/Dublin"),
    ("Fatima Zahra Benali", "Africa/Casablanca"),
    ("Noah Williams", "America/New_York"),
    ("Chloé Martin", "Europe/Paris"),
    ("Daniel Kowalski", "Europe/Warsaw"),
    ("Grace Mensah", "Europe/London"),
    ("Ravi Patel", "America/Toronto"),
    ("Sofia Rossi", "Europe/Rome"),
]

# (name, archived, notes)
CLIENTS: list[tuple[str, bool, str | None]] = [
    ("Northwind Traders", False, "Retail chain; invoices monthly, PO required."),
    ("Bluebird Health", False, "Clinic network. All work billable at the health rate."),
    ("Acme Robotics", False, None),
    ("Harbor & Pine Legal", True, "Engagement ended; keep for historical reports."),
]

# (name, client index or None, active, billable, rate, estimated hours, tasks)
PROJECTS: list[tuple[str, int | None, bool, bool, float | None, int | None, list[str]]] = [
    ("Website Relaunch", 0, True, True, 120.0, 900,
     ["Design system", "Frontend build", "Content migration", "QA"]),
    ("Inventory API", 0, True, True, 135.0, 600, ["Schema design", "Endpoints", "Load testing"]),
    ("Patient Portal", 1, True, True, 150.0, 1200,
     ["Appointments module", "Messaging", "Accessibility review", "QA"]),
    ("HIPAA Audit", 1, True, True, 150.0, 200, ["Evidence collection", "Remediation"]),
    ("Firmware Dashboard", 2, True, True, 110.0, 500, ["Telemetry charts", "Device fleet view"]),
    ("Support Retainer", 2, True, True, 95.0, None, ["Tickets", "On-call"]),
    ("Mobile App", 2, True, True, 125.0, 800, ["iOS", "Android", "Release"]),
    ("Marketing Site", None, True, False, None, 150, ["Copywriting", "Landing pages"]),
    ("Internal Tooling", None, True, False, None, None, ["CI pipeline", "Dev environment"]),
    ("Hiring", None, True, False, None, None, ["Interviews", "Take-home reviews"]),
    ("Case Tracker", 3, False, True, 140.0, 400, ["Matter intake", "Document search"]),
    ("Legacy CRM Migration", 0, False, True, 120.0, 300, ["Data mapping", "Cutover"]),
]

TAGS = ["meeting", "deep-work", "bugfix", "review", "support", "planning", "travel"]

# What people write in the description, by the kind of task (the task name picks a list).
DESCRIPTIONS: dict[str, list[str]] = {
    "build": ["Implement filters on list view", "Fix pagination bug", "Refactor form state",
              "Wire up API client", "Pair programming session", "Address review comments"],
    "design": ["Component audit", "Wireframes for settings", "Design review with client",
               "Update typography scale"],
    "qa": ["Regression pass", "Write end-to-end tests", "Triage bug reports"],
    "meeting": ["Weekly sync", "Sprint planning", "Client check-in", "Retro"],
    "support": ["Ticket queue", "Investigate outage report", "Customer call"],
    "people": ["Candidate interview", "Review take-home", "Debrief with panel"],
    "writing": ["Draft landing copy", "Edit blog post", "SEO pass"],
}

# Entries without a project: admin time, as real workspaces have.
UNASSIGNED = ["Email and admin", "Timesheets", "", "Team lunch & learn"]

COLORS = ["#0b83d9", "#9e5bd9", "#d94182", "#e36a00", "#bf7000", "#2da608",
          "#06a893", "#c9806b", "#465bb3", "#990099", "#566614", "#525266"]

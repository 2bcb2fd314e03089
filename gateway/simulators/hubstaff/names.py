"""Realistic name pools for the seeded organization (static data, no logic)."""

from __future__ import annotations

FIRST_NAMES = (
    "Amelia", "Jonas", "Priya", "Mateo", "Hannah", "Olusegun", "Chloé", "Kenji", "Sofia",
    "Daniel", "Ingrid", "Rafael", "Aisha", "Tomasz", "Grace", "Lukas", "Mei", "Samuel",
    "Elena", "Marcus", "Zara", "Henrik", "Camila", "Noah",
)
LAST_NAMES = (
    "Fischer", "Okafor", "Nakamura", "Lindqvist", "Moreau", "Patel", "Kowalski", "Alvarez",
    "Brennan", "Haddad", "Sørensen", "Costa", "Whitfield", "Yamamoto", "Novak", "Adeyemi",
    "Schmidt", "Romero", "O'Connell", "Bianchi",
)
# (IANA zone, typical local start hour): the team is spread over Europe and the Americas,
# so evening sessions of the western members cross UTC midnight.
TIME_ZONES = (
    ("Europe/London", 8),
    ("Europe/Berlin", 8),
    ("Europe/Warsaw", 9),
    ("America/New_York", 9),
    ("America/Chicago", 8),
    ("America/Los_Angeles", 8),
    ("Europe/Lisbon", 9),
)
CLIENTS = (
    ("Northwind Logistics", "billing@northwind-logistics.com", "+1 415 555 0132",
     "400 Harbor Blvd, Oakland, CA 94607"),
    ("Bluebird Health", "accounts@bluebirdhealth.org", "+44 20 7946 0018",
     "12 Finsbury Square, London EC2A 1AS"),
    ("Kestrel Outdoor Co.", "ap@kestreloutdoor.com", "+1 303 555 0187",
     "2150 Blake St, Denver, CO 80205"),
    ("Alder & Finch Architects", "office@alderfinch.de", "+49 30 901820",
     "Oranienstraße 45, 10969 Berlin"),
)
# (name, description, client index or None for internal work, billable)
PROJECTS = (
    ("Route Optimizer", "Dispatch planning service and its admin UI", 0, True),
    ("Driver Mobile App", "iOS and Android app for Northwind drivers", 0, True),
    ("Patient Portal", "Appointment booking and records portal", 1, True),
    ("Clinic Scheduling API", "Scheduling integration for partner clinics", 1, True),
    ("Storefront Redesign", "Headless storefront on the new design system", 2, True),
    ("Inventory Sync", "Warehouse to storefront inventory synchronisation", 2, True),
    ("Internal Tools", "Back-office tooling and automation", None, False),
    ("Website Maintenance", "Company website, blog and landing pages", None, False),
    ("Data Warehouse", "Reporting pipeline and dashboards", 0, True),
    ("Onboarding Flow", "Self-service sign-up for Bluebird members", 1, True),
    ("Studio Visualisations", "3D renderings for the Alder & Finch pitch", 3, True),
    ("Legacy CMS Migration", "Moving the old CMS content to the new stack", 2, True),
)
TASKS = (
    "Code review", "Fix login redirect loop", "Write integration tests", "Sprint planning",
    "Update API documentation", "Implement CSV export", "Investigate slow queries",
    "Design review with client", "Set up CI pipeline", "Refactor notification service",
    "Accessibility audit", "Add pagination to list views", "Migrate to Postgres 16",
    "Customer support escalation", "Prepare release notes", "Build settings page",
    "Improve error handling", "QA regression pass", "Performance profiling",
    "Dependency upgrades", "Wireframes for checkout", "Security review",
)
DESKTOP_CLIENTS = ("windows", "mac", "mac", "linux")

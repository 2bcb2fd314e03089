"""Word lists the seeded Clockify workspace is drawn from (people, clients, projects, work)."""

from __future__ import annotations

FIRST_NAMES = (
    "Amelia", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Greta", "Hiroshi", "Ines", "Jonas",
    "Katarzyna", "Liam", "Marta", "Nikolai", "Olivia", "Pedro", "Quentin", "Rosa", "Stefan",
    "Tamsin", "Umar", "Valentina", "Wojciech", "Ximena", "Yusuf", "Zofia", "Aiden", "Beatriz",
    "Carlos", "Daria", "Emil", "Freya", "Gabriel", "Hannah", "Ivan", "Julia", "Kofi", "Lucia",
    "Mateo", "Nadia", "Oskar", "Priya", "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Wanda",
)

LAST_NAMES = (
    "Andersen", "Bianchi", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Horvat", "Ivanova",
    "Jensen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Vargas", "Weber", "Yilmaz", "Zielinski", "Almeida", "Becker",
    "Castillo", "Delgado", "Esposito", "Ferreira", "Gruber", "Hoffmann", "Iglesias", "Janssen",
)

TIME_ZONES = (
    "Europe/Berlin", "Europe/London", "Europe/Belgrade", "America/New_York", "America/Chicago",
    "Asia/Tokyo", "Australia/Sydney", "Europe/Warsaw",
)

# (name, email domain, address, currency)
CLIENTS = (
    ("Northwind Traders", "northwind.example", "12 Harbour Road, Bristol BS1 5TT, UK", "GBP"),
    ("Acme Logistics GmbH", "acme-logistics.example", "Hafenstrasse 4, 20457 Hamburg, DE", "EUR"),
    ("Bluefin Health", "bluefin.example", "300 Market St, San Francisco, CA 94105, USA", "USD"),
    ("Cedar & Stone Architects", "cedarstone.example", "8 Rue Oberkampf, 75011 Paris, FR", "EUR"),
    ("Orbit Media Group", "orbitmedia.example", "55 King St W, Toronto, ON M5K 1A1, CA", "USD"),
)

# (name, client index or None for internal work, billable, archived)
PROJECTS = (
    ("Website Redesign", 0, True, False),
    ("Warehouse Dashboard", 1, True, False),
    ("Route Optimiser API", 1, True, False),
    ("Patient Portal", 2, True, False),
    ("HIPAA Compliance Audit", 2, True, False),
    ("Studio Intranet", 3, True, False),
    ("Campaign Analytics", 4, True, False),
    ("Mobile App v2", 4, True, False),
    ("Internal Tooling", None, False, False),
    ("Recruiting", None, False, False),
    ("Legacy CMS Migration", 0, True, True),
    ("Brand Refresh 2024", 3, True, True),
)

# Projects deleted from the workspace whose old time entries still point at them.
DELETED_PROJECTS = (
    ("Pilot Integration (deleted)", 1),
    ("Q1 Hackathon (deleted)", None),
)

TASKS = (
    "Discovery", "Design", "Frontend", "Backend", "QA", "Code review", "Deployment",
    "Project management", "Documentation", "Client meeting", "Bugfixing", "Research",
)

TAGS = ("meeting", "remote", "on-site", "overtime", "support", "planning")

DESCRIPTIONS = (
    "Sprint planning", "Daily stand-up", "Implement login flow", "Fix pagination bug",
    "Review pull requests", "Client call about scope", "Write API documentation",
    "Refactor data layer", "Prepare release notes", "Investigate production incident",
    "Wireframes for checkout", "Accessibility fixes", "Database migration", "Load testing",
    "Update dependencies", "Estimate backlog items", "Pairing session", "Onboarding new joiner",
    "Retrospective", "Performance tuning", "",
)

COLORS = (
    "#03A9F4", "#4CAF50", "#9C27B0", "#FF9800", "#E91E63", "#607D8B", "#795548", "#3F51B5",
    "#009688", "#CDDC39", "#F44336", "#8BC34A", "#673AB7", "#FFC107",
)

"""Word pools for the seeded Hub Planner account (a small design and engineering agency)."""

from __future__ import annotations

FIRST_NAMES = (
    "Aoife", "Ben", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hiroshi", "Ines", "Jonas",
    "Kavya", "Liam", "Marta", "Niamh", "Oluwaseun", "Priya", "Quentin", "Rosa", "Samuel",
    "Tomasz", "Ursula", "Victor", "Wen", "Yusuf", "Zofia", "Declan", "Maeve", "Rafael",
)
LAST_NAMES = (
    "Byrne", "Okafor", "Lindqvist", "Moreau", "Kowalski", "Tanaka", "Fernandes", "O'Connor",
    "Schneider", "Haddad", "Nakamura", "Rossi", "Gallagher", "Patel", "Novak", "Eriksen",
    "Delgado", "Walsh", "Kim", "Brennan", "Ivanova", "Costa", "Murphy", "Fischer",
)
CLIENT_NAMES = (
    "Northwind Logistics", "Bluebell Dairies", "Harbour & Quay Architects", "Kestrel Insurance",
    "Marlow Street Bakery Group", "Tidewater Energy", "Orchard Health Clinics",
    "Copperline Telecom", "Fennick Publishing", "Greystone Property Partners",
)
# Client projects; which client each belongs to is chosen by the seed.
PROJECT_NAMES = (
    "Customer Portal Rebuild", "Mobile App v3", "Brand Refresh", "Data Warehouse Migration",
    "Checkout Optimisation", "Field Service Scheduler", "Marketing Site Redesign",
    "Claims Workflow Automation", "Analytics Dashboard", "Loyalty Programme Launch",
    "Accessibility Audit", "Payment Gateway Integration", "Partner API", "Intranet Upgrade",
)
INTERNAL_PROJECTS = ("Internal - Admin & Training", "Business Development")
COLOURS = ("#81A489", "#4A90D9", "#E07A5F", "#F2CC8F", "#3D405B", "#9B5DE5", "#00BBF9")
CURRENCIES = ("EUR", "USD", "GBP")

# categoryName -> notes typical of it; Hub Planner time categories stand in for tasks.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "Development": (
        "Implemented pagination on the orders endpoint", "Fixed flaky login test",
        "Refactored the pricing module", "Code review for the search feature",
        "Wired up the notification service", "Database migration for invoices",
    ),
    "Design": (
        "Wireframes for the onboarding flow", "Updated component library",
        "Iterated on dashboard layout after feedback", "Icon set and illustrations",
    ),
    "Meetings": (
        "Sprint planning", "Weekly client status call", "Retrospective", "Stand-up and triage",
    ),
    "Project Research": (
        "Competitor analysis", "Spike: evaluating message queues", "User interviews synthesis",
    ),
    "QA & Testing": (
        "Regression pass on release candidate", "Exploratory testing of checkout",
        "Wrote end-to-end tests for signup",
    ),
    "Client Support": ("Investigated reported export bug", "Answered client questions on SSO"),
    "Documentation": ("Updated API documentation", "Wrote deployment runbook"),
}
INTERNAL_NOTES = (
    "Team training session", "Timesheet admin", "Hiring interviews", "Proposal writing",
    "Pitch preparation", "Internal tooling maintenance",
)

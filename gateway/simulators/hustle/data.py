"""Deterministic seeded data: 3 organisations, 10 groups, ~250 agents.

Everything comes from ``random.Random(seed)`` and ``today``, so the same pair always yields the
same records. Hustle is a texting platform for campaigns and nonprofits: organisations own
groups (regional teams, some inactive, in the US, Canada and Puerto Rico), and agents are the
volunteers and staff who text from a group. Ids are 10-character alphanumerics like the
vendor's examples ("YGkEfkzz5V"); some agents have no phone number (the field is optional).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from gateway.simulators.hustle.payloads import Agent, Group, Organization

AGENT_COUNT = 250
_ID_ALPHABET = string.ascii_letters + string.digits

Country = Literal["US", "CA", "PR"]


@dataclass(frozen=True, slots=True)
class _OrgSpec:
    name: str
    domain: str
    balances: bool


@dataclass(frozen=True, slots=True)
class _GroupSpec:
    org: int
    name: str
    description: str | None
    country: Country
    city: str
    lat: float
    lng: float
    timezone: str
    area_codes: tuple[str, ...]
    active: bool = True


_ORGS = (
    _OrgSpec("Riverbend Community Alliance", "riverbendalliance.org", balances=True),
    _OrgSpec("Northern Lights Food Bank", "northernlightsfood.ca", balances=False),
    _OrgSpec("Vota Boricua", "votaboricua.org", balances=True),
)

_GROUPS = (
    _GroupSpec(0, "Denver Canvass Team", "Door-to-door follow-ups for the Front Range.", "US",
               "Denver, CO, USA", 39.7392358, -104.990251, "America/Denver", ("303", "720")),
    _GroupSpec(0, "Phoenix Volunteers", "Weekend texting shifts.", "US", "Phoenix, AZ, USA",
               33.4483771, -112.0740373, "America/Phoenix", ("602", "480")),
    _GroupSpec(0, "Chicago Phone Bank", None, "US", "Chicago, IL, USA", 41.8781136,
               -87.6297982, "America/Chicago", ("312", "773")),
    _GroupSpec(0, "Atlanta Outreach", "Voter registration reminders.", "US", "Atlanta, GA, USA",
               33.7489954, -84.3879824, "America/New_York", ("404", "678")),
    _GroupSpec(0, "Seattle Youth Vote 2022", "Archived campaign team.", "US",
               "Seattle, WA, USA", 47.6062095, -122.3320708, "America/Los_Angeles",
               ("206",), active=False),
    _GroupSpec(1, "Toronto Donor Relations", "Thank-you texts to monthly donors.", "CA",
               "Toronto, ON, Canada", 43.653226, -79.3831843, "America/Toronto", ("416", "647")),
    _GroupSpec(1, "Vancouver Volunteers", "Shift reminders for warehouse volunteers.", "CA",
               "Vancouver, BC, Canada", 49.2827291, -123.1207375, "America/Vancouver",
               ("604", "778")),
    _GroupSpec(1, "Calgary Holiday Drive", "Seasonal drive, paused.", "CA",
               "Calgary, AB, Canada", 51.0447331, -114.0718831, "America/Edmonton",
               ("403",), active=False),
    _GroupSpec(2, "San Juan Voluntarios", "Equipo de voluntarios del área metropolitana.", "PR",
               "San Juan, Puerto Rico", 18.4655394, -66.1057355, "America/Puerto_Rico",
               ("787", "939")),
    _GroupSpec(2, "Ponce Alcance Comunitario", "Alcance en la región sur.", "PR",
               "Ponce, Puerto Rico", 18.0110768, -66.6140616, "America/Puerto_Rico", ("787",)),
)

_FIRST = (
    "Maria", "James", "Aisha", "Wei", "Carlos", "Olivia", "Noah", "Priya", "Liam", "Sofia",
    "Ethan", "Fatima", "Lucas", "Chloe", "Mateo", "Hannah", "Kwame", "Isabella", "Daniel",
    "Grace", "Andre", "Mei", "Javier", "Emily", "Omar", "Camille", "Diego", "Nadia", "Samuel",
    "Lucia", "Tyler", "Amara", "Gabriel", "Rosa", "Connor", "Yuki", "Elena", "Marcus", "Zoe",
)
_LAST = (
    "Garcia", "Smith", "Okafor", "Chen", "Rivera", "Johnson", "Nguyen", "Patel", "Brown",
    "Martinez", "Williams", "Haddad", "Tremblay", "Lopez", "Kim", "Davis", "Mensah", "Rossi",
    "Cruz", "Thompson", "Dubois", "Singh", "Ortiz", "Wilson", "Morales", "Roy", "Anderson",
    "Santiago", "Clark", "Gagnon", "Torres", "Lewis", "Ramirez", "Walker", "Colon", "Young",
)


@dataclass(frozen=True, slots=True)
class Seeded:
    organizations: list[Organization]
    groups: list[Group]
    agents: list[Agent]
    emails: dict[str, str]


def new_id(rng: random.Random) -> str:
    return "".join(rng.choice(_ID_ALPHABET) for _ in range(10))


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as the vendor's examples show."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = (end - start).total_seconds()
    return start + timedelta(seconds=rng.uniform(0, span), microseconds=rng.randrange(1000) * 1000)


def _organization(rng: random.Random, spec: _OrgSpec, created: datetime) -> Organization:
    org: Organization = {
        "id": new_id(rng),
        "type": "organization",
        "name": spec.name,
        "integrations": [new_id(rng) for _ in range(rng.randint(0, 2))],
        "createdAt": iso(created),
    }
    if spec.balances:
        org["balances"] = {"smsBalance": rng.randrange(5_000, 250_000, 100),
                           "mmsBalance": rng.randrange(0, 20_000, 50),
                           "callBalance": rng.randrange(0, 5_000, 10)}
    return org


def _group(rng: random.Random, spec: _GroupSpec, org: Organization, created: datetime) -> Group:
    group: Group = {
        "id": new_id(rng),
        "type": "group",
        "name": spec.name,
        "countryCode": spec.country,
        "active": spec.active,
        "location": {"label": spec.city, "coordinates": {"lat": spec.lat, "lng": spec.lng}},
        "organizationId": org["id"],
        "timezone": spec.timezone,
        "createdAt": iso(created),
    }
    if spec.description is not None:
        group["description"] = spec.description
    return group


def _agent(rng: random.Random, spec: _GroupSpec, group: Group, created: datetime) -> Agent:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    agent: Agent = {
        "id": new_id(rng),
        "type": "agent",
        "name": rng.choice((first, f"{first} {last[0]}.")),
        "fullName": f"{first} {last}",
        "organizationId": group["organizationId"],
        "groupId": group["id"],
        "createdAt": iso(created),
    }
    # About one agent in ten never added a phone number; the spec makes it optional.
    if rng.random() >= 0.1:
        agent["phoneNumber"] = f"+1{rng.choice(spec.area_codes)}{rng.randint(2000000, 9999999)}"
    return agent


def generate(seed: int, today: date) -> Seeded:
    rng = random.Random(seed)
    # Nothing is created after the start of ``today``, so no record lies in the future.
    end = datetime.combine(today, time(0), tzinfo=UTC)
    orgs, org_created = [], []
    for org_spec in _ORGS:
        created = _moment(rng, end - timedelta(days=5 * 365), end - timedelta(days=3 * 365))
        orgs.append(_organization(rng, org_spec, created))
        org_created.append(created)
    groups, group_created = [], []
    for spec in _GROUPS:
        created = _moment(rng, org_created[spec.org], end - timedelta(days=400))
        groups.append(_group(rng, spec, orgs[spec.org], created))
        group_created.append(created)
    weights = [rng.uniform(0.5, 2.0) for _ in _GROUPS]
    agents: list[tuple[datetime, Agent, str]] = []
    for index in rng.choices(range(len(_GROUPS)), weights=weights, k=AGENT_COUNT):
        spec, group = _GROUPS[index], groups[index]
        created = _moment(rng, group_created[index], end)
        agent = _agent(rng, spec, group, created)
        handle = f"{agent['fullName'].lower().replace(' ', '.')}.{agent['id'][:4].lower()}"
        agents.append((created, agent, f"{handle}@{_ORGS[spec.org].domain}"))
    agents.sort(key=lambda row: row[0])
    return Seeded(
        organizations=orgs,
        groups=groups,
        agents=[agent for _, agent, _ in agents],
        emails={agent["id"]: email for _, agent, email in agents},
    )

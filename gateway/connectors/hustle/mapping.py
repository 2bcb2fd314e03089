"""Hustle JSON -> domain objects. Pure functions.

Hustle is a texting platform: an agent (someone who texts on an organisation's behalf) is a
User, an organisation is a Client, and a group (a team inside one organisation) is a Project
whose client is that organisation. Hustle returns no e-mail for agents (it is write-only).
"""

from __future__ import annotations

from gateway.connectors.hustle.payloads import AgentPayload, GroupPayload, OrganizationPayload
from gateway.models import Client, Project, User
from gateway.normalize import parse_datetime


def user(source: str, raw: AgentPayload) -> User:
    name = (raw.get("fullName") or "").strip() or raw.get("name", "")
    return User(
        source=source,
        id=str(raw["id"]),
        name=name,
        created_at=parse_datetime(raw.get("createdAt")),
        raw=raw,
    )


def client(source: str, raw: OrganizationPayload) -> Client:
    return Client(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        created_at=parse_datetime(raw.get("createdAt")),
        raw=raw,
    )


def project(source: str, raw: GroupPayload) -> Project:
    organization = raw.get("organizationId")
    return Project(
        source=source,
        id=str(raw["id"]),
        name=raw["name"],
        client_id=str(organization) if organization else None,
        active=raw.get("active", True),
        created_at=parse_datetime(raw.get("createdAt")),
        raw=raw,
    )

"""Hustle JSON -> domain objects: agents are users, organizations clients, groups projects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.connectors.hustle import mapping
from gateway.models import Client, Project, User

CREATED = datetime(2021, 6, 2, 11, 2, 59, 10_000, tzinfo=UTC)
AGENT: dict[str, Any] = {
    "id": "eFJPjZrhAF", "type": "agent", "name": "Hannah", "fullName": "Hannah Okafor",
    "organizationId": "j37HyVaQXe", "groupId": "XA3hcMNWcy",
    "createdAt": "2021-06-02T11:02:59.010Z", "phoneNumber": "+16472777560",
}
GROUP: dict[str, Any] = {
    "id": "nq9RBXO2tA", "type": "group", "name": "Denver Canvass Team", "countryCode": "US",
    "active": True, "organizationId": "ix6MEOLeMa", "timezone": "America/Denver",
    "createdAt": "2021-06-02T11:02:59.010Z",
}
ORGANIZATION: dict[str, Any] = {
    "id": "ix6MEOLeMa", "type": "organization", "name": "Riverbend Community Alliance",
    "integrations": [], "createdAt": "2021-06-02T11:02:59.010Z",
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            AGENT,
            User(source="h", id="eFJPjZrhAF", name="Hannah Okafor", email=None, created_at=CREATED),
            id="full-name-wins-no-email",
        ),
        pytest.param(
            {**AGENT, "fullName": "  "},
            User(source="h", id="eFJPjZrhAF", name="Hannah", created_at=CREATED),
            id="blank-full-name-falls-back-to-display-name",
        ),
        pytest.param(
            {"id": "a1", "name": "Sam", "fullName": "Sam Lee", "createdAt": ""},
            User(source="h", id="a1", name="Sam Lee", created_at=None),
            id="no-created-at",
        ),
    ],
)
def test_agent_is_a_user(raw: dict[str, Any], expected: User) -> None:
    assert mapping.user("h", raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            GROUP,
            Project(source="h", id="nq9RBXO2tA", name="Denver Canvass Team",
                    client_id="ix6MEOLeMa", active=True, created_at=CREATED),
            id="organization-is-the-client",
        ),
        pytest.param(
            {**GROUP, "active": False},
            Project(source="h", id="nq9RBXO2tA", name="Denver Canvass Team",
                    client_id="ix6MEOLeMa", active=False, created_at=CREATED),
            id="inactive-group",
        ),
        pytest.param(
            {"id": "g", "name": "Loose", "organizationId": ""},
            Project(source="h", id="g", name="Loose", client_id=None),
            id="no-organization",
        ),
    ],
)
def test_group_is_a_project(raw: dict[str, Any], expected: Project) -> None:
    assert mapping.project("h", raw) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            ORGANIZATION,
            Client(source="h", id="ix6MEOLeMa", name="Riverbend Community Alliance",
                   created_at=CREATED),
            id="organization",
        ),
        pytest.param(
            {**ORGANIZATION, "balances": {"smsBalance": 1, "mmsBalance": 2, "callBalance": 3}},
            Client(source="h", id="ix6MEOLeMa", name="Riverbend Community Alliance",
                   created_at=CREATED),
            id="balances-ignored",
        ),
    ],
)
def test_organization_is_a_client(raw: dict[str, Any], expected: Client) -> None:
    assert mapping.client("h", raw) == expected  # type: ignore[arg-type]


def test_raw_is_kept() -> None:
    assert mapping.user("h", AGENT).raw == AGENT  # type: ignore[arg-type]

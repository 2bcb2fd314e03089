"""The raw JSON Hustle v3 sends (the fields Hourglass reads); shapes from the published spec."""

from __future__ import annotations

from typing import Generic, TypedDict, TypeVar

T = TypeVar("T")


class ListPayload(TypedDict, Generic[T]):
    items: list[T]
    cursor: str | None
    hasMore: bool


class TokenPayload(TypedDict):
    access_token: str
    token_type: str
    scope: str
    expires_in: float


class OrganizationPayload(TypedDict, total=False):
    id: str
    type: str
    name: str
    integrations: list[str]
    createdAt: str


class GroupPayload(TypedDict, total=False):
    id: str
    type: str
    name: str
    description: str
    countryCode: str
    active: bool
    timezone: str
    organizationId: str
    createdAt: str


class AgentPayload(TypedDict, total=False):
    id: str
    type: str
    name: str
    fullName: str
    phoneNumber: str
    organizationId: str
    groupId: str
    createdAt: str

"""The JSON the Hustle simulator serves, as TypedDicts (shapes from specs/hustle-v3.openapi.json).

The spec's ``type`` enums are lower case ("organization", "group", "agent"), although the
vendor's prose example shows "Organization"; the spec is what responses are validated against.
"""

from __future__ import annotations

from typing import Generic, Literal, NotRequired, TypedDict, TypeVar

T = TypeVar("T")


class Balances(TypedDict):
    smsBalance: int
    mmsBalance: int
    callBalance: int


class Organization(TypedDict):
    id: str
    type: Literal["organization"]
    name: str
    integrations: list[str]
    # Only present when the organisation has message/call balances enabled (spec).
    balances: NotRequired[Balances]
    createdAt: str


class Coordinates(TypedDict):
    lat: float
    lng: float


class Location(TypedDict):
    label: str
    coordinates: Coordinates


class Group(TypedDict):
    id: str
    type: Literal["group"]
    name: str
    description: NotRequired[str]
    countryCode: Literal["US", "CA", "PR"]
    active: bool
    location: NotRequired[Location]
    organizationId: str
    timezone: str
    createdAt: str


class Agent(TypedDict):
    """An agent; the email given on create is kept server-side and never returned."""

    id: str
    type: Literal["agent"]
    name: str
    fullName: str
    phoneNumber: NotRequired[str]
    organizationId: str
    groupId: str
    createdAt: str


class Page(TypedDict, Generic[T]):
    items: list[T]
    cursor: str | None
    hasMore: bool


class ErrorBody(TypedDict):
    code: int
    message: str
    hustleErrorCode: NotRequired[str]


class TokenResponse(TypedDict):
    access_token: str
    scope: str
    expires_in: float
    token_type: Literal["Bearer"]

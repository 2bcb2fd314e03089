"""Request bodies, checked as the spec's schemas say (``additionalProperties: false``,
required keys, string types). A body that breaks its schema is a 400 Bad Request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from gateway.simulators.hustle.errors import HustleError

# Loose on purpose: the spec only says ``format: email``.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class TokenRequest:
    client_id: str
    client_secret: str


@dataclass(frozen=True, slots=True)
class NewAgent:
    name: str
    full_name: str
    email: str
    group_id: str


@dataclass(frozen=True, slots=True)
class AgentUpdate:
    name: str
    full_name: str


def json_object(raw: bytes) -> dict[str, object]:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise HustleError(400, "Request body must be valid JSON") from None
    if not isinstance(body, dict):
        raise HustleError(400, "Request body must be a JSON object")
    return body


def _strings(body: dict[str, object], required: tuple[str, ...]) -> dict[str, str]:
    for key in body:
        if key not in required:
            raise HustleError(400, f'"{key}" is not allowed')
    values: dict[str, str] = {}
    for key in required:
        value = body.get(key)
        if value is None:
            raise HustleError(400, f'"{key}" is required')
        if not isinstance(value, str) or not value.strip():
            raise HustleError(400, f'"{key}" must be a non-empty string')
        values[key] = value
    return values


def token_request(raw: bytes) -> TokenRequest:
    values = _strings(json_object(raw), ("grant_type", "client_id", "client_secret"))
    if values["grant_type"] != "client_credentials":
        raise HustleError(400, '"grant_type" must be [client_credentials]')
    return TokenRequest(values["client_id"], values["client_secret"])


def new_agent(raw: bytes) -> NewAgent:
    values = _strings(json_object(raw), ("name", "fullName", "email", "groupId"))
    if not _EMAIL.match(values["email"]):
        raise HustleError(400, '"email" must be a valid email')
    return NewAgent(values["name"], values["fullName"], values["email"], values["groupId"])


def agent_update(raw: bytes) -> AgentUpdate:
    body = json_object(raw)
    values = _strings(
        {k: v for k, v in body.items() if k != "sendInvite"}, ("name", "fullName")
    )
    if "sendInvite" in body and not isinstance(body["sendInvite"], bool):
        raise HustleError(400, '"sendInvite" must be a boolean')
    return AgentUpdate(values["name"], values["fullName"])

"""Global ids: opaque, stable across restarts, decodable to (kind, source, native id).

The encoding is url-safe base64 of ``"<Kind>:<source>:<native id>"``. Source names cannot hold
``:`` (settings forbid it); native ids may (Everhour's ``ev:123``), so only the first two
colons split.
"""

from __future__ import annotations

import base64
import binascii
from typing import NamedTuple

from gateway.errors import UserInputError
from gateway.models import Kind


class GlobalId(NamedTuple):
    kind: Kind
    source: str
    native_id: str


def encode(kind: Kind, source: str, native_id: str) -> str:
    raw = f"{kind.value}:{source}:{native_id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode(global_id: str) -> GlobalId:
    """Decode a global id; ``UserInputError`` for anything that is not one of ours."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
        kind, source, native_id = text.split(":", 2)
        return GlobalId(Kind(kind), source, native_id)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise UserInputError(f"{global_id!r} is not a valid Hourglass id") from exc


def decode_as(global_id: str, kind: Kind) -> GlobalId:
    decoded = decode(global_id)
    if decoded.kind is not kind:
        raise UserInputError(f"id {global_id!r} is a {decoded.kind.value}, not a {kind.value}")
    return decoded

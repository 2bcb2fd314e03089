"""Hustle's cursor pagination: ``?limit=&cursor=`` in, ``{items, cursor, hasMore}`` out.

The vendor's example cursors ``WzEsMV0`` / ``WzIsMV0`` are unpadded base64url of ``[1,1]`` /
``[2,1]``: the offset of the next item and a format version. We mint the same shape, so a
cursor looks real and is opaque to a client; anything else passed back is a 400.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import TypeVar

import orjson

from gateway.simulators.hustle.errors import HustleError
from gateway.simulators.hustle.payloads import Page

T = TypeVar("T")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
_CURSOR_VERSION = 1


def encode_cursor(offset: int) -> str:
    raw = orjson.dumps([offset, _CURSOR_VERSION])
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = orjson.loads(raw)
    except (binascii.Error, ValueError):
        raise HustleError(400, "Invalid cursor") from None
    match value:
        case [int(offset), int(version)] if offset >= 0 and version == _CURSOR_VERSION:
            return offset
    raise HustleError(400, "Invalid cursor")


def parse_limit(raw: str | None) -> int:
    """The spec types ``limit`` as a number in [1, 1000]; an integral "50.0" is accepted."""
    if raw is None:
        return DEFAULT_LIMIT
    try:
        number = float(raw)
    except ValueError:
        raise HustleError(400, '"limit" must be a number') from None
    if not number.is_integer():
        raise HustleError(400, '"limit" must be an integer')
    if not 1 <= number <= MAX_LIMIT:
        raise HustleError(400, f'"limit" must be between 1 and {MAX_LIMIT}')
    return int(number)


def paginate(
    items: Sequence[T], limit: int, cursor: str | None, *, cursor_on_last_page: bool
) -> Page[T]:
    """One page of ``items``.

    ``cursor`` is null only when this request returned no items (spec: "If there were no items
    to return with the last cursor you passed, this will return null"). On the last non-empty
    page ``hasMore`` is false and the cursor is null too, unless ``cursor_on_last_page`` asks
    for the vendor's documented example, where the last page still carries a cursor.
    """
    start = 0 if cursor is None else decode_cursor(cursor)
    page = list(items[start : start + limit])
    end = start + len(page)
    has_more = bool(page) and end < len(items)
    next_cursor = encode_cursor(end) if page and (has_more or cursor_on_last_page) else None
    return {"items": page, "cursor": next_cursor, "hasMore": has_more}

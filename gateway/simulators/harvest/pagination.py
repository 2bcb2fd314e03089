"""Harvest's two pagination styles.

Page style (every list): ``page``/``per_page`` and an envelope of ``per_page, total_pages,
total_entries, next_page, previous_page, page`` plus ``links`` with absolute URLs. Links repeat
the request's filters, sorted by name with ``page`` and ``per_page`` (Rails ``to_query`` order).

Cursor style (users, projects, clients, tasks): ``links.next`` is
``...?cursor=<opaque>&per_page=N&ref=next_cursor``. The cursor is url-safe base64 of compact
JSON (``eyJ...``) carrying the filters and the sort key of the last record served, so it is the
only state: following it needs no server memory and survives a restart. ``first``, ``last`` and
``previous`` stay page links. A request with a cursor ignores ``page`` and any filter parameters
beside it (the cursor's filters win).
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import dataclass
from urllib.parse import urlencode

import orjson
from starlette.datastructures import URL

from gateway.simulators.harvest.errors import invalid
from gateway.simulators.harvest.payloads import Envelope, Links

SortKey = tuple[str, int]  # (created_at, id), served newest first


@dataclass(frozen=True, slots=True)
class Cursor:
    filters: dict[str, str]
    after: SortKey


def encode_cursor(cursor: Cursor) -> str:
    raw = orjson.dumps({"filters": cursor.filters, "after": list(cursor.after)})
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    try:
        data = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        filters, (created, ident) = data["filters"], data["after"]
        if not (isinstance(created, str) and isinstance(ident, int) and isinstance(filters, dict)
                and all(isinstance(v, str) for v in filters.values())):
            raise TypeError
    except (binascii.Error, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise invalid("cursor is not valid") from None
    return Cursor(filters=filters, after=(created, ident))


def link(url: URL, params: dict[str, str]) -> str:
    return str(url.replace(query=urlencode(sorted(params.items()))))


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a result a page covers."""

    start: int  # offset of the first record served
    per_page: int
    total: int

    @property
    def page(self) -> int:
        return self.start // self.per_page + 1

    @property
    def has_next(self) -> bool:
        return self.start + self.per_page < self.total

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.per_page)


def envelope(url: URL, filters: dict[str, str], window: Window,
             next_link: str | None = None) -> Envelope:
    """The pagination envelope; ``next_link`` replaces the page-style next link (cursor style).

    An empty result has ``total_pages`` 0 (will_paginate's arithmetic) but its ``last`` link
    still names page 1.
    """
    size = window.per_page

    def page_link(number: int) -> str:
        return link(url, {**filters, "page": str(number), "per_page": str(size)})

    page = window.page
    next_page = page + 1 if window.has_next else None
    previous_page = page - 1 if page > 1 else None
    if next_page is not None and next_link is None:
        next_link = page_link(next_page)
    return Envelope(
        per_page=size, total_pages=window.total_pages, total_entries=window.total,
        next_page=next_page, previous_page=previous_page, page=page,
        links=Links(
            first=page_link(1),
            next=next_link if next_page is not None else None,
            previous=page_link(previous_page) if previous_page is not None else None,
            last=page_link(max(window.total_pages, 1)),
        ),
    )


def cursor_link(url: URL, filters: dict[str, str], after: SortKey, per_page: int) -> str:
    token = encode_cursor(Cursor(filters=filters, after=after))
    return link(url, {"cursor": token, "per_page": str(per_page), "ref": "next_cursor"})

"""The shared page loop and the types every paginator speaks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import httpx

DEFAULT_MAX_PAGES = 10_000


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where a page is asked for. ``params`` is a tuple of pairs so requests are hashable
    (loop detection) and repeatable keys (``user_ids[]``) survive."""

    url: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    json: Any = field(default=None, hash=False, compare=False)
    json_key: str = ""  # a canonical text of ``json`` for hashing (set by with_json)

    def with_params(self, **updates: str | int | None) -> PageRequest:
        """A copy with ``updates`` replacing same-named params (``None`` removes one)."""
        kept = tuple((k, v) for k, v in self.params if k not in updates)
        added = tuple((k, str(v)) for k, v in updates.items() if v is not None)
        return replace(self, params=kept + added)

    def with_json(self, body: Mapping[str, Any]) -> PageRequest:
        return replace(self, json=dict(body), json_key=repr(sorted(body.items())))

    def param(self, name: str) -> str | None:
        return next((v for k, v in reversed(self.params) if k == name), None)


@dataclass(frozen=True, slots=True)
class Page:
    """One decoded page: its items (extracted by the connector), the raw body and headers."""

    request: PageRequest
    items: list[Any]
    body: Any
    headers: httpx.Headers


class Paginator(Protocol):
    def next_request(self, page: Page) -> PageRequest | None:
        """The request for the page after ``page``, or ``None`` when it was the last."""


class PaginationError(Exception):
    """The vendor's pagination misbehaved (a repeated page, no end in sight)."""


Fetch = Callable[[PageRequest], Awaitable[Page]]


async def paginate(
    fetch: Fetch,
    first: PageRequest,
    paginator: Paginator,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> AsyncIterator[Page]:
    """Fetch pages from ``first`` on, as long as ``paginator`` asks for more.

    Raises ``PaginationError`` if the paginator asks for a page it already fetched (a vendor
    returning the same cursor forever) or for more than ``max_pages`` pages.
    """
    seen: set[PageRequest] = set()
    request: PageRequest | None = first
    while request is not None:
        if request in seen:
            raise PaginationError("the vendor pointed back to a page it already returned")
        if len(seen) >= max_pages:
            raise PaginationError(f"more than {max_pages} pages: stopped")
        seen.add(request)
        page = await fetch(request)
        yield page
        request = paginator.next_request(page)

"""An opaque ``cursor`` plus a ``hasMore`` flag in the body (Hustle v3).

The body is ``{"items": [...], "cursor": "WzEsMV0" | null, "hasMore": true | false}``; the next
page is the same request with ``cursor`` set to the one received. The vendor says to stop when
``hasMore`` is false *or* the cursor is null (either alone ends the listing: a last page may
still carry a cursor, and an exhausted cursor comes back as null). An empty page also stops,
so an envelope that lies cannot keep us going; a cursor handed back twice is caught by the
shared loop as a repeated request.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class CursorHasMorePaginator:
    cursor_param: str = "cursor"
    cursor_key: str = "cursor"
    has_more_key: str = "hasMore"

    def next_request(self, page: Page) -> PageRequest | None:
        body = page.body if isinstance(page.body, dict) else {}
        cursor = body.get(self.cursor_key)
        if body.get(self.has_more_key) is not True or not cursor or not page.items:
            return None
        return page.request.with_params(**{self.cursor_param: str(cursor)})

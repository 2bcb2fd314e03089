"""``page_start_id``/``page_limit`` with the next start id in the body (Hubstaff v2).

The body carries ``{"pagination": {"next_page_start_id": 98}}``; the next page is the same
request with ``page_start_id`` set to it. On the last page the key is absent (the envelope
may be missing altogether). An empty page also stops, so an envelope that lies cannot keep
us going; a start id handed back twice is caught by the shared loop as a repeated request.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class StartIdPaginator:
    start_param: str = "page_start_id"
    envelope_key: str = "pagination"
    next_key: str = "next_page_start_id"

    def next_request(self, page: Page) -> PageRequest | None:
        body = page.body if isinstance(page.body, dict) else {}
        envelope = body.get(self.envelope_key)
        next_id = envelope.get(self.next_key) if isinstance(envelope, dict) else None
        if next_id is None or isinstance(next_id, bool) or not page.items:
            return None
        return page.request.with_params(**{self.start_param: int(next_id)})

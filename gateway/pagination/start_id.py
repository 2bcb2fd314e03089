"""``page_start_id``/``page_limit`` with the next start id in the body (Hubstaff v2).

The body carries ``{"pagination": {"next_page_start_id": 98}}``; the next page is the same
request with ``page_start_id`` set to it. On the last page the key is absent (the envelope
may be missing altogether). An empty page also stops, so an envelope that lies cannot keep
us going; a start id handed back twice is caught by the shared loop as a repeated request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest

# What may follow the key up to the id: JSON's whitespace and colon; the id is an integer.
_ID_AFTER_KEY = re.compile(rb"[ \t\r\n]*:[ \t\r\n]*(\d{1,30})")


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

    def peek(self, request: PageRequest, raw: bytes) -> PageRequest | None:
        """The next request as the undecoded body names it, or ``None`` if it names none this
        way (the last page, or a body that must be decoded to tell).

        Read from the end, where Hubstaff puts the envelope. The key with its quotes can be no
        string's content (a string's own quotes are escaped), but it could be an item's key,
        so this is a guess: :func:`gateway.connectors.paging.read_pages` checks it against
        :meth:`next_request` once the page is decoded."""
        key = b'"%s"' % self.next_key.encode()
        at = raw.rfind(key)
        if at < 0:
            return None
        found = _ID_AFTER_KEY.match(raw, at + len(key))
        if found is None:
            return None
        return request.with_params(**{self.start_param: int(found.group(1))})

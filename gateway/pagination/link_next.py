"""Follow ``links.next`` (Harvest's cursor pagination on users, projects, clients, tasks).

The vendor builds the URL (``...?cursor=eyJ...&per_page=2000&ref=next_cursor``); we must not
build it ourselves, so the next request is that absolute URL with no params of our own.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class LinkNextPaginator:
    links_key: str = "links"
    next_key: str = "next"

    def next_request(self, page: Page) -> PageRequest | None:
        body = page.body if isinstance(page.body, dict) else {}
        links = body.get(self.links_key) or {}
        url = links.get(self.next_key) if isinstance(links, dict) else None
        if not url or not page.items:
            return None
        return PageRequest(url=str(url), method=page.request.method)

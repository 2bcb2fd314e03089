"""``page``/``per_page`` with a pagination envelope (Harvest's time entries).

The body says what comes next: ``next_page`` (null on the last page). A vendor whose envelope
lies is still stopped by an empty page.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class PageNumberPaginator:
    page_param: str = "page"
    next_page_key: str = "next_page"

    def next_request(self, page: Page) -> PageRequest | None:
        next_page = page.body.get(self.next_page_key) if isinstance(page.body, dict) else None
        if next_page is None or not page.items:
            return None
        return page.request.with_params(**{self.page_param: int(next_page)})

"""``page``/``page-size`` over bare JSON arrays, stopped by a ``Last-Page: true|false`` header.

Clockify's style (``shared/vendors/clockify.md``): pages count from 1 and the header says
whether anything follows. The header is not promised everywhere, so without it a short page
(fewer items than asked for) is the last one; an empty page always ends the walk.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class LastPageHeaderPaginator:
    page_param: str = "page"
    size_param: str = "page-size"
    header: str = "Last-Page"
    first_page: int = 1

    def next_request(self, page: Page) -> PageRequest | None:
        if not page.items:
            return None
        flag = page.headers.get(self.header, "").strip().lower()
        if flag == "true":
            return None
        if flag != "false" and self._short(page):
            return None
        current = page.request.param(self.page_param)
        number = int(current) if current else self.first_page
        return page.request.with_params(**{self.page_param: number + 1})

    def _short(self, page: Page) -> bool:
        size = page.request.param(self.size_param)
        return size is None or len(page.items) < int(size)

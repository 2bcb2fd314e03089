"""``page``/``limit`` with bare arrays: a page shorter than ``limit`` is the last.

The body carries no metadata (Hub Planner, Everhour), so the only end signal is the page size:
a full page is followed by one more request, which comes back empty or short. The first
request must carry both params; where numbering starts (0 or 1) is the connector's business.
A page *longer* than ``limit`` means the vendor ignored it and sent everything: stop.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest


@dataclass(slots=True)
class ShortPagePaginator:
    page_param: str = "page"
    limit_param: str = "limit"

    def next_request(self, page: Page) -> PageRequest | None:
        number, limit = page.request.param(self.page_param), page.request.param(self.limit_param)
        if number is None or limit is None:
            wanted = f"{self.page_param!r} and {self.limit_param!r}"
            raise ValueError(f"the first request must set {wanted}")
        if len(page.items) != int(limit):
            return None
        return page.request.with_params(**{self.page_param: int(number) + 1})

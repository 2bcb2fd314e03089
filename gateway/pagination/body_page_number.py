"""Page numbers inside a JSON request body, stopped by a short page or a total count.

Report endpoints that are searches (``POST`` with the filter as the body) page with numbers in
the body, e.g. Clockify's detailed report ``{"detailedFilter": {"page": 1, "pageSize": 1000}}``
answering ``{"totals": [{"entriesCount": n}], "timeEntries": [...]}``. The walk stops on a
short or empty page, or once ``page * size`` reaches the total the vendor reports (which
saves the empty page that would otherwise follow a full last page).

With a total, the first page also says which pages follow (``remaining``), so the loop can ask
for them all at once: a 3-page report in 2 round trips instead of 3.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.pagination.base import Page, PageRequest

Total = Callable[[Any], int | None]


@dataclass(slots=True)
class BodyPageNumberPaginator:
    # Where page and size sit in the body: ("detailedFilter",) -> body["detailedFilter"]["page"].
    path: Sequence[str] = ()
    page_key: str = "page"
    size_key: str = "pageSize"
    total: Total | None = None

    def next_request(self, page: Page) -> PageRequest | None:
        holder = _at(page.request.json, self.path)
        number, size = int(holder[self.page_key]), int(holder[self.size_key])
        if len(page.items) < size:
            return None
        total = self.total(page.body) if self.total else None
        if total is not None and number * size >= total:
            return None
        return self._numbered(page.request, number + 1)

    def remaining(self, page: Page) -> list[PageRequest] | None:
        """Given the first page, the requests for pages after it up to ``ceil(total / size)``;
        ``None`` without a total (the loop then goes page by page)."""
        total = self.total(page.body) if self.total else None
        holder = _at(page.request.json, self.path)
        number, size = int(holder[self.page_key]), int(holder[self.size_key])
        if total is None or size <= 0:
            return None
        if len(page.items) < size:
            return []
        last = -(-total // size)
        return [self._numbered(page.request, n) for n in range(number + 1, last + 1)]

    def _numbered(self, request: PageRequest, number: int) -> PageRequest:
        return request.with_json(_replace(request.json, self.path, {self.page_key: number}))


def _at(body: Any, path: Sequence[str]) -> Mapping[str, Any]:
    for key in path:
        body = body[key]
    if not isinstance(body, Mapping):
        raise TypeError("the page numbers are not in an object")
    return body


def _replace(
    body: Mapping[str, Any], path: Sequence[str], updates: Mapping[str, Any]
) -> dict[str, Any]:
    if not path:
        return {**body, **updates}
    head, *rest = path
    return {**body, head: _replace(body[head], rest, updates)}

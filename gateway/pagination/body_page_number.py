"""Page numbers inside a JSON request body, stopped by a short page or a total count.

Report endpoints that are searches (``POST`` with the filter as the body) page with numbers in
the body, e.g. Clockify's detailed report ``{"detailedFilter": {"page": 1, "pageSize": 1000}}``
answering ``{"totals": [{"entriesCount": n}], "timeEntries": [...]}``. The walk stops on a
short or empty page, or once ``page * size`` reaches the total the vendor reports (which
saves the empty page that would otherwise follow a full last page).
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
        return page.request.with_json(
            _replace(page.request.json, self.path, {self.page_key: number + 1})
        )


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

"""A cursor carried in response headers and sent back in the next request's JSON body.

Toggl's Reports API v3 answers ``X-Next-ID`` / ``X-Next-Row-Number`` only when another page
exists; the next request repeats the same body with ``first_id`` / ``first_row_number`` set to
those values. The first header named is the end signal: without it, the page was the last.
The others travel along when present. Numeric values are sent as JSON integers.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.pagination.base import Page, PageRequest

TOGGL_REPORTS = (("X-Next-ID", "first_id"), ("X-Next-Row-Number", "first_row_number"))


@dataclass(slots=True)
class HeaderCursorPaginator:
    # (response header, request body field) pairs; the first one says whether a next page exists.
    fields: tuple[tuple[str, str], ...] = TOGGL_REPORTS

    def next_request(self, page: Page) -> PageRequest | None:
        (primary, _), *_ = self.fields
        if not page.items or not page.headers.get(primary, "").strip():
            return None
        cursor = {
            body_field: _value(page.headers[header])
            for header, body_field in self.fields
            if page.headers.get(header, "").strip()
        }
        return page.request.with_json({**(page.request.json or {}), **cursor})


def _value(text: str) -> int | str:
    text = text.strip()
    return int(text) if text.isdigit() else text

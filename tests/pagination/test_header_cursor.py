"""HeaderCursorPaginator on canned pages (Toggl Reports v3 style)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.pagination import Page, PageRequest, PaginationError, paginate
from gateway.pagination.header_cursor import HeaderCursorPaginator

FIRST = PageRequest("https://r/search", method="POST").with_json({"start_date": "2026-01-01"})


def page(headers: dict[str, str], items: list[Any] | None = None) -> Page:
    return Page(request=FIRST, items=[{}] if items is None else items, body=None,
                headers=httpx.Headers(headers))


@pytest.mark.parametrize(
    ("headers", "items", "expected"),
    [
        pytest.param({"X-Next-ID": "42", "X-Next-Row-Number": "51"}, None,
                     {"start_date": "2026-01-01", "first_id": 42, "first_row_number": 51}, id="both-headers"),
        pytest.param({"X-Next-ID": "42"}, None,
                     {"start_date": "2026-01-01", "first_id": 42}, id="row-number-missing"),
        pytest.param({}, None, None, id="last-page-no-header"),
        pytest.param({"X-Next-ID": " "}, None, None, id="blank-header"),
        pytest.param({"X-Next-ID": "42", "X-Next-Row-Number": "51"}, [], None, id="empty-page"),
        pytest.param({"x-next-id": "abc"}, None,
                     {"start_date": "2026-01-01", "first_id": "abc"}, id="non-numeric-kept-as-text"),
    ],
)
def test_next_request(headers: dict[str, str], items: list[Any] | None, expected: Any) -> None:
    nxt = HeaderCursorPaginator().next_request(page(headers, items))
    if expected is None:
        assert nxt is None
    else:
        assert nxt is not None and nxt.json == expected and nxt.method == "POST"


async def test_a_repeated_cursor_is_a_pagination_error() -> None:
    async def fetch(request: PageRequest) -> Page:
        return Page(request, [{}], None, httpx.Headers({"X-Next-ID": "7", "X-Next-Row-Number": "2"}))

    with pytest.raises(PaginationError):
        async for _ in paginate(fetch, FIRST, HeaderCursorPaginator()):
            pass

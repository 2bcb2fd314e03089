"""Page numbers in a JSON body (Clockify's detailed report)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.pagination import Page, PageRequest
from gateway.pagination.body_page_number import BodyPageNumberPaginator

BODY = {"dateRangeStart": "x", "detailedFilter": {"page": 2, "pageSize": 3}}


def total(body: Any) -> int | None:
    return body.get("count") if isinstance(body, dict) else None


@pytest.mark.parametrize(
    ("items", "count", "next_page"),
    [
        pytest.param(3, None, 3, id="full-page-no-total"),
        pytest.param(2, None, None, id="short-page"),
        pytest.param(0, None, None, id="empty-page"),
        pytest.param(3, 6, None, id="full-last-page-by-total"),
        pytest.param(3, 7, 3, id="total-says-more"),
    ],
)
def test_next_request(items: int, count: int | None, next_page: int | None) -> None:
    request = PageRequest("report", method="POST").with_json(BODY)
    page = Page(request, list(range(items)), {"count": count}, httpx.Headers())
    following = BodyPageNumberPaginator(path=("detailedFilter",), total=total).next_request(page)
    if next_page is None:
        assert following is None
        return
    assert following is not None and following.method == "POST"
    assert following.json == {"dateRangeStart": "x", "detailedFilter": {"page": 3, "pageSize": 3}}
    assert following != request  # a different page to the loop's repeat detection

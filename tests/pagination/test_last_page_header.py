"""``Last-Page`` header pagination with a short-page fallback (Clockify)."""

from __future__ import annotations

import httpx
import pytest

from gateway.pagination import Page, PageRequest
from gateway.pagination.last_page_header import LastPageHeaderPaginator

FIRST = PageRequest("users").with_params(page=1, **{"page-size": 2})


def page(items: int, header: str | None, request: PageRequest = FIRST) -> Page:
    headers = httpx.Headers({"Last-Page": header} if header is not None else {})
    return Page(request=request, items=list(range(items)), body=list(range(items)), headers=headers)


@pytest.mark.parametrize(
    ("items", "header", "next_page"),
    [
        pytest.param(2, "false", "2", id="more-follows"),
        pytest.param(2, "true", None, id="last-by-header"),
        pytest.param(1, "false", "2", id="header-wins-over-a-short-page"),
        pytest.param(2, "TRUE", None, id="header-case-insensitive"),
        pytest.param(2, None, "2", id="no-header-full-page"),
        pytest.param(1, None, None, id="no-header-short-page"),
        pytest.param(0, "false", None, id="empty-page-always-stops"),
        pytest.param(2, "garbage", "2", id="unreadable-header-full-page"),
    ],
)
def test_next_request(items: int, header: str | None, next_page: str | None) -> None:
    following = LastPageHeaderPaginator().next_request(page(items, header))
    assert (following.param("page") if following else None) == next_page
    if following:
        assert following.param("page-size") == "2"


def test_without_a_page_param_the_next_is_page_two() -> None:
    request = PageRequest("users").with_params(**{"page-size": 2})
    following = LastPageHeaderPaginator().next_request(page(2, "false", request))
    assert following is not None and following.param("page") == "2"

"""Paginators decide, one loop acts: end conditions, loop detection, page cap."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.pagination import (
    LinkNextPaginator,
    Page,
    PageNumberPaginator,
    PageRequest,
    PaginationError,
    paginate,
)
from gateway.pagination.start_id import StartIdPaginator


def page(request: PageRequest, body: Any, items: list[Any] | None = None) -> Page:
    return Page(
        request, items if items is not None else body.get("items", []), body, httpx.Headers()
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"items": [1], "next_page": 2}, (("page", "2"),), id="next"),
        pytest.param({"items": [1], "next_page": None}, None, id="last"),
        pytest.param(
            {"items": [], "next_page": 3}, None, id="empty-page-ends-even-if-envelope-lies"
        ),
    ],
)
def test_page_number(body: dict[str, Any], expected: tuple[tuple[str, str], ...] | None) -> None:
    nxt = PageNumberPaginator().next_request(page(PageRequest("t", (("page", "1"),)), body))
    assert (nxt.params if nxt else None) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            {
                "items": [1],
                "links": {"next": "https://h/v2/users?cursor=abc&per_page=2000&ref=next_cursor"},
            },
            "https://h/v2/users?cursor=abc&per_page=2000&ref=next_cursor",
            id="follows-as-given",
        ),
        pytest.param({"items": [1], "links": {"next": None}}, None, id="last"),
        pytest.param({"items": [1]}, None, id="no-links"),
    ],
)
def test_link_next(body: dict[str, Any], expected: str | None) -> None:
    nxt = LinkNextPaginator().next_request(
        page(PageRequest("users", (("per_page", "2000"),)), body)
    )
    assert (nxt.url if nxt else None) == expected
    assert nxt is None or nxt.params == ()


async def test_the_loop_detects_a_repeated_page() -> None:
    async def fetch(request: PageRequest) -> Page:
        return page(request, {"items": [1], "links": {"next": "https://h/again"}})

    pages = paginate(fetch, PageRequest("start"), LinkNextPaginator())
    with pytest.raises(PaginationError, match="already returned"):
        [p async for p in pages]


async def test_the_loop_caps_pages() -> None:
    async def fetch(request: PageRequest) -> Page:
        n = int(request.param("page") or 1)
        return page(request, {"items": [n], "next_page": n + 1})

    with pytest.raises(PaginationError, match="more than 5 pages"):
        [p async for p in paginate(fetch, PageRequest("t"), PageNumberPaginator(), max_pages=5)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(b'{"a":[{"id":1}],"pagination":{"next_page_start_id":98}}', 98, id="end"),
        pytest.param(b'{"pagination": {"next_page_start_id" :\n 98}, "a": []}', 98, id="spaced"),
        pytest.param(b'{"a":[{"id":1}],"pagination":{}}', None, id="last"),
        pytest.param(b'{"pagination":{"next_page_start_id":"98"}}', None, id="a string"),
        pytest.param(b'{"pagination":{"next_page_start_id":null}}', None, id="null"),
        pytest.param(b'{"a":["\\"next_page_start_id\\": 5"]}', None, id="in a string"),
    ],
)
def test_start_id_peek_reads_the_next_id_off_the_raw_body(raw: bytes, expected: int | None) -> None:
    first = PageRequest("/activities", (("page_limit", "500"),))
    guess = StartIdPaginator().peek(first, raw)
    assert guess == (None if expected is None else first.with_params(page_start_id=expected))

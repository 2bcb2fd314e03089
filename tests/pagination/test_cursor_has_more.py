"""``CursorHasMorePaginator``: ``{items, cursor, hasMore}`` bodies (Hustle v3)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.pagination import Page, PageRequest
from gateway.pagination.cursor_has_more import CursorHasMorePaginator

FIRST = PageRequest("agents").with_params(limit=100)


def page(body: Any, request: PageRequest = FIRST) -> Page:
    items = body.get("items", []) if isinstance(body, dict) else []
    return Page(request=request, items=items, body=body, headers=httpx.Headers())


@pytest.mark.parametrize(
    ("body", "cursor"),
    [
        pytest.param({"items": [1], "cursor": "WzEsMV0", "hasMore": True}, "WzEsMV0", id="more"),
        pytest.param({"items": [1], "cursor": "c", "hasMore": False}, None, id="has-more-false"),
        pytest.param({"items": [1], "cursor": None, "hasMore": True}, None, id="cursor-null"),
        pytest.param({"items": [1], "cursor": "", "hasMore": True}, None, id="cursor-empty"),
        pytest.param({"items": [], "cursor": "c", "hasMore": True}, None, id="empty-page"),
        pytest.param({"items": [1], "cursor": "c"}, None, id="has-more-missing"),
        pytest.param({"items": [1], "cursor": "c", "hasMore": "1"}, None, id="has-more-not-bool"),
        pytest.param([1, 2], None, id="not-an-object"),
    ],
)
def test_next_cursor(body: Any, cursor: str | None) -> None:
    following = CursorHasMorePaginator().next_request(page(body))
    assert (following.param("cursor") if following else None) == cursor


def test_next_request_keeps_other_params_and_replaces_the_cursor() -> None:
    second = FIRST.with_params(cursor="a", groupId="g")
    following = CursorHasMorePaginator().next_request(
        page({"items": [1], "cursor": "b", "hasMore": True}, second)
    )
    assert following is not None
    assert sorted(following.params) == [("cursor", "b"), ("groupId", "g"), ("limit", "100")]

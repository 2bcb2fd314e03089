"""``build_client``'s client keeps no cookies: a vendor's ``Set-Cookie`` is never sent back."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from gateway.http import ClientOptions, SlidingWindowLimiter, build_client
from gateway.http.client import _with_query


async def test_set_cookie_is_not_sent_back() -> None:
    seen: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, json={})

    client = build_client(
        ClientOptions(base_url="http://vendor.test/", user_agent="t"),
        limiter=SlidingWindowLimiter(100, 1),
        transport=httpx.MockTransport(handler),
    )
    async with client:
        for _ in range(2):
            response = await client.get("x")
            assert response.headers["set-cookie"] == "session=abc; Path=/"  # still visible
        assert not client.cookies
        with pytest.raises(TypeError):
            client.cookies = {"session": "abc"}
    assert seen == [None, None]


def _client(base_url: str) -> httpx.AsyncClient:
    return build_client(
        ClientOptions(base_url=base_url, user_agent="t"),
        limiter=SlidingWindowLimiter(100, 1),
        transport=httpx.MockTransport(lambda request: httpx.Response(200)),
    )


@pytest.mark.parametrize(
    ("base", "path", "params", "expected"),
    [
        ("http://v.test/v2/", "clients", None, "http://v.test/v2/clients"),
        ("http://v.test/v2", "/clients", None, "http://v.test/v2/clients"),
        ("http://v.test/v2/", "clients", {"page": 2}, "http://v.test/v2/clients?page=2"),
        ("http://v.test/v2/", "a b", None, "http://v.test/v2/a%20b"),
        ("http://v.test/v2/", "https://id.test/token", None, "https://id.test/token"),
    ],
)
async def test_request_urls_join_the_base_url_as_httpx_does(
    base: str, path: str, params: dict[str, int] | None, expected: str
) -> None:
    plain = httpx.AsyncClient(base_url=base)
    async with _client(base) as client:
        for _ in range(2):  # the second join is the remembered one
            url = client.build_request("GET", path, params=params).url
            assert url == plain.build_request("GET", path, params=params).url
            assert str(url) == expected


async def test_a_new_base_url_forgets_the_joined_urls() -> None:
    async with _client("http://v.test/v2/") as client:
        assert str(client.build_request("GET", "x").url) == "http://v.test/v2/x"
        client.base_url = httpx.URL("http://w.test/v3/")
        assert str(client.build_request("GET", "x").url) == "http://w.test/v3/x"


async def test_each_path_is_joined_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails if httpx stops routing ``build_request`` through ``_merge_url`` (the cache would
    then be skipped without a sound) or the cache stops remembering."""
    joins: list[object] = []
    join = httpx._client.BaseClient._merge_url

    def counted(self: httpx.AsyncClient, url: httpx.URL | str) -> httpx.URL:
        joins.append(url)
        return join(self, url)

    monkeypatch.setattr(httpx._client.BaseClient, "_merge_url", counted)
    async with _client("http://v.test/v2/") as client:
        for page in range(3):
            client.build_request("GET", "clients", params={"page": page})
    assert joins == ["clients"]


QUERIES: list[object] = [
    None,
    [],
    {},
    {"page": 2},
    [("user_ids[]", "1"), ("user_ids[]", "2"), ("page_limit", "500")],
    {"time_slot[start]": "2026-11-25T00:00:00Z", "time_slot[stop]": "2026-12-01T04:20:00Z"},
    {"flag": True, "off": False, "none": None, "n": 7, "x": 1.5},
    {"q": "a b&c=d?e#f/g", "reserved": "!$'()*+,;:@[]", "percent": "%41%zz"},
    {"name": "Zoë Łukasz 東京", "emoji": "⏱"},
    [("empty", ""), ("", "nameless")],
]


@pytest.mark.parametrize("path", ["clients", "clients?fixed=1", "a b/c", "https://id.test/t?x=y"])
@pytest.mark.parametrize("params", QUERIES)
async def test_requests_are_built_as_httpx_builds_them(path: str, params: Any) -> None:
    """The query is set on the joined URL without parsing it again (``build_request``): the
    request must be the one httpx's own ``build_request`` makes, URL, headers and all."""
    async with _client("http://v.test/v2/") as client:
        plain = httpx.AsyncClient(base_url=client.base_url, headers=client.headers)
        ours = client.build_request("GET", path, params=params, extensions={"idempotent": True})
        theirs = plain.build_request("GET", path, params=params, extensions={"idempotent": True})
        await plain.aclose()
    assert ours.url == theirs.url and ours.url.raw_path == theirs.url.raw_path
    assert str(ours.url) == str(theirs.url) and ours.url.params == theirs.url.params
    assert ours.headers.raw == theirs.headers.raw and ours.extensions == theirs.extensions
    assert ours.method == theirs.method and ours.content == theirs.content == b""


class _Parts:
    """URL parts that are not a named tuple (as a later httpx might keep them)."""

    def __init__(self, parts: Any) -> None:
        self._parts = parts

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parts, name)


@pytest.mark.parametrize("query", ["page=2&user_ids%5B%5D=1", None])
def test_the_query_is_set_the_public_way_where_urls_keep_their_parts_otherwise(
    query: str | None,
) -> None:
    url = httpx.URL("http://v.test/v2/clients?fixed=1")
    expected = httpx.URL(url, query=None if query is None else query.encode())
    url._uri_reference = _Parts(url._uri_reference)  # type: ignore[assignment]
    joined = _with_query(url, query)
    assert joined == expected and str(joined) == str(expected)

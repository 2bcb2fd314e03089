"""``build_client``'s client keeps no cookies: a vendor's ``Set-Cookie`` is never sent back."""

from __future__ import annotations

import httpx
import pytest

from gateway.http import ClientOptions, SlidingWindowLimiter, build_client


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
            client.cookies = {"session": "abc"}  # type: ignore[assignment]
    assert seen == [None, None]

"""Authentication as ``httpx.Auth`` flows: static headers, or tokens that can go stale.

A token provider hands out an access token and can be told that one was rejected; the flow
then asks for a fresh one and resends the request once (the shape of httpx's DigestAuth
challenge/response). Refresh is the provider's business: single-flight, rotation and storage
live there, per vendor.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping
from typing import Protocol

import httpx


class HeaderAuth(httpx.Auth):
    """Fixed credential headers (API keys, personal access tokens, account ids)."""

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = dict(headers)

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        request.headers.update(self._headers)
        yield request


class TokenProvider(Protocol):
    async def token(self) -> str:
        """A currently valid access token (fetching or refreshing one if needed)."""

    async def rejected(self, token: str) -> None:
        """The vendor refused ``token`` (401): forget it so the next ``token()`` renews."""


class BearerTokenAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` from a provider; on 401, renew once and resend."""

    def __init__(
        self, provider: TokenProvider, *, reject_statuses: frozenset[int] = frozenset({401})
    ) -> None:
        self._provider = provider
        self._reject = reject_statuses

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = await self._provider.token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code in self._reject:
            await self._provider.rejected(token)
            request.headers["Authorization"] = f"Bearer {await self._provider.token()}"
            yield request

"""Single-flight for identical in-flight GETs: one upstream call, every caller gets the answer.

Two resolvers asking for the same page at the same time (two aliases, two concurrent GraphQL
requests) cost one vendor call. The key is method, URL and the auth headers, so sources and
credentials never share answers. Only the wait is shared: nothing is cached after completion.
"""

from __future__ import annotations

import asyncio

import httpx

_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_KEY_HEADERS = ("authorization", "x-api-key", "harvest-account-id", "cookie")


class CoalescingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self._inflight: dict[tuple[str, ...], asyncio.Future[httpx.Response]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            return await self._inner.handle_async_request(request)
        key = (str(request.url), *(request.headers.get(h, "") for h in _KEY_HEADERS))
        leader = self._inflight.get(key)
        if leader is not None:
            try:
                return _copy(await asyncio.shield(leader), request)
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this caller was cancelled
                # the leader's caller went away mid-flight: ask upstream ourselves
        return await self._lead(key, request)

    async def _lead(self, key: tuple[str, ...], request: httpx.Request) -> httpx.Response:
        future: asyncio.Future[httpx.Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            future.set_result(response)
            return _copy(response, request)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # followers re-raise it; mark it retrieved for the leader
            raise
        finally:
            del self._inflight[key]

    async def aclose(self) -> None:
        await self._inner.aclose()


def _copy(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        response.status_code,
        # The body is already decoded: drop the headers that describe the encoded one.
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in _BODY_HEADERS],
        content=response.content,
        request=request,
        extensions={k: v for k, v in response.extensions.items() if k == "http_version"},
    )

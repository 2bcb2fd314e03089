"""Single-flight for identical in-flight GETs: one upstream call, every caller gets the answer.

Two resolvers asking for the same page at the same time (two aliases, two concurrent GraphQL
requests) cost one vendor call. The key is method, URL and the auth headers, so sources and
credentials never share answers. Only the wait is shared: nothing is cached after completion.
"""

from __future__ import annotations

import asyncio

import httpx

_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
_KEY_HEADERS = frozenset({b"authorization", b"x-api-key", b"harvest-account-id", b"cookie"})


class CoalescingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner
        self._inflight: dict[tuple[object, ...], asyncio.Future[httpx.Response]] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET":
            return await self._inner.handle_async_request(request)
        key = _key(request)
        leader = self._inflight.get(key)
        if leader is not None:
            try:
                return _copy(await asyncio.shield(leader), request)
            except asyncio.CancelledError:
                if not leader.cancelled():
                    raise  # this caller was cancelled
                # the leader's caller went away mid-flight: ask upstream ourselves
        return await self._lead(key, request)

    async def _lead(self, key: tuple[object, ...], request: httpx.Request) -> httpx.Response:
        future: asyncio.Future[httpx.Response] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            response = await self._inner.handle_async_request(request)
            await response.aread()
            future.set_result(response)
            # The leader keeps the original (its body is read); each follower gets a copy.
            return response
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


def _key(request: httpx.Request) -> tuple[object, ...]:
    """The URL and every credential header (raw bytes, in order): one pass over the headers."""
    credentials = tuple(
        (name.lower(), value) for name, value in request.headers.raw if name.lower() in _KEY_HEADERS
    )
    return (str(request.url), credentials)


def _copy(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        response.status_code,
        # The body is already decoded: drop the headers that describe the encoded one.
        headers=[(k, v) for k, v in response.headers.multi_items() if k not in _BODY_HEADERS],
        content=response.content,
        request=request,
        extensions={k: v for k, v in response.extensions.items() if k == "http_version"},
    )

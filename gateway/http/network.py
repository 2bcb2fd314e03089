"""The default network under every source's stack: the httpx API over an aiohttp connection pool.

httpx's own pool (httpcore) degrades under concurrency: at 50 concurrent requests on 0.28.1 it
serves ~650 pages/s with a ~330 ms p99 on our 2-core machines (encode/httpx#3215); aiohttp's
pool keeps several times that (``bench/stack.py``). ``httpx-aiohttp`` supplies the adapter;
this module keeps its session and connector set-up and replaces two things the layers above
depend on:

* **Exceptions.** httpx-aiohttp maps every ``aiohttp.ClientConnectionError`` to
  ``httpx.ConnectTimeout``, so a server that hangs up looks like a timeout. Here each aiohttp
  failure becomes the httpx exception httpcore would raise for the same event (``_FAILURES``),
  all ``httpx.TransportError``, so retries and ``Upstream`` judge them as they always have.
* **Timeouts.** The per-attempt ``timeout`` extension (set by ``DeadlineTimeouts`` from the
  request's deadline) maps onto aiohttp's ``ClientTimeout``: ``connect`` -> ``sock_connect``,
  ``pool`` + ``connect`` -> ``connect`` (aiohttp's "get a connection" covers the pool wait and
  the connect), ``read`` -> ``sock_read`` (between any two reads, headers and body alike).
  aiohttp has no write timeout; our request bodies are small JSON that the socket buffer takes
  at once, and the read timeout starts when the request is sent.

Bodies are read whole before the response is returned (every caller reads them whole anyway:
coalesced GETs and ``Upstream``), so the body is inside the attempt's deadline and retries.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import aiohttp
import httpx
import yarl
from httpx_aiohttp import AiohttpTransport

from gateway.lane import lane
from gateway.tasks import cancel_and_wait

PRECONNECT_TIMEOUT = 10.0  # seconds a background connect may take (``preconnect``)

# Most specific first: the first matching row wins. What httpcore raises for the same event.
_FAILURES: tuple[tuple[type[BaseException], type[httpx.TransportError]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),  # pool wait or TCP connect
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),  # sock_read between two reads
    (asyncio.TimeoutError, httpx.ReadTimeout),
    (aiohttp.ClientConnectorError, httpx.ConnectError),  # refused, DNS, TLS handshake
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),  # closed before a response
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),  # closed mid-body, bad chunking
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),  # unparsable status or headers
    (aiohttp.ClientConnectionError, httpx.ReadError),  # reset by peer, broken pipe
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    (aiohttp.ClientError, httpx.TransportError),
)


@contextmanager
def _mapped(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for source, target in _FAILURES:
            if isinstance(exc, source):
                raise target(str(exc) or type(exc).__name__, request=request) from exc
        raise


class AiohttpNetwork(AiohttpTransport):
    """An ``httpx.AsyncBaseTransport`` sending over one ``aiohttp.ClientSession``.

    The session is created on the first request, inside the running event loop (aiohttp binds
    it to the loop), and closed by ``aclose()``. ``limits.max_connections`` caps the pool and
    ``limits.keepalive_expiry`` is how long an idle connection is kept for reuse.
    """

    def __init__(self, *, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        self._opening: set[asyncio.Task[None]] = set()

    def preconnect(self, url: httpx.URL) -> None:
        """Open a connection to ``url``'s origin in the background and leave it in the pool.

        For a request that must first wait for something else (Hubstaff's token): the
        connection is made during that wait, not after it. Here the connect took ~15 ms of a
        cold dashboard's critical path, queued behind the other sources' answers on the event
        loop; to a real vendor it is a TCP and a TLS handshake, one or two round trips. Not
        awaited and never failing: if it does not work out, the request connects as always.
        """
        task = asyncio.create_task(_connect(self._session(), yarl.URL(str(url), encoded=True)))
        self._opening.add(task)
        task.add_done_callback(self._opening.discard)

    async def aclose(self) -> None:
        await cancel_and_wait(*self._opening)
        await super().aclose()

    def _session(self) -> aiohttp.ClientSession:
        """The session, made on first use (inside the running loop, which aiohttp binds it to)."""
        if not isinstance(self.client, aiohttp.ClientSession):
            self.client = self.get_client()
        return self.client

    def get_client(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self.limits.max_connections or 0,
            limit_per_host=0,
            # Below the 5 s keep-alive of common servers (uvicorn, nginx), as httpx's default:
            # reusing a connection the server is closing costs a failed attempt.
            keepalive_timeout=self.limits.keepalive_expiry or 5.0,
            ssl=self.ssl_context,
        )
        # No cookie jar: each request carries exactly the headers our layers set.
        return aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar(), auto_decompress=False
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = [(k, v) for k, v in request.headers.multi_items() if k != "transfer-encoding"]
        # The lane holds bulk work for an answer due now (``gateway.lane``).
        with _mapped(request), lane().awaiting(request.url.netloc):
            async with self._session().request(
                request.method,
                yarl.URL(str(request.url), encoded=True),
                headers=headers,
                data=_body(request),
                allow_redirects=False,
                compress=False,
                timeout=_timeout(request.extensions.get("timeout", {})),
            ) as response:
                # Read whole here: the body comes under the attempt's bounds (and its retries),
                # the connection goes back to the pool at once, and httpx reads one chunk
                # instead of a chain of async generators over aiohttp's stream.
                body = await response.read()
        extensions: dict[str, Any] = {"http_version": b"HTTP/1.1"}
        if response.reason:
            extensions["reason_phrase"] = response.reason.encode("ascii", "replace")
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=httpx.ByteStream(body),
            request=request,
            extensions=extensions,
        )


async def _connect(session: aiohttp.ClientSession, url: yarl.URL) -> None:
    """One pooled connection to ``url``'s origin, keyed as the session's own requests to it
    are (``BaseConnector.connect`` with a bare request: same host, port, scheme and TLS
    settings), released at once so the next request there takes it."""
    request = aiohttp.ClientRequest("GET", url, loop=asyncio.get_running_loop(), session=session)
    try:
        # ``connector`` is typed optional; ``get_client`` always gives the session one.
        connection = await session.connector.connect(  # type: ignore[union-attr]
            request, [], aiohttp.ClientTimeout(total=PRECONNECT_TIMEOUT)
        )
    except (aiohttp.ClientError, OSError, TimeoutError):
        return
    connection.release()


def _body(request: httpx.Request) -> bytes | AsyncIterator[bytes] | None:
    try:
        return request.content or None
    except httpx.RequestNotRead:
        return _stream(request)


async def _stream(request: httpx.Request) -> AsyncIterator[bytes]:
    assert isinstance(request.stream, httpx.AsyncByteStream)
    async for chunk in request.stream:
        yield chunk


def _timeout(phases: Mapping[str, float | None]) -> aiohttp.ClientTimeout:
    connect, pool = phases.get("connect"), phases.get("pool")
    acquire = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(
        total=None, connect=acquire, sock_connect=connect, sock_read=phases.get("read")
    )


def default_network(max_connections: int) -> httpx.AsyncBaseTransport:
    """The network ``build_client`` uses when no transport is given."""
    return AiohttpNetwork(
        limits=httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
    )

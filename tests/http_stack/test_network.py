"""The aiohttp network under the stack, against a real loopback server: every failure arrives
as the httpx exception the layers above expect, timeouts come from the request's extensions,
connections are reused, bodies are read whole and the session is closed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx
import orjson
import pytest
import yarl
from multidict import CIMultiDict, CIMultiDictProxy
from starlette.types import Receive, Scope, Send

from gateway.errors import UpstreamUnavailable
from gateway.http import ClientOptions, SlidingWindowLimiter, Upstream, build_client, deadline_scope
from gateway.http.network import AiohttpNetwork, _mapped, default_network
from gateway.lane import lane
from tests.conftest import free_port, serve

BIG = b"x" * 1_000_000


async def _start(send: Send, length: int) -> None:
    headers = [(b"content-length", str(length).encode()), (b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})


async def vendor(scope: Scope, receive: Receive, send: Send) -> None:
    """``/ok`` names the client port (which connection served it), ``/slow`` answers late,
    ``/stall`` stops mid-body, ``/cut`` hangs up mid-body, ``/big`` sends 1 MB, ``/echo``
    returns the request body."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/slow":
        await asyncio.sleep(1)
    body = orjson.dumps({"port": scope["client"][1]})
    if path == "/big":
        body = BIG
    elif path == "/echo":
        message = await receive()
        body = message.get("body", b"")
    elif path in ("/stall", "/cut"):
        await _start(send, 100_000)
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        if path == "/cut":
            raise RuntimeError("the server dies mid-body")  # uvicorn drops the connection
        await asyncio.sleep(1)
        return
    await _start(send, len(body))
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    with serve(vendor) as url:
        yield url


@pytest.fixture
async def network() -> AsyncIterator[AiohttpNetwork]:
    transport = AiohttpNetwork(limits=httpx.Limits(max_connections=1))
    yield transport
    await transport.aclose()


def timeouts(seconds: float) -> dict[str, dict[str, float]]:
    return {"timeout": {"connect": seconds, "read": seconds, "write": seconds, "pool": seconds}}


async def fetch(network: AiohttpNetwork, url: str, seconds: float = 5.0) -> httpx.Response:
    client = httpx.AsyncClient(transport=network)  # not closed: closing it closes the network
    return await client.send(client.build_request("GET", url, extensions=timeouts(seconds)))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("/slow", httpx.ReadTimeout, id="no-headers-in-time"),
        pytest.param("/stall", httpx.ReadTimeout, id="body-stalls"),
        pytest.param("/cut", httpx.RemoteProtocolError, id="closed-mid-body"),
    ],
)
async def test_server_failures_map_to_httpx_errors(
    network: AiohttpNetwork, root: str, path: str, expected: type[Exception]
) -> None:
    started = time.monotonic()
    with pytest.raises(expected) as caught:
        await fetch(network, root + path, seconds=0.3)
    assert isinstance(caught.value, httpx.TransportError)
    assert time.monotonic() - started < 1.5  # the extension's 0.3 s, not a default timeout


_URL = yarl.URL("http://vendor/x")
_INFO = aiohttp.RequestInfo(_URL, "GET", CIMultiDictProxy(CIMultiDict()), _URL)


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        pytest.param(aiohttp.ConnectionTimeoutError(), httpx.ConnectTimeout, id="connect-timeout"),
        pytest.param(aiohttp.SocketTimeoutError(), httpx.ReadTimeout, id="sock-read-timeout"),
        pytest.param(TimeoutError(), httpx.ReadTimeout, id="bare-timeout"),
        pytest.param(aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError, id="hung-up"),
        pytest.param(aiohttp.ClientPayloadError("x"), httpx.RemoteProtocolError, id="bad-body"),
        pytest.param(
            aiohttp.ClientResponseError(_INFO, ()), httpx.RemoteProtocolError, id="bad-head"
        ),
        pytest.param(aiohttp.ClientOSError(104, "reset"), httpx.ReadError, id="reset"),
        pytest.param(
            aiohttp.NonHttpUrlClientError("ftp://x"), httpx.UnsupportedProtocol, id="scheme"
        ),
        pytest.param(aiohttp.InvalidURL("::"), httpx.UnsupportedProtocol, id="invalid-url"),
        pytest.param(aiohttp.ClientError("x"), httpx.TransportError, id="any-other"),
    ],
)
def test_each_aiohttp_failure_maps_to_its_httpx_error(
    raised: Exception, expected: type[httpx.TransportError]
) -> None:
    """The most specific row wins (a connect timeout is not a read timeout); cause chained."""
    request = httpx.Request("GET", str(_URL))
    with pytest.raises(expected) as caught, _mapped(request):
        raise raised
    assert type(caught.value) is expected
    assert caught.value.__cause__ is raised and caught.value.request is request


def test_errors_of_our_own_pass_through_unmapped() -> None:
    with pytest.raises(ValueError), _mapped(httpx.Request("GET", str(_URL))):
        raise ValueError("not the network's")


async def test_connection_refused_is_a_connect_error(network: AiohttpNetwork) -> None:
    with pytest.raises(httpx.ConnectError):
        await fetch(network, f"http://127.0.0.1:{free_port()}/")


async def test_waiting_for_a_pooled_connection_times_out(
    network: AiohttpNetwork, root: str
) -> None:
    busy = asyncio.create_task(fetch(network, root + "/slow"))  # holds the only connection
    await asyncio.sleep(0.2)
    with pytest.raises(httpx.TimeoutException):
        await fetch(network, root + "/ok", seconds=0.2)
    busy.cancel()


async def test_connections_are_kept_alive_and_bodies_read_whole(
    network: AiohttpNetwork, root: str
) -> None:
    ports = [(await fetch(network, root + "/ok")).json()["port"] for _ in range(3)]
    assert len(set(ports)) == 1
    assert (await fetch(network, root + "/big")).content == BIG
    assert (await fetch(network, root + "/ok")).json()["port"] == ports[0]


async def test_request_body_and_headers_reach_the_server(
    network: AiohttpNetwork, root: str
) -> None:
    async with httpx.AsyncClient(transport=network) as client:
        response = await client.post(root + "/echo", json={"hours": 1.5})
    assert response.json() == {"hours": 1.5}


async def test_aclose_closes_the_session(root: str) -> None:
    transport = AiohttpNetwork(limits=httpx.Limits(max_connections=2))
    await fetch(transport, root + "/ok")
    session = transport.client
    await transport.aclose()
    assert session is not None and getattr(session, "closed", False)


@pytest.mark.parametrize("path", ["/slow", "/stall"], ids=["no-headers", "body-stalls"])
async def test_the_stack_fails_a_slow_vendor_at_the_request_deadline(root: str, path: str) -> None:
    client = build_client(
        ClientOptions(base_url=root, user_agent="t"),
        limiter=SlidingWindowLimiter(100, 1),
        transport=default_network(10),
    )
    upstream = Upstream("slowvendor", client)
    started = time.monotonic()
    with deadline_scope(0.4), pytest.raises(UpstreamUnavailable, match="did not answer in time"):
        await upstream.get(path)
    assert time.monotonic() - started < 1.5
    await upstream.aclose()


class CountingServer:
    """A bare HTTP/1.1 server that counts the connections it accepts; answers ``{}`` to each
    request, keeping the connection open."""

    def __init__(self) -> None:
        self.connections = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()


async def test_a_preconnected_connection_serves_the_next_request(network: AiohttpNetwork) -> None:
    counting = CountingServer()
    server = await asyncio.start_server(counting.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        network.preconnect(httpx.URL(f"http://127.0.0.1:{port}/v2"))
        for _ in range(100):  # opened in the background, without a request
            if counting.connections:
                break
            await asyncio.sleep(0.01)
        assert counting.connections == 1
        response = await fetch(network, f"http://127.0.0.1:{port}/v2/things")
        assert response.status_code == 200 and counting.connections == 1  # no second connect
    finally:
        server.close()
        await server.wait_closed()


async def test_a_preconnect_that_fails_leaves_the_request_to_fail_as_it_would(
    network: AiohttpNetwork,
) -> None:
    port = free_port()  # nothing listens there
    network.preconnect(httpx.URL(f"http://127.0.0.1:{port}/"))
    await asyncio.sleep(0.05)  # the background connect is refused, silently
    with pytest.raises(httpx.ConnectError):
        await fetch(network, f"http://127.0.0.1:{port}/ok")


async def test_the_lane_expects_each_answer_until_it_arrives(
    network: AiohttpNetwork, root: str
) -> None:
    # The lane holds bulk work for an answer due now (``Lane.expect``): every request is
    # expected from its send, as long as its origin's last answer took, and no longer once
    # it is in, whether it came whole or failed.
    expected = lane()
    origin = httpx.URL(root).netloc
    await fetch(network, f"{root}/ok")
    round_trip = expected.round_trip(origin)
    assert round_trip is not None and round_trip > 0
    with pytest.raises(httpx.RemoteProtocolError):
        await fetch(network, f"{root}/cut")
    assert expected.expecting() == 0

"""What each fault does to one request, at the ASGI level (the plan decides, this module acts).

Bodies are generic JSON (``{"error": ..., "message": ...}``): a fault is the simulator talking,
not the vendor, except where the vendor app's own answer is altered (``truncated``,
``malformed_json``) or let through (``expired_token`` on vendors with tokens).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Headers = list[tuple[bytes, bytes]]
# Rewrites a complete response's headers and body; the status is kept.
Transform = Callable[[Headers, bytes], tuple[Headers, bytes]]


class ConnectionDropped(Exception):
    """Raised after the status line is sent, so the server cuts the connection mid-response.

    Uvicorn closes a connection whose application raised after starting its response; in
    process, :class:`~gateway.simulators.kit.transport.SimulatorTransport` turns this into
    ``httpx.RemoteProtocolError``, what a client sees for a real cut.
    """


class _OneLineDrops(logging.Filter):
    """Uvicorn logs an application error with its traceback; a planned drop is not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], ConnectionDropped):
            record.msg, record.args = "fault injected by the simulator: connection dropped", ()
            record.exc_info, record.exc_text, record.levelno = None, None, logging.INFO
            record.levelname = "INFO"
        return True


def quiet_drop_logs(logger_name: str = "uvicorn.error") -> None:
    """Log dropped connections as one INFO line instead of a traceback (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, _OneLineDrops) for f in logger.filters):
        logger.addFilter(_OneLineDrops())


@dataclass(slots=True)
class ASGICall:
    """One request on its way to the vendor app ``app``."""

    scope: Scope
    receive: Receive
    send: Send
    app: ASGIApp

    async def respond(self, response: Response) -> None:
        await response(self.scope, self.receive, self.send)

    async def forward(self, transform: Transform | None = None) -> None:
        """Let the vendor app answer; with ``transform``, alter its complete response first."""
        if transform is None:
            await self.app(self.scope, self.receive, self.send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                headers, body = transform(list(start.get("headers", [])), b"".join(chunks))
                await self.send({**start, "headers": headers})
                await self.send({"type": "http.response.body", "body": body})

        await self.app(self.scope, self.receive, buffer)


def _error(status: int, error: str, headers: dict[str, str] | None = None) -> JSONResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:  # a status Python does not name, such as 599
        phrase = "Error"
    body = {"error": error, "message": f"{phrase} (fault injected by the simulator)"}
    return JSONResponse(body, status_code=status, headers=headers)


def _retry_after(seconds: int | None) -> dict[str, str]:
    return {} if seconds is None else {"Retry-After": str(seconds)}


async def rate_limited(call: ASGICall, retry_after: int | None) -> None:
    await call.respond(_error(429, "rate_limited", _retry_after(retry_after)))


async def error_status(call: ASGICall, status: int, retry_after: int | None) -> None:
    await call.respond(_error(status, "simulated_fault", _retry_after(retry_after)))


async def invalid_token(call: ASGICall) -> None:
    # RFC 6750 §3.1: an expired token is "invalid_token", announced in WWW-Authenticate.
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
    body = {"error": "invalid_token", "message": "The access token expired"}
    await call.respond(JSONResponse(body, status_code=401, headers=headers))


async def html_page(call: ASGICall, status: int) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Service maintenance</title></head>"
        "<body><h1>We'll be back soon</h1><p>This service is undergoing maintenance.</p>"
        "</body></html>"
    )
    await call.respond(HTMLResponse(page, status_code=status))


async def hang(call: ASGICall, seconds: float) -> None:
    """No answer for ``seconds``, then a 504; return at once if the client goes away."""
    try:
        await asyncio.wait_for(_disconnected(call.receive), seconds)
    except TimeoutError:
        await call.respond(_error(504, "gateway_timeout"))


async def _disconnected(receive: Receive) -> None:
    # The request body was already read, so the next event is the disconnect (uvicorn sends
    # it when the socket closes; httpx's ASGITransport once the response is complete).
    while (await receive())["type"] != "http.disconnect":
        pass


async def drop(call: ASGICall) -> None:
    await call.send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    raise ConnectionDropped("fault injected by the simulator: connection dropped")


def truncate(headers: Headers, body: bytes) -> tuple[Headers, bytes]:
    cut = body[: len(body) // 2]
    return _set(headers, b"content-length", str(len(cut)).encode()), cut


def malform(headers: Headers, body: bytes) -> tuple[Headers, bytes]:
    """Strict JSON parsers reject a trailing comma; a non-container body gets a stray brace."""
    text = body.rstrip()
    bad = text[:-1] + b"," + text[-1:] if text[-1:] in (b"}", b"]") else b"{" + text
    headers = _set(headers, b"content-type", b"application/json")
    return _set(headers, b"content-length", str(len(bad)).encode()), bad


def _set(headers: Headers, name: bytes, value: bytes) -> Headers:
    return [(k, v) for k, v in headers if k.lower() != name] + [(name, value)]

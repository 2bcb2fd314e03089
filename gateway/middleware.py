"""Per-request plumbing: a request id, the GraphQL deadline, one access-log line.

Pure ASGI and lean, since every request pays for it: one pass over the headers, a request id
from a per-process random prefix and a counter (no ``os.urandom`` call per request), and the
log record built only when the access log is enabled.
"""

from __future__ import annotations

import itertools
import logging
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.http.critical import critical_scope
from gateway.http.deadline import deadline_scope
from gateway.logs import request_id

log = logging.getLogger("hourglass.access")

# Unique across replicas (random prefix) and within the process (counter); not a secret.
_PREFIX = uuid.uuid4().hex[:12]
_COUNTER = itertools.count(1)
_MAX_ID = 64


class RequestContext:
    """Tags each HTTP request with an id (the client's ``X-Request-ID`` if printable, else
    ours), echoes it on the response, runs paths under ``deadline_prefix`` within ``deadline``
    seconds, and logs one access line with the status and the response cache's verdict."""

    def __init__(self, app: ASGIApp, *, deadline: float, deadline_prefix: str = "/graphql") -> None:
        self.app = app
        self.deadline = deadline
        self.deadline_prefix = deadline_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = _incoming_id(scope["headers"]) or f"{_PREFIX}{next(_COUNTER):x}"
        rid_header = (b"x-request-id", rid.encode())
        token = request_id.set(rid)
        status = 500
        cache = ""
        started = time.perf_counter()

        async def tagged_send(message: Message) -> None:
            nonlocal status, cache
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                for name, value in headers:
                    if name == b"x-hourglass-cache":
                        cache = value.decode("latin-1")
                headers.append(rid_header)
            await send(message)

        path: str = scope["path"]
        try:
            if path.startswith(self.deadline_prefix):
                with deadline_scope(self.deadline), critical_scope():
                    await self.app(scope, receive, tagged_send)
            else:
                await self.app(scope, receive, tagged_send)
        finally:
            if log.isEnabledFor(logging.INFO):
                fields = {
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                }
                if cache:
                    fields["cache"] = cache
                _access_line(fields)
            request_id.reset(token)


def _access_line(fields: dict[str, object]) -> None:
    # log.info without its stack walk (findCaller, ~3 us): the line always comes from here.
    extra = {"fields": fields}
    log.handle(
        log.makeRecord(log.name, logging.INFO, __file__, 0, "request", (), None, extra=extra)
    )


def _incoming_id(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            incoming = value[:_MAX_ID].decode("latin-1")
            return incoming if incoming.isprintable() else ""
    return ""

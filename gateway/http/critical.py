"""Critical path first: within one GraphQL request, a token exchange goes before decoding.

A cold query that reads Hubstaff waits for two round trips in a row (the token, then the
activities), while every other vendor needs one. Their answers arrive while the token is in
flight, and on the one event loop their decoding and mapping (the dashboard's ~1 MB of JSON,
~10 ms here) ran ahead of the token's answer and of the request it unblocks: the activities
left 5-10 ms late, and the whole query ended that much later. Those answers are needed only
once the last one is in, so within the request that started an exchange (``hold``), an
answer is decoded (``settled``) once the exchanges it holds have ended. Nothing is waited for
that the query does not wait for anyway; other requests are not held back.

The scope is the request's context (``critical_scope``, set next to its deadline); tasks
the request spawns inherit it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from gateway.http.deadline import remaining

# Per request: each exchange held, and what releases its decoding (``hold``).
_held: ContextVar[dict[asyncio.Future[Any], asyncio.Future[None]] | None] = ContextVar(
    "hourglass_critical", default=None
)


@contextmanager
def critical_scope() -> Iterator[None]:
    """Run the block as one request whose ``hold`` calls gate its ``settled`` calls."""
    token = _held.set({})
    try:
        yield
    finally:
        _held.reset(token)


# Loop passes between an exchange's end and the release of what its request holds. Its
# waiters are woken through callbacks: ``asyncio.shield``'s relay in the first pass, the
# waiting task in the second, which sends the request the token unblocks; the release comes
# after that, so that answers arriving in those passes are not decoded ahead of it either.
RELEASE_PASSES = 3


def hold(flight: asyncio.Future[Any]) -> None:
    """Gate the current request's decoding until ``flight`` (a token exchange) has ended and
    its waiters have sent what it unblocks.

    ``flight`` must not itself wait on ``settled`` in this request: an exchange runs outside
    the scope (``outside``)."""
    held = _held.get()
    if held is None or flight in held:  # each listing of the request holds it again
        return
    loop = asyncio.get_running_loop()
    released: asyncio.Future[None] = loop.create_future()

    def release(passes: int) -> None:
        if passes:
            loop.call_soon(release, passes - 1)
        elif not released.done():
            released.set_result(None)

    flight.add_done_callback(lambda _: release(RELEASE_PASSES - 1))
    held[flight] = released


async def settled() -> None:
    """Return once the exchanges the current request holds have ended (at once if none), or
    at the request's deadline.

    An exchange ending wakes its own waiters first (they asked before this did), so the
    request it unblocks is on its way before the answers held here are decoded."""
    held = _held.get()
    if not held:
        return
    pending = [f for f in held.values() if not f.done()]
    if pending:
        # Never past the request's deadline: then the answer is decoded however the
        # exchange is doing (its own timeouts may be longer).
        left = remaining()
        await asyncio.wait(pending, timeout=None if left is None else max(0.0, left))
    else:
        held.clear()  # all ended: the answers after these go straight on


def outside() -> None:
    """Leave the scope in the current context: for a task started from a request that must
    not wait for what the request holds (the exchange itself)."""
    _held.set(None)

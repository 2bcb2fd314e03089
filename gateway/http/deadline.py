"""The per-GraphQL-request deadline, carried in a context variable.

Set once per incoming request (the app's middleware); every layer below reads it: the limiter
refuses waits that would outlive it, retries stop before it, and each attempt's timeout is
clipped to what is left. Tasks spawned with ``asyncio.gather`` inherit it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_deadline: ContextVar[float | None] = ContextVar("hourglass_deadline", default=None)


@contextmanager
def deadline_scope(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline ``seconds`` from now (``None``: no deadline).

    A nested scope can only shorten the deadline, never extend it.
    """
    if seconds is None:
        yield
        return
    expiry = time.monotonic() + seconds
    current = _deadline.get()
    token = _deadline.set(expiry if current is None else min(current, expiry))
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (may be <= 0), or ``None`` without one."""
    expiry = _deadline.get()
    return None if expiry is None else expiry - time.monotonic()

"""A listing read through is answered a page ahead: while the client reads one page, the
next is computed, so that its request finds it done.

A report or a sync reads a range through (``from`` given) page by page, passing each page's
``endCursor`` back in the variable its ``after`` argument reads. The gateway keeps such a
listing for its next page (``gateway.continuations``) and reads its sources on meanwhile, so
what was left for the next request was the page's own work: merging, completing, encoding
(~10 ms for a month's second page of ~3,700 entries here), after the client had decoded the
page before (~8 ms for 5,000 entries). Now, once a page is sent, the same operation with the
next cursor runs at once, and its answer is held for that one request (``NextPages``). Not
before it is sent: the loop writes a large page as the client reads it, and this work held
that up.

It is the answer that request would get: it resumes the same kept listing, whose sources
were read before either. It is held no longer than the listing itself would have been kept
(``continuations.DEFAULT_TTL``), so a client that comes back late finds it as it would have
found the listing; writes drop it, as they drop stored responses. One page ahead, no more:
a page taken from here sets off the next, a page computed ahead does not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, ValueNode, VariableNode
from graphql.language import NullValueNode

from gateway.continuations import DEFAULT_TTL
from gateway.response_cache import Outcome

log = logging.getLogger("hourglass.next_page")

# At most this many answers held at once: each is a page's encoded body (a month's first
# page: ~1.3 MB). The oldest goes first.
MOST_HELD = 8

# An answer and the variables of the page after it (None: the last page).
Answer = tuple[Outcome, dict[str, Any] | None]


def next_variables(
    operation: OperationDefinitionNode, variables: Mapping[str, Any] | None, data: Any
) -> dict[str, Any] | None:
    """The variables of the request for the page after ``data``'s, when ``operation`` reads
    one listing through: exactly one root field takes ``after`` (from a variable), it has a
    ``from``, and its answer says a next page starts after ``endCursor``. None otherwise: a
    dashboard's latest entries (no ``from``) are not paged on by its clients."""
    found: tuple[str, str] | None = None
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            return None  # a fragment at the root: which field pages is not plain
        arguments = {a.name.value: a.value for a in selection.arguments or ()}
        after = arguments.get("after")
        if after is None:
            continue
        if found is not None or not isinstance(after, VariableNode):
            return None
        if not _given(arguments.get("from"), variables):
            return None
        found = (selection.alias or selection.name).value, after.name.value
    if found is None or not isinstance(data, dict):
        return None
    field, variable = found
    page = data.get(field)
    info = page.get("pageInfo") if isinstance(page, dict) else None
    if not isinstance(info, dict) or info.get("hasNextPage") is not True:
        return None
    cursor = info.get("endCursor")
    if not isinstance(cursor, str):
        return None
    return {**(variables or {}), variable: cursor}


def _given(value: ValueNode | None, variables: Mapping[str, Any] | None) -> bool:
    if value is None or isinstance(value, NullValueNode):
        return False
    if isinstance(value, VariableNode):
        return (variables or {}).get(value.name.value) is not None
    return True


class NextPages:
    """Answers computed ahead, by response cache key, each for one request."""

    def __init__(self, *, hold: float = DEFAULT_TTL, most: int = MOST_HELD) -> None:
        self._hold = hold
        self._most = most
        self._held: dict[bytes, tuple[asyncio.Task[Answer | None], asyncio.TimerHandle]] = {}

    def __len__(self) -> int:
        return len(self._held)

    def start(self, key: bytes, compute: Callable[[], Awaitable[Answer | None]]) -> None:
        """Compute the answer for ``key`` now (in a task of its own, in the caller's context:
        its request's deadline), unless it is under way already."""
        if key in self._held or self._most <= 0:
            return
        while len(self._held) >= self._most:
            self._drop(next(iter(self._held)))
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(_quietly(compute))
        self._held[key] = task, loop.call_later(self._hold, self._drop, key)

    async def take(self, key: bytes) -> Answer | None:
        """The answer computed ahead for ``key`` (waited for if still under way), once; None
        when there is none, or it failed: then the request computes its own."""
        held = self._held.pop(key, None)
        if held is None:
            return None
        task, timer = held
        timer.cancel()
        try:
            # Shielded: a request cancelled while it waits (its client gone) leaves the
            # answer to finish, as its own execution would have been cancelled instead.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise  # this request was cancelled, not the computation
            return None

    def clear(self) -> None:
        """Drop every answer held (a write may have changed what they show)."""
        for key in list(self._held):
            self._drop(key)

    def _drop(self, key: bytes) -> None:
        held = self._held.pop(key, None)
        if held is not None:
            task, timer = held
            timer.cancel()
            task.cancel()  # a computation under way: its listing is closed


async def _quietly(compute: Callable[[], Awaitable[Answer | None]]) -> Answer | None:
    """``compute()``, or None if it fails: the request then computes its own answer, and
    reports its own failure; one never asked for fails unseen (no unretrieved exception)."""
    try:
        return await compute()
    except Exception:
        log.debug("computing a next page ahead failed", exc_info=True)
        return None

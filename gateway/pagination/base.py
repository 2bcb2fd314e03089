"""The shared page loop and the types every paginator speaks."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

import httpx

from gateway.tasks import cancel_and_wait

DEFAULT_MAX_PAGES = 10_000

# Pages fetched ahead at once when the first page says how many there are. Enough to turn a
# report of a few pages into one more round trip instead of one per page; few enough that a
# long report is not a burst that trips a vendor's per-second rate limit, and that a slow
# consumer holds at most this many decoded pages in memory.
MAX_IN_FLIGHT = 8


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Where a page is asked for. ``params`` is a tuple of pairs so requests are hashable
    (loop detection) and repeatable keys (``user_ids[]``) survive."""

    url: str
    params: tuple[tuple[str, str], ...] = ()
    method: str = "GET"
    json: Any = field(default=None, hash=False, compare=False)
    json_key: str = ""  # a canonical text of ``json`` for hashing (set by with_json)

    def with_params(self, **updates: str | int | None) -> PageRequest:
        """A copy with ``updates`` replacing same-named params (``None`` removes one)."""
        kept = tuple((k, v) for k, v in self.params if k not in updates)
        added = tuple((k, str(v)) for k, v in updates.items() if v is not None)
        return replace(self, params=kept + added)

    def with_json(self, body: Mapping[str, Any]) -> PageRequest:
        return replace(self, json=dict(body), json_key=repr(sorted(body.items())))

    def param(self, name: str) -> str | None:
        return next((v for k, v in reversed(self.params) if k == name), None)


@dataclass(frozen=True, slots=True)
class Page:
    """One decoded page: its items (extracted by the connector), the raw body and headers."""

    request: PageRequest
    items: list[Any]
    body: Any
    headers: httpx.Headers


class Paginator(Protocol):
    def next_request(self, page: Page) -> PageRequest | None:
        """The request for the page after ``page``, or ``None`` when it was the last."""


@runtime_checkable
class KnowsRemaining(Protocol):
    """An optional capability of a paginator: pages whose first page gives the total.

    Pages 2..k then depend on nothing but the first, so :func:`paginate` fetches them
    together instead of one round trip each.
    """

    def remaining(self, page: Page) -> list[PageRequest] | None:
        """Given the FIRST page, the requests for every page after it, in order ([] when it
        was the only one); ``None`` when the total is unknown (the loop then goes page by
        page with ``next_request``)."""


class PeeksNext(Protocol):
    """An optional capability of a paginator: the next request read off a page's raw body,
    before it is decoded, so that it can be on its way while the page is decoded
    (:func:`gateway.connectors.paging.read_pages`). A guess, checked against
    ``next_request`` once the page is decoded."""

    def next_request(self, page: Page) -> PageRequest | None: ...

    def peek(self, request: PageRequest, raw: bytes) -> PageRequest | None:
        """The request the raw body of the page ``request`` answered names next; ``None``
        when it names none that can be read without decoding it."""


class PaginationError(Exception):
    """The vendor's pagination misbehaved (a repeated page, no end in sight)."""


Fetch = Callable[[PageRequest], Awaitable[Page]]


async def paginate(
    fetch: Fetch,
    first: PageRequest,
    paginator: Paginator,
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    eager: bool = False,
) -> AsyncGenerator[Page, None]:
    """Fetch pages from ``first`` on, as long as ``paginator`` asks for more, in order.

    When the paginator knows from the first page how many follow (:class:`KnowsRemaining`),
    those are fetched concurrently, at most ``MAX_IN_FLIGHT`` at a time, and each is yielded
    as soon as it and every page before it arrived. Otherwise each page is asked for once the
    one before it names it; ``eager`` (a caller that reads every page) asks for it before
    handing back the page that names it, so the caller's work on a page overlaps the next
    round trip instead of delaying it. Closing the generator early, or a failed fetch,
    cancels and reaps every fetch still in flight.

    Raises ``PaginationError`` if the paginator asks for a page it already fetched (a vendor
    returning the same cursor forever) or for more than ``max_pages`` pages.
    """
    seen: set[PageRequest] = set()
    admit(seen, [first], max_pages)
    page = await fetch(first)
    rest = paginator.remaining(page) if isinstance(paginator, KnowsRemaining) else None
    if rest:
        yield page
        # Refused up front: a total beyond the cap is not worth fetching the first pages of.
        admit(seen, rest, max_pages)
        ahead = _Ahead(fetch, rest)
        try:
            for _ in rest:
                page = await ahead.next()
                yield page
                request = paginator.next_request(page)
                # A page that says it was the last before the last one planned (the total
                # shrank since the first page) ends the walk, as it would have page by page;
                # the pages after it are cancelled unread.
                if request is None:
                    return
        finally:
            await ahead.close()
        # After the last planned page the paginator still asks for more only if the total
        # grew meanwhile (its full last page reports a bigger one): go on page by page from
        # there so no item is lost.
        assert request is not None  # ``rest`` is not empty: the loop ran, and did not return
        admit(seen, [request], max_pages)
        page = await fetch(request)
    # ``page`` is fetched and not yet handed back; from here on, one request at a time.
    upcoming: asyncio.Future[Page] | None = None
    try:
        while True:
            request = paginator.next_request(page)
            if request is None:
                yield page
                return
            try:
                admit(seen, [request], max_pages)
            except PaginationError:
                yield page  # refused is the page it names, not this one
                raise
            if eager:
                upcoming = asyncio.ensure_future(fetch(request))
                # A task runs only when this one yields to the loop: let it put the request
                # on the wire now, not after the caller's work on this page.
                await asyncio.sleep(0)
            yield page
            if upcoming is None:
                page = await fetch(request)
            else:
                page, upcoming = await upcoming, None
    finally:
        if upcoming is not None:  # closed early: the page asked for ahead is not wanted
            await cancel_and_wait(upcoming)


def admit(seen: set[PageRequest], requests: list[PageRequest], max_pages: int) -> None:
    """Record ``requests`` as fetched, refusing a page already fetched or one past the cap
    (``PaginationError``): every loop over pages checks its requests with this."""
    fresh = set(requests)
    if len(fresh) < len(requests) or not seen.isdisjoint(fresh):
        raise PaginationError("the vendor pointed back to a page it already returned")
    if len(seen) + len(fresh) > max_pages:
        raise PaginationError(f"more than {max_pages} pages: stopped")
    seen |= fresh


class _Ahead:
    """Fetches ``requests`` at most ``MAX_IN_FLIGHT`` at a time and hands the pages back in
    request order; the next request starts as soon as the oldest page is taken."""

    def __init__(self, fetch: Fetch, requests: Iterable[PageRequest]) -> None:
        self._fetch = fetch
        self._waiting = iter(requests)
        self._running: deque[asyncio.Future[Page]] = deque()
        for _ in range(MAX_IN_FLIGHT):
            self._start_one()

    def _start_one(self) -> None:
        request = next(self._waiting, None)
        if request is not None:
            self._running.append(asyncio.ensure_future(self._fetch(request)))

    async def next(self) -> Page:
        page = await self._running[0]
        self._running.popleft()
        self._start_one()
        return page

    async def close(self) -> None:
        """Cancel what is still in flight and wait for it, so no task outlives the walk and
        no failure of a page nobody read is left unretrieved."""
        await cancel_and_wait(*self._running)
        self._running.clear()

"""Glue between the sans-I/O pagination loop and a source's ``Upstream``."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

import httpx

from gateway.errors import UpstreamBadResponse
from gateway.http.upstream import Upstream, UpstreamResponse
from gateway.lane import lane
from gateway.pagination import (
    DEFAULT_MAX_PAGES,
    Page,
    PageRequest,
    PaginationError,
    Paginator,
    PeeksNext,
    admit,
    paginate,
)

Extract = Callable[[Any], list[Any]]


def items_at(key: str) -> Extract:
    """Items under ``key`` of an object body (``{"users": [...], ...}``)."""

    def extract(body: Any) -> list[Any]:
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise TypeError(f"expected a list under {key!r}")
        return items

    return extract


async def fetch_page(upstream: Upstream, request: PageRequest, extract: Extract) -> Page:
    response = await _ask(upstream, request, expect_json=True)
    return _page(upstream, request, response.body, response.headers, extract)


async def _ask(upstream: Upstream, request: PageRequest, *, expect_json: bool) -> UpstreamResponse:
    return await upstream.request(
        request.method,
        request.url,
        params=list(request.params) or None,
        json=request.json,
        idempotent=True,
        expect_json=expect_json,
    )


def _page(
    upstream: Upstream, request: PageRequest, body: Any, headers: httpx.Headers, extract: Extract
) -> Page:
    try:
        items = extract(body)
    except (TypeError, KeyError, AttributeError) as exc:
        raise UpstreamBadResponse(
            upstream.source, f"source {upstream.source!r} answered a page of an unexpected shape"
        ) from exc
    return Page(request=request, items=items, body=body, headers=headers)


async def iterate_items(
    upstream: Upstream, first: PageRequest, paginator: Paginator, extract: Extract
) -> AsyncIterator[Any]:
    """Every item of every page, in order."""
    async for items in iterate_pages(upstream, first, paginator, extract):
        for item in items:
            yield item


async def collect_items(
    upstream: Upstream, first: PageRequest, paginator: Paginator, extract: Extract
) -> list[Any]:
    """Every item of every page, in order, as one list: a page at a time, not an item (an
    async step per item is most of the cost of collecting 500-item pages)."""
    found: list[Any] = []
    async for items in iterate_pages(upstream, first, paginator, extract, eager=True):
        found += items
    return found


async def read_pages(
    upstream: Upstream,
    first: PageRequest,
    paginator: PeeksNext,
    extract: Extract,
    read: Callable[[list[Any]], None],
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> list[Any]:
    """Every item of every page, in order, as one list; each page's items are also handed to
    ``read`` as the page is decoded, in page order.

    The next page is asked for before this one is decoded: the paginator reads it off the raw
    body (``peek``), this task sends it at once, and the page is decoded, extracted and read
    after that, as bulk work (``gateway.lane``). Reading a 500-activity Hubstaff page takes
    ~3 ms here, and a month's windows answer together: read ahead of another window's answer
    (as when it was decoded before being asked for), it held up that window's next request
    as well. Each guess is checked against the decoded page's ``next_request`` before its
    answer is used: a wrong one's answer is dropped and the page the body does name is asked
    for (one call more, only for a body that misleads the peek). Where the body names nothing
    to peek at, the page is decoded first.

    A page that fails to decode, extract or be read fails the walk, in this task, once the
    request in flight has answered. Repeated pages and more than ``max_pages`` are refused as
    :func:`gateway.pagination.paginate` refuses them.
    """
    read_lane = lane()
    seen: set[PageRequest] = set()
    named: dict[PageRequest, PageRequest | None] = {}  # what each decoded page names next
    unread: deque[tuple[PageRequest, UpstreamResponse]] = deque()  # answered, in order
    decoded: deque[list[Any]] = deque()  # pages' items not handed to ``read`` yet, in order
    failed: list[Exception] = []
    found: list[Any] = []

    def decode_next() -> None:
        if unread and not failed:
            request, response = unread.popleft()
            try:
                raw: bytes = response.body
                page = _page(upstream, request, upstream.decode(raw), response.headers, extract)
                named[request] = paginator.next_request(page)
                found.extend(page.items)
            except Exception as exc:  # raised below, in the walk's task
                failed.append(exc)
                return
            decoded.append(page.items)

    def read_next() -> None:
        if decoded and not failed:
            try:
                read(decoded.popleft())
            except Exception as exc:
                failed.append(exc)

    def read_all() -> None:
        while (decoded or unread) and not failed:
            if decoded:  # those pages came first
                read_next()
            else:
                decode_next()
        if failed:
            raise failed[0]

    async def ask(request: PageRequest) -> UpstreamResponse:
        try:
            admit(seen, [request], max_pages)
        except PaginationError as exc:
            raise _inconsistent(upstream, exc) from exc
        return await _ask(upstream, request, expect_json=False)

    request, response = first, await ask(first)
    try:
        while True:
            unread.append((request, response))
            ahead = paginator.peek(request, response.body)
            if ahead in seen or len(seen) >= max_pages:
                ahead = None  # a guess the walk would refuse: only the decoded page can say
            if ahead is None:
                read_all()
                ahead = named[request]
                if ahead is None:
                    return found
            else:
                # Once the next request is on its way; decoding and reading in a slice each
                # (~1 ms apiece for a Hubstaff page here), so that a turn of another window's
                # chain waits for less.
                read_lane.call(decode_next)
                read_lane.call(read_next)
            answer = await ask(ahead)
            read_all()  # every page before it is read by now (or here)
            if named[request] != ahead:  # the peek was wrong: this is not the page named
                ahead = named[request]
                if ahead is None:
                    return found
                answer = await ask(ahead)
            request, response = ahead, answer
    finally:
        unread.clear()  # a failed or abandoned walk: its callbacks find nothing to do


async def iterate_pages(
    upstream: Upstream,
    first: PageRequest,
    paginator: Paginator,
    extract: Extract,
    *,
    eager: bool = False,
) -> AsyncIterator[list[Any]]:
    """The items of each page, page by page; ``eager`` for a caller that reads every page
    (see :func:`gateway.pagination.paginate`)."""

    async def fetch(request: PageRequest) -> Page:
        return await fetch_page(upstream, request, extract)

    try:
        # Closed with this generator, not when collected: pages in flight are cancelled now.
        async with aclosing(paginate(fetch, first, paginator, eager=eager)) as pages:
            async for page in pages:
                yield page.items
    except PaginationError as exc:
        raise _inconsistent(upstream, exc) from exc


def _inconsistent(upstream: Upstream, exc: PaginationError) -> UpstreamBadResponse:
    return UpstreamBadResponse(
        upstream.source, f"source {upstream.source!r} paginated inconsistently: {exc}"
    )

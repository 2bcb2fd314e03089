"""Glue between the sans-I/O pagination loop and a source's ``Upstream``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from typing import Any

from gateway.errors import UpstreamBadResponse
from gateway.http.upstream import Upstream, UpstreamResponse
from gateway.pagination import Page, PageRequest, PaginationError, Paginator, paginate

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
    response: UpstreamResponse = await upstream.request(
        request.method,
        request.url,
        params=list(request.params) or None,
        json=request.json,
        idempotent=True,
    )
    try:
        items = extract(response.body)
    except (TypeError, KeyError, AttributeError) as exc:
        raise UpstreamBadResponse(
            upstream.source, f"source {upstream.source!r} answered a page of an unexpected shape"
        ) from exc
    return Page(request=request, items=items, body=response.body, headers=response.headers)


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
        raise UpstreamBadResponse(
            upstream.source, f"source {upstream.source!r} paginated inconsistently: {exc}"
        ) from exc

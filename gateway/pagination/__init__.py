"""Pagination: sans-I/O paginators, one module per style, and the one loop that does I/O.

A paginator is single-use: given the request just sent and its response, it returns the next
request or ``None``. It never sends anything. :func:`paginate` owns the I/O, the page cap and
loop detection, so no vendor re-implements them (singer-sdk's design).
"""

from gateway.pagination.base import (
    DEFAULT_MAX_PAGES,
    Page,
    PageRequest,
    PaginationError,
    Paginator,
    PeeksNext,
    admit,
    paginate,
)
from gateway.pagination.link_next import LinkNextPaginator
from gateway.pagination.page_number import PageNumberPaginator

__all__ = [
    "DEFAULT_MAX_PAGES",
    "LinkNextPaginator",
    "Page",
    "PageNumberPaginator",
    "PageRequest",
    "PaginationError",
    "Paginator",
    "PeeksNext",
    "admit",
    "paginate",
]

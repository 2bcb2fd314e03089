"""Clockify API v1 (``shared/vendors/clockify.md``)."""

from gateway.connectors.clockify.config import DEFAULT_BASE_URL, DEFAULT_REPORTS_URL, ClockifySource
from gateway.connectors.clockify.connector import ClockifyConnector, create_connector
from gateway.pagination.body_page_number import BodyPageNumberPaginator
from gateway.pagination.last_page_header import LastPageHeaderPaginator

CONFIG = ClockifySource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "DEFAULT_REPORTS_URL",
    "BodyPageNumberPaginator",
    "ClockifyConnector",
    "ClockifySource",
    "LastPageHeaderPaginator",
    "create_connector",
]

"""Toggl Track API v9 and Reports API v3 (``shared/vendors/toggl.md``)."""

from gateway.connectors.toggl.config import DEFAULT_BASE_URL, DEFAULT_REPORTS_URL, TogglSource
from gateway.connectors.toggl.connector import TogglConnector, create_connector
from gateway.connectors.toggl.quota import QuotaGate
from gateway.pagination.header_cursor import HeaderCursorPaginator

CONFIG = TogglSource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "DEFAULT_REPORTS_URL",
    "HeaderCursorPaginator",
    "QuotaGate",
    "TogglConnector",
    "TogglSource",
    "create_connector",
]

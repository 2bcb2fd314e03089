"""Hubstaff API v2 (``shared/vendors/hubstaff.md``)."""

from gateway.connectors.hubstaff.config import DEFAULT_BASE_URL, DEFAULT_TOKEN_URL, HubstaffSource
from gateway.connectors.hubstaff.connector import HubstaffConnector, create_connector
from gateway.connectors.hubstaff.mapping import DailyTotal
from gateway.connectors.hubstaff.store import (
    FileTokenStore,
    MemoryTokenStore,
    StoredToken,
    TokenStore,
)
from gateway.pagination.start_id import StartIdPaginator

CONFIG = HubstaffSource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "DEFAULT_TOKEN_URL",
    "DailyTotal",
    "FileTokenStore",
    "HubstaffConnector",
    "HubstaffSource",
    "MemoryTokenStore",
    "StartIdPaginator",
    "StoredToken",
    "TokenStore",
    "create_connector",
]

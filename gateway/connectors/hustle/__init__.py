"""Hustle Public API v3 (``shared/vendors/hustle.md``): agents, organizations, groups; no time."""

from gateway.connectors.hustle.auth import ClientCredentialsProvider
from gateway.connectors.hustle.config import DEFAULT_BASE_URL, HustleSource
from gateway.connectors.hustle.connector import HustleConnector, create_connector
from gateway.pagination.cursor_has_more import CursorHasMorePaginator

CONFIG = HustleSource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "ClientCredentialsProvider",
    "CursorHasMorePaginator",
    "HustleConnector",
    "HustleSource",
    "create_connector",
]

"""Everhour (``shared/vendors/everhour.md``)."""

from gateway.connectors.everhour.config import DEFAULT_BASE_URL, EverhourSource
from gateway.connectors.everhour.connector import EverhourConnector, create_connector
from gateway.pagination.short_page import ShortPagePaginator

CONFIG = EverhourSource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "EverhourConnector",
    "EverhourSource",
    "ShortPagePaginator",
    "create_connector",
]

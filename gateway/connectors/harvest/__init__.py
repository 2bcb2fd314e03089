"""Harvest API v2 (``shared/vendors/harvest.md``)."""

from gateway.connectors.harvest.config import DEFAULT_BASE_URL, HarvestSource
from gateway.connectors.harvest.connector import HarvestConnector, create_connector

CONFIG = HarvestSource

__all__ = ["CONFIG", "DEFAULT_BASE_URL", "HarvestConnector", "HarvestSource", "create_connector"]

"""Hub Planner API v1 (``shared/vendors/hubplanner.md``)."""

from gateway.connectors.hubplanner.config import DEFAULT_BASE_URL, HubPlannerSource
from gateway.connectors.hubplanner.connector import HubPlannerConnector, create_connector

CONFIG = HubPlannerSource

__all__ = [
    "CONFIG",
    "DEFAULT_BASE_URL",
    "HubPlannerConnector",
    "HubPlannerSource",
    "create_connector",
]

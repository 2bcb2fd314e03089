"""Vendor name -> its connector package, imported lazily.

Each package exposes ``CONFIG`` (its ``SourceConfig`` subclass), ``DEFAULT_BASE_URL`` and
``create_connector(config, context) -> Connector``.
"""

from __future__ import annotations

import importlib
from types import ModuleType

CONNECTORS: dict[str, str] = {
    "clockify": "gateway.connectors.clockify",
    "everhour": "gateway.connectors.everhour",
    "harvest": "gateway.connectors.harvest",
    "hubplanner": "gateway.connectors.hubplanner",
    "hubstaff": "gateway.connectors.hubstaff",
    "hustle": "gateway.connectors.hustle",
    "toggl": "gateway.connectors.toggl",
}


def vendor_module(vendor: str) -> ModuleType:
    try:
        return importlib.import_module(CONNECTORS[vendor])
    except KeyError:
        known = ", ".join(sorted(CONNECTORS))
        raise KeyError(f"unknown vendor {vendor!r} (known: {known})") from None

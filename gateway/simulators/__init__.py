"""Vendor simulators: independent, faithful implementations of each vendor's published API.

A simulator never imports a connector (and vice versa): each is written from the vendor's
contract in ``shared/vendors/``, so a misreading in one is caught by the other.

Every vendor package exposes::

    create_app(config: SimulatorConfig) -> fastapi.FastAPI
    demo_source(base_url: str) -> dict[str, object]   # a [[sources]] entry for its seeded account

``base_url`` is where the simulator app is reachable (``http://127.0.0.1:8001``); the returned
entry's ``base_url`` points at the vendor's API root under it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from gateway.simulators.kit import SimulatorConfig

# vendor -> module; imported lazily so that one simulator's import cost is paid only when used.
SIMULATORS: dict[str, str] = {
    "clockify": "gateway.simulators.clockify",
    "hubstaff": "gateway.simulators.hubstaff",
    "everhour": "gateway.simulators.everhour",
    "harvest": "gateway.simulators.harvest",
    "hubplanner": "gateway.simulators.hubplanner",
    "hustle": "gateway.simulators.hustle",
    "toggl": "gateway.simulators.toggl",
}


def load(vendor: str) -> ModuleType:
    """The simulator package for ``vendor``; ``KeyError`` naming the known ones otherwise."""
    try:
        return importlib.import_module(SIMULATORS[vendor])
    except KeyError:
        known = ", ".join(sorted(SIMULATORS))
        raise KeyError(f"no simulator for vendor {vendor!r} (known: {known})") from None


__all__ = ["SIMULATORS", "SimulatorConfig", "load"]

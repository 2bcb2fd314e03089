"""The embedded demo: every vendor that has both a simulator and a connector, in process.

Each simulator is a separate ASGI app reached through the kit's ``SimulatorTransport`` (no
sockets, but the connector sees real HTTP semantics: statuses, headers, pagination, 429s, and
a dropped connection as a transport error), and is also mounted under ``/simulators/<vendor>``
so its ``/_simulator/stats`` and ``/_simulator/faults`` can be reached over HTTP.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
from starlette.types import ASGIApp

from gateway import simulators
from gateway.connectors.registry import CONNECTORS, vendor_module
from gateway.settings import Settings, settings_from_dict
from gateway.simulators.kit import FaultPlan, SimulatorConfig, SimulatorTransport, state_of


@dataclass
class Demo:
    settings: Settings
    transports: dict[str, httpx.AsyncBaseTransport] = field(default_factory=dict)
    mounts: dict[str, ASGIApp] = field(default_factory=dict)


def demo_vendors() -> list[str]:
    return sorted(set(simulators.SIMULATORS) & set(CONNECTORS))


def build_demo(
    base: Settings | None = None,
    *,
    seed: int = 42,
    today: date | None = None,
    latency_ms: float = 0.0,
    faults: FaultPlan | None = None,
) -> Demo:
    """Settings for the simulators' demo accounts, plus the transports that reach them.

    ``faults`` is loaded into every simulator (each keeps its own counters and random draws).
    """
    base = base or Settings()
    entries = []
    demo = Demo(settings=base)
    # Each demo run starts fresh simulators, so rotated tokens must not outlive the run.
    state = Path(tempfile.mkdtemp(prefix="hourglass-demo-"))
    for vendor in demo_vendors():
        package = simulators.load(vendor)
        app = package.create_app(SimulatorConfig(seed=seed, today=today, latency_ms=latency_ms))
        if faults is not None:
            state_of(app).faults.load(faults)
        entry = dict(package.demo_source(f"http://{vendor}.simulator"))
        if "token_store" in vendor_module(vendor).CONFIG.model_fields:
            entry["token_store"] = str(state / f"{entry['name']}.json")
        entries.append(entry)
        demo.transports[str(entry["name"])] = SimulatorTransport(app=app)
        demo.mounts[f"/simulators/{vendor}"] = app
    data = base.model_dump(exclude={"sources"})
    demo.settings = settings_from_dict({**data, "sources": entries}, environ={})
    return demo

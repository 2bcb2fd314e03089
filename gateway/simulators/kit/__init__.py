"""What every simulator shares: configuration, a clock, server-side rate limits, request
statistics and the ``/_simulator`` control endpoints.

This kit is for simulators only; connectors never import it.
"""

from gateway.simulators.kit.clock import Clock, ManualClock, SystemClock
from gateway.simulators.kit.config import SimulatorConfig
from gateway.simulators.kit.control import SimulatorState, install
from gateway.simulators.kit.limits import SlidingWindow

__all__ = [
    "Clock",
    "ManualClock",
    "SimulatorConfig",
    "SimulatorState",
    "SlidingWindow",
    "SystemClock",
    "install",
]

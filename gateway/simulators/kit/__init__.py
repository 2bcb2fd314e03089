"""What every simulator shares: configuration, a clock, server-side rate limits, request
statistics, fault injection and the ``/_simulator`` control endpoints.

This kit is for simulators only; connectors never import it. Fault plans are described in
:mod:`gateway.simulators.kit.faults`.
"""

from gateway.simulators.kit.clock import Clock, ManualClock, SystemClock
from gateway.simulators.kit.config import SimulatorConfig
from gateway.simulators.kit.control import SimulatorState, install, state_of
from gateway.simulators.kit.fault_responses import ConnectionDropped
from gateway.simulators.kit.faults import FaultInjector, FaultPlan, FaultPlanError, parse_plan
from gateway.simulators.kit.limits import SlidingWindow
from gateway.simulators.kit.transport import SimulatorTransport, clear_faults, set_faults

__all__ = [
    "Clock",
    "ConnectionDropped",
    "FaultInjector",
    "FaultPlan",
    "FaultPlanError",
    "ManualClock",
    "SimulatorConfig",
    "SimulatorState",
    "SimulatorTransport",
    "SlidingWindow",
    "SystemClock",
    "clear_faults",
    "install",
    "parse_plan",
    "set_faults",
    "state_of",
]

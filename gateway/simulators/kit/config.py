"""Settings shared by every simulator."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from gateway.simulators.kit.clock import Clock, SystemClock


@dataclass(slots=True)
class SimulatorConfig:
    """How a simulator instance behaves.

    ``seed`` and ``today`` together fix the seeded data exactly: the same pair always produces
    the same records (``today`` defaults to the clock's date, so a demo shows recent data).
    ``rate_limit`` overrides the vendor's documented limit as ``(requests, window_seconds)``;
    ``None`` keeps the documented one. ``options`` carries vendor-specific knobs (token lifetime,
    quotas, ...) named in each simulator's docstring.
    """

    seed: int = 42
    latency_ms: float = 0.0
    today: date | None = None
    rate_limit: tuple[int, float] | None = None
    clock: Clock = field(default_factory=SystemClock)
    options: dict[str, object] = field(default_factory=dict)

    def data_date(self) -> date:
        return self.today or self.clock.now().date()

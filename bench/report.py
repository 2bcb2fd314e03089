"""Gateway scenarios 1-3 measured ``runs`` times, each next to its per-vendor bounds."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from bench import bounds
from bench.procs import VENDORS, Simulators
from bench.scenarios import Run, cold_and_warm, scenarios


@dataclass
class Row:
    scenario: str
    phase: str  # cold | warm
    calls: int
    bound: bounds.Bound
    seconds: float  # median wall time
    per_vendor: dict[str, tuple[int, bounds.Bound]] = field(default_factory=dict)
    routes: dict[str, Counter[str]] = field(default_factory=dict)
    entries: int = 0
    problems: list[str] = field(default_factory=list)


def _bounds(name: str, cold: Run, truth: Run | None, *, is_cold: bool) -> dict[str, bounds.Bound]:
    out = {}
    for vendor in VENDORS:
        n = cold.counts.get(vendor, 0)
        if name == "dashboard":
            recent = truth.counts.get(vendor, 0) if truth else n
            out[vendor] = bounds.dashboard(vendor, recent, n, cold=is_cold)
        elif name == "month":
            out[vendor] = bounds.month(vendor, n, cold=is_cold)
        else:
            out[vendor] = bounds.deep(vendor, n, cold=is_cold)
    return out


def measure(sims: Simulators, runs: int) -> list[Row]:
    rows = []
    for scenario in scenarios():
        results = [cold_and_warm(sims, scenario) for _ in range(runs)]
        cold0, _, truth0 = results[0]
        for index, phase in enumerate(("cold", "warm")):
            picked = [r[index] for r in results]
            first = picked[0]
            per_vendor = {}
            vendor_bounds = _bounds(scenario.name, cold0, truth0, is_cold=phase == "cold")
            for vendor in VENDORS:
                per_vendor[vendor] = (
                    sum(first.calls.get(vendor, {}).values()),
                    vendor_bounds[vendor],
                )
            calls = [sum(sum(c.values()) for c in run.calls.values()) for run in picked]
            problems = sorted({p for run in picked for p in run.errors + run.incomplete})
            if len(set(calls)) > 1:
                problems.append(f"calls differed between runs: {calls}")
            rows.append(
                Row(
                    scenario.name,
                    phase,
                    calls[0],
                    bounds.combine(vendor_bounds),
                    statistics.median(run.seconds for run in picked),
                    per_vendor,
                    first.calls,
                    sum(first.counts.values()),
                    problems,
                )
            )
    return rows

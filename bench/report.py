"""Gateway scenarios 1-3 measured ``runs`` times, each next to its per-vendor bounds."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field

from bench import bounds
from bench.procs import VENDORS, Simulators
from bench.scenarios import Measured, cold_and_warm, scenarios, warm_up


@dataclass
class Row:
    scenario: str
    phase: str  # cold | warm | cached
    calls: int
    bound: bounds.Bound
    seconds: float  # median wall time
    per_vendor: dict[str, tuple[int, bounds.Bound]] = field(default_factory=dict)
    routes: dict[str, Counter[str]] = field(default_factory=dict)
    entries: int = 0
    problems: list[str] = field(default_factory=list)
    gateway_cpu: float = 0.0  # median CPU seconds of the gateway process over the query
    simulators_cpu: float = 0.0  # and of every simulator process together
    # Medians of the vendors' busy span (``Run.vendors_busy``) and of the wall time outside
    # it, run by run; None where no vendor was asked.
    vendors_busy: float | None = None
    outside: float | None = None


def _bounds(name: str, m: Measured, phase: str) -> dict[str, bounds.Bound]:
    is_cold = phase == "cold"
    out = {}
    for vendor in VENDORS:
        if phase == "cached":
            out[vendor] = bounds.CACHED
            continue
        n = m.cold.counts.get(vendor, 0)
        pages = m.counted.get(vendor)
        extra = m.unnamed.get(vendor, ())
        follows = m.follows.get(vendor, 0)  # the dashboard's newest entries need none
        if name == "dashboard":
            recent = m.truth.counts.get(vendor, 0) if m.truth else n
            out[vendor] = bounds.dashboard(
                vendor, recent, n, cold=is_cold, window_pages=pages, unnamed=extra
            )
        elif name == "month":
            out[vendor] = bounds.month(vendor, n, cold=is_cold, window_pages=pages, follows=follows)
        else:
            out[vendor] = bounds.deep(
                vendor, n, cold=is_cold, window_pages=pages, unnamed=extra, follows=follows
            )
    return out


def measure(sims: Simulators, runs: int, only: Collection[str] | None = None) -> list[Row]:
    """Rows for every scenario, or those named in ``only``."""
    chosen = [s for s in scenarios() if only is None or s.name in only]
    rows = []
    warm_up(sims, chosen)
    for scenario in chosen:
        results = [cold_and_warm(sims, scenario) for _ in range(runs)]
        for phase in ("cold", "warm", "cached"):
            picked = [getattr(r, phase) for r in results]
            first = picked[0]
            per_vendor = {}
            vendor_bounds = _bounds(scenario.name, results[0], phase)
            total = bounds.combine(vendor_bounds)
            for vendor in VENDORS:
                per_vendor[vendor] = (
                    sum(first.calls.get(vendor, {}).values()),
                    vendor_bounds[vendor],
                )
            calls = [sum(sum(c.values()) for c in run.calls.values()) for run in picked]
            busy = [r.vendors_busy for r in picked if r.vendors_busy is not None]
            outside = [r.seconds - r.vendors_busy for r in picked if r.vendors_busy is not None]
            problems = sorted({p for run in picked for p in run.errors + run.incomplete})
            if calls[0] < total.calls:
                problems.append("fewer calls than the minimum: the bound is wrong")
            if len(set(calls)) > 1:
                problems.append(f"calls differed between runs: {calls}")
            rows.append(
                Row(
                    scenario.name,
                    phase,
                    calls[0],
                    total,
                    statistics.median(run.seconds for run in picked),
                    per_vendor,
                    first.calls,
                    sum(first.counts.values()),
                    problems,
                    statistics.median(run.gateway_cpu for run in picked),
                    statistics.median(run.simulators_cpu for run in picked),
                    statistics.median(busy) if busy else None,
                    statistics.median(outside) if outside else None,
                )
            )
    return rows

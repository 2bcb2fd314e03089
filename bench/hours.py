"""The dashboard's calls and cold wall time against their bounds at other hours of the week,
the clock shifted.

Which entries are the 50 newest depends on the hour and the weekday: the seeded vendors work
weekdays, some hold entries dated later today, and Hubstaff's sessions reach back as far as
the other vendors leave room for. What each vendor must be asked changes with them, so calls
equal to the minimum at the hour ``bench/run`` happens to run say little about another hour.

Each point runs its own simulators and fresh gateways with the wall clock shifted back
``hours`` by libfaketime (``LD_PRELOAD``; the monotonic clock is left alone, so latencies and
rate windows are real), and measures the dashboard ``RUNS`` times, cold and warm, with the
bounds of ``bench.report``. A child process per point: the preload must be in place when it starts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bench import bounds, report
from bench.procs import simulators

LATENCY_MS = 50.0
# Runs a point: the wall times are medians (one cold run varies by ~10 ms here).
RUNS = 3
# Every 21 hours back over a week: eight points, each at another hour of the day (3 apart)
# and on another day.
POINTS = tuple(21 * k for k in range(8))


@dataclass(frozen=True)
class Point:
    hours: int  # how far the clock was shifted back
    at: str  # the shifted time the point started at
    cold: tuple[int, int]  # calls, minimum
    warm: tuple[int, int]
    above: dict[str, str]  # vendor -> "calls/minimum (routes)" where above the minimum, cold
    problems: list[str]
    # The cold wall time (median), its critical-path bound, and the path with the lists that
    # name the entries shown asked once those entries are in (``Bound.named_after``; None
    # where no list names them), in seconds.
    seconds: float
    bound: float
    named_after: float | None

    @property
    def at_minimum(self) -> float:
        """The cold wall time's bound at the minimum calls."""
        return bounds.at_minimum(self.bound, self.named_after)


def faketime_env(hours: int) -> dict[str, str] | None:
    """The environment that shifts a child's wall clock back ``hours``; None without
    libfaketime (the ``bench`` extra; Linux and macOS only)."""
    try:
        import libfaketime
    except ImportError:
        return None
    _, additions = libfaketime.get_reload_information()
    env = {**os.environ, **additions}
    env.update(FAKETIME=f"-{hours}h", FAKETIME_DONT_FAKE_MONOTONIC="1")
    return env


def measure(points: Sequence[int] = POINTS) -> list[Point] | None:
    found = []
    for hours in points:
        env = faketime_env(hours)
        if env is None:
            return None
        child = [sys.executable, "-m", "bench.hours", "--point", str(hours)]
        done = subprocess.run(child, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the point {hours} h back failed:\n{done.stderr[-2000:]}")
        measured = json.loads(done.stdout.splitlines()[-1])
        for phase in ("cold", "warm"):  # JSON has no tuples
            measured[phase] = tuple(measured[phase])
        found.append(Point(**measured))
    return found


def _point(hours: int) -> dict[str, object]:
    at = datetime.now(UTC)  # shifted: this process runs under the preload
    with simulators(LATENCY_MS) as sims:
        rows = {r.phase: r for r in report.measure(sims, RUNS, only=("dashboard",))}
    cold, warm = rows["cold"], rows["warm"]
    above = {
        vendor: f"{calls}/{bound.calls} ({_routes(cold.routes.get(vendor, {}))})"
        for vendor, (calls, bound) in cold.per_vendor.items()
        if calls != bound.calls
    }
    return {
        "hours": hours,
        "at": f"{at:%a %H:%M}",
        "cold": (cold.calls, cold.bound.calls),
        "warm": (warm.calls, warm.bound.calls),
        "above": above,
        "problems": sorted({*cold.problems, *warm.problems}),
        "seconds": cold.seconds,
        "bound": cold.bound.seconds,
        "named_after": cold.bound.named_after,
    }


def _routes(calls: dict[str, int]) -> str:
    return ", ".join(f"{route.split('/')[-1]} x{n}" for route, n in sorted(calls.items()))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.hours", description=__doc__)
    parser.add_argument("--point", type=int, help="one point, the clock shifted back N hours")
    point = parser.parse_args().point
    if point is not None:
        print(json.dumps(_point(point)))
        return
    for found in measure() or []:
        print(found)


if __name__ == "__main__":
    main()

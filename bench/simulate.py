"""``python -m bench.simulate VENDOR PORT LATENCY_MS``: a simulator with its limits lifted.

Only for the throughput scenario, which measures Hourglass and not a vendor's 1 request per
second: ``hourglass simulate`` with the rate limit (and Toggl's hourly quota) raised far above
anything the run can reach. Every other scenario runs the plain ``hourglass simulate``.
"""

from __future__ import annotations

import sys

import uvicorn

from gateway import simulators

UNLIMITED = (1_000_000, 1.0)


def main() -> None:
    vendor, port, latency = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    options: dict[str, object] = {"quota_per_hour": 10**9} if vendor == "toggl" else {}
    config = simulators.SimulatorConfig(
        seed=42, latency_ms=latency, rate_limit=UNLIMITED, options=options
    )
    app = simulators.load(vendor).create_app(config)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()

"""bench/run reads the host's speed on either side of the gateway scenarios and at the end:
a shared VM's speed moves, and every wall time and CPU figure of the report moves with it."""

from __future__ import annotations

from bench.__main__ import _speed


def test_readings_within_the_drift_allowed_are_reported_plainly() -> None:
    line = _speed([("before", 0.210), ("after", 0.226), ("at the end", 0.215)])
    assert "210 ms before, 226 ms after, 215 ms at the end" in line
    assert "moved" not in line


def test_a_host_whose_speed_moved_during_the_run_is_flagged_with_how_much() -> None:
    # Readings taken a minute apart on this machine's host: 284 and 440 ms.
    line = _speed([("before", 0.284), ("after", 0.440)])
    assert "moved by 55% during this run" in line

"""The circuit breaker's state machine, driven by a fake clock (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.http.breaker import (
    BreakerPolicy,
    CircuitBreaker,
    CircuitOpenError,
    CircuitState,
    Health,
    LastError,
    Outcome,
    Ticket,
)

POLICY = BreakerPolicy(failure_threshold=3, cooldown=10.0, max_cooldown=25.0)
CLOSED, OPEN, HALF_OPEN = CircuitState.CLOSED, CircuitState.OPEN, CircuitState.HALF_OPEN
BOOM = LastError("UPSTREAM_UNAVAILABLE", "source 'src' is unavailable (HTTP 503)")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(policy: BreakerPolicy = POLICY) -> tuple[CircuitBreaker, Clock]:
    clock = Clock()
    return CircuitBreaker("src", policy, clock=clock), clock


def run(breaker: CircuitBreaker, clock: Clock, action: str, held: list[Ticket]) -> None:
    """``ok``/``fail``/``neutral``: one request start to end; ``hold``: admit and keep it in
    flight; ``held-<outcome>``: finish the held one; ``refused``: admission must fail fast;
    ``+N``: N seconds pass."""
    outcomes = {"ok": Outcome.SUCCESS, "fail": Outcome.FAILURE, "neutral": Outcome.NEUTRAL}
    if action.startswith("+"):
        clock.now += float(action[1:])
    elif action == "refused":
        with pytest.raises(CircuitOpenError):
            breaker.admit()
    elif action == "hold":
        held.append(breaker.admit())
    elif action.startswith("held-"):
        breaker.record(held.pop(0), outcomes[action[5:]], BOOM)
    else:
        breaker.record(breaker.admit(), outcomes[action], BOOM)


TRIP = [("fail", CLOSED), ("fail", CLOSED), ("fail", OPEN)]


@pytest.mark.parametrize(
    "steps",
    [
        pytest.param([*TRIP, ("refused", OPEN)], id="opens-after-n-consecutive-failures"),
        pytest.param(
            [("fail", CLOSED), ("fail", CLOSED), ("ok", CLOSED), ("fail", CLOSED), ("fail", CLOSED)],
            id="a-success-resets-the-count",
        ),
        pytest.param(
            [("fail", CLOSED), ("fail", CLOSED), ("neutral", CLOSED), ("fail", OPEN)],
            id="neutral-outcomes-count-neither-way",
        ),
        pytest.param([*TRIP, ("+9.9", OPEN), ("+0.1", HALF_OPEN)], id="half-open-after-cooldown"),
        pytest.param(
            [*TRIP, ("+10", HALF_OPEN), ("hold", HALF_OPEN), ("refused", HALF_OPEN),
             ("refused", HALF_OPEN), ("held-ok", CLOSED), ("ok", CLOSED)],
            id="one-probe-at-a-time-success-closes",
        ),
        pytest.param(
            [*TRIP, ("+10", HALF_OPEN), ("fail", OPEN), ("+19.9", OPEN), ("+0.1", HALF_OPEN)],
            id="probe-failure-reopens-for-twice-as-long",
        ),
        pytest.param(
            [*TRIP, ("+10", HALF_OPEN), ("hold", HALF_OPEN), ("held-neutral", HALF_OPEN),
             ("ok", CLOSED)],
            id="an-abandoned-probe-frees-the-slot",
        ),
        pytest.param(
            [("hold", CLOSED), *TRIP, ("held-ok", OPEN), ("refused", OPEN)],
            id="a-late-success-from-before-the-outage-is-ignored",
        ),
        pytest.param(
            [("hold", CLOSED), *TRIP, ("+10", HALF_OPEN), ("ok", CLOSED), ("held-fail", CLOSED),
             ("fail", CLOSED), ("fail", CLOSED)],
            id="a-late-failure-does-not-count-after-recovery",
        ),
    ],
)  # fmt: skip
def test_state_machine(steps: list[tuple[str, CircuitState]]) -> None:
    breaker, clock = make()
    held: list[Ticket] = []
    for index, (action, expected) in enumerate(steps):
        run(breaker, clock, action, held)
        assert breaker.state is expected, f"after step {index} ({action})"


def test_cooldown_doubles_on_each_failed_probe_up_to_the_cap() -> None:
    breaker, clock = make()
    for action in ("fail", "fail", "fail"):
        run(breaker, clock, action, [])
    seen = []
    for _ in range(3):
        seen.append(breaker.snapshot().retry_after)
        clock.now += seen[-1] or 0
        run(breaker, clock, "fail", [])  # the probe fails
    assert seen == [10.0, 20.0, 25.0]
    assert breaker.snapshot().retry_after == 25.0


def test_a_refusal_is_unavailable_with_the_cooldown_left_and_calls_nobody() -> None:
    breaker, clock = make()
    for action in ("fail", "fail", "fail"):
        run(breaker, clock, action, [])
    clock.now += 4
    with pytest.raises(CircuitOpenError) as refused:
        breaker.admit()
    assert refused.value.code == "UPSTREAM_UNAVAILABLE" and refused.value.source == "src"
    assert refused.value.retry_after == 6.0
    assert "is failing and is not being called" in refused.value.message


def test_snapshot_reports_health_failures_and_the_last_error() -> None:
    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    clock = Clock()
    breaker = CircuitBreaker("src", POLICY, clock=clock, wall=lambda: when)
    assert breaker.snapshot().health is Health.OK
    run(breaker, clock, "fail", [])
    snap = breaker.snapshot()
    assert (snap.health, snap.consecutive_failures, snap.retry_after) == (Health.DEGRADED, 1, None)
    assert (snap.last_failure_at, snap.last_error) == (when, BOOM)
    run(breaker, clock, "fail", [])
    run(breaker, clock, "fail", [])
    assert breaker.snapshot().health is Health.UNAVAILABLE
    clock.now += 10
    assert breaker.snapshot().health is Health.DEGRADED  # half-open
    run(breaker, clock, "ok", [])
    snap = breaker.snapshot()
    assert (snap.health, snap.consecutive_failures, snap.last_error) == (Health.OK, 0, BOOM)


def test_a_disabled_breaker_records_failures_but_never_opens() -> None:
    breaker, clock = make(BreakerPolicy(failure_threshold=1, enabled=False))
    for _ in range(5):
        run(breaker, clock, "fail", [])
    assert breaker.state is CLOSED and breaker.snapshot().consecutive_failures == 5

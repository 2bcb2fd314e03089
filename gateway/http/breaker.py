"""A circuit breaker per source: stop calling a vendor that keeps failing, probe it later.

States (Fowler's "CircuitBreaker", with an exponential cool-down)::

    CLOSED --N consecutive failures--> OPEN --cool-down over--> HALF_OPEN
       ^                                 ^                          | one probe goes through
       +------ probe succeeds -----------+---- probe fails ---------+ (cool-down doubles, capped)

Only the UNAVAILABLE class counts as a failure (5xx after retries, timeouts, connection
errors); any other answer (2xx-4xx, auth, rate limiting) shows the vendor is up and counts as
a success. Outcomes that say nothing about the vendor (the caller went away, the request's own
deadline cut an attempt short, the limiter refused a slot) count as neither.

While OPEN, and while a probe is in flight, :meth:`CircuitBreaker.admit` raises
:class:`CircuitOpenError` at once: no sleep, no upstream call. It is an
``UpstreamUnavailable``, so it passes unchanged through every layer up to the GraphQL error.

Everything runs on one event loop and no method awaits, so no lock is needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from gateway.errors import UpstreamUnavailable

# What a request refused while the probe is in flight is told: the probe usually answers
# within about a second, and an exact figure does not exist.
PROBE_RETRY_AFTER = 1.0


class CircuitState(str, Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class Health(str, Enum):
    """A source's health as users see it, derived from its circuit."""

    OK = "ok"
    DEGRADED = "degraded"  # half-open, or failing but not (yet) short-circuited
    UNAVAILABLE = "unavailable"  # open: requests fail fast


class Outcome(Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    failure_threshold: int = 5
    cooldown: float = 30.0
    max_cooldown: float = 300.0
    # Disabled: failures are still recorded (health shows them), the circuit never opens.
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class LastError:
    """The last failure, in words safe to show API users (never upstream text)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    state: CircuitState
    consecutive_failures: int
    retry_after: float | None  # seconds of cool-down left while OPEN
    last_failure_at: datetime | None
    last_error: LastError | None

    @property
    def health(self) -> Health:
        if self.state is CircuitState.OPEN:
            return Health.UNAVAILABLE
        if self.state is CircuitState.HALF_OPEN or self.consecutive_failures:
            return Health.DEGRADED
        return Health.OK


@dataclass(frozen=True, slots=True)
class Ticket:
    """One admitted request; hand it back to :meth:`CircuitBreaker.record` with its outcome."""

    generation: int
    probe: bool


class CircuitOpenError(UpstreamUnavailable):
    """The source is short-circuited: refused without calling the vendor."""


class CircuitBreaker:
    """The breaker of one source. ``clock`` is monotonic seconds (injectable for tests);
    ``wall`` stamps ``last_failure_at``."""

    def __init__(
        self,
        source: str,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.source = source
        self.policy = policy or BreakerPolicy()
        self._clock = clock
        self._wall = wall
        self._failures = 0
        self._open_until: float | None = None  # set while OPEN or HALF_OPEN
        self._cooldown = self.policy.cooldown
        self._probing = False
        # Bumped on every open and close, so late outcomes of requests admitted before the
        # change (a success that started before the outage) cannot move the new state.
        self._generation = 0
        self._last_failure_at: datetime | None = None
        self._last_error: LastError | None = None

    @property
    def state(self) -> CircuitState:
        if self._open_until is None:
            return CircuitState.CLOSED
        return CircuitState.OPEN if self._clock() < self._open_until else CircuitState.HALF_OPEN

    def snapshot(self) -> BreakerSnapshot:
        state = self.state
        left = None
        if state is CircuitState.OPEN and self._open_until is not None:
            left = round(self._open_until - self._clock(), 1)
        return BreakerSnapshot(state, self._failures, left, self._last_failure_at, self._last_error)

    def admit(self) -> Ticket:
        """A ticket to call the vendor, or ``CircuitOpenError`` (with ``retry_after``)."""
        state = self.state
        if state is CircuitState.CLOSED:
            return Ticket(self._generation, probe=False)
        if state is CircuitState.HALF_OPEN and not self._probing:
            self._probing = True
            return Ticket(self._generation, probe=True)
        assert self._open_until is not None
        wait = self._open_until - self._clock() if state is CircuitState.OPEN else None
        raise CircuitOpenError(
            self.source,
            f"source {self.source!r} is failing and is not being called for now "
            "(circuit breaker open)",
            retry_after=PROBE_RETRY_AFTER if wait is None else round(wait, 1),
        )

    def record(self, ticket: Ticket, outcome: Outcome, error: LastError | None = None) -> None:
        """Account for an admitted request's final outcome (after its retries)."""
        if outcome is Outcome.FAILURE:
            self._last_failure_at = self._wall()
            self._last_error = error or self._last_error
        if ticket.probe:
            self._probing = False
            if outcome is Outcome.SUCCESS:
                self._close()
            elif outcome is Outcome.FAILURE:
                self._failures += 1
                self._open(min(self._cooldown * 2, self.policy.max_cooldown))
            return
        if ticket.generation != self._generation or self._open_until is not None:
            return
        if outcome is Outcome.SUCCESS:
            self._failures = 0
        elif outcome is Outcome.FAILURE:
            self._failures += 1
            if self.policy.enabled and self._failures >= self.policy.failure_threshold:
                self._open(self.policy.cooldown)

    def _open(self, cooldown: float) -> None:
        self._cooldown = cooldown
        self._open_until = self._clock() + cooldown
        self._generation += 1

    def _close(self) -> None:
        self._failures = 0
        self._cooldown = self.policy.cooldown
        self._open_until = None
        self._generation += 1

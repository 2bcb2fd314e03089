"""Sources: the configured vendor accounts and what each can do."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry

from gateway.http.breaker import BreakerSnapshot
from gateway.service import SourceRuntime
from schema.common import SourceProblem
from schema.context import Info


@strawberry.type(description="What a source's vendor supports.")
class Capabilities:
    kinds: list[str] = strawberry.field(
        description="Object types the vendor has: TimeEntry, Project, User, Client, Task."
    )
    filters_pushed_down: list[str] = strawberry.field(
        description="Time-entry filters the vendor applies itself (Hourglass applies the rest)."
    )
    writes: bool = strawberry.field(description="Whether time entries can be created or changed.")
    timers: bool = strawberry.field(description="Whether timers can be started and stopped.")
    webhooks: bool = strawberry.field(description="Whether the vendor can push changes.")


@strawberry.enum(description="A source's health, from its circuit breaker.")
class SourceStatus(Enum):
    OK = strawberry.enum_value("ok", description="Answering normally.")
    DEGRADED = strawberry.enum_value(
        "degraded",
        description="Its last requests failed, or a probe is testing whether it recovered.",
    )
    UNAVAILABLE = strawberry.enum_value(
        "unavailable",
        description="Failing: requests to it fail fast, without calling the vendor, until "
        "the cool-down in `health.retryAfter` ends.",
    )


@strawberry.enum(description="A circuit breaker's state.")
class CircuitState(Enum):
    CLOSED = strawberry.enum_value("closed", description="Requests go to the vendor.")
    OPEN = strawberry.enum_value(
        "open", description="Too many consecutive failures: requests fail fast for a cool-down."
    )
    HALF_OPEN = strawberry.enum_value(
        "half_open",
        description="The cool-down ended: one probe request goes through; the rest fail fast.",
    )


@strawberry.type(description="How a source has been answering, as its circuit breaker sees it.")
class SourceHealth:
    circuit: CircuitState = strawberry.field(description="The circuit breaker's state.")
    consecutive_failures: int = strawberry.field(
        description="Requests that failed in a row (5xx after retries, timeouts, unreachable)."
    )
    retry_after: float | None = strawberry.field(
        description="Seconds until the source is called again, while the circuit is OPEN."
    )
    last_failure_at: datetime | None = strawberry.field(
        description="When the source last failed (UTC), if it ever did since the start."
    )
    last_error: SourceProblem | None = strawberry.field(
        description="The last failure, in words safe to show users."
    )

    @classmethod
    def from_snapshot(cls, snap: BreakerSnapshot) -> SourceHealth:
        error = snap.last_error
        return cls(
            circuit=CircuitState(snap.state.value),
            consecutive_failures=snap.consecutive_failures,
            retry_after=snap.retry_after,
            last_failure_at=snap.last_failure_at,
            last_error=SourceProblem(code=error.code, message=error.message, retry_after=None)
            if error
            else None,
        )


@strawberry.type(description="One configured account of one vendor.")
class Source:
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, SourceRuntime)

    @strawberry.field(description="The source's configured name (unique).")
    def name(self) -> str:
        return _rt(self).name

    @strawberry.field(description="The vendor: harvest, hubstaff, toggl, ...")
    def vendor(self) -> str:
        return _rt(self).config.vendor

    @strawberry.field(description="What this source supports.")
    def capabilities(self) -> Capabilities:
        caps = _rt(self).connector.capabilities
        return Capabilities(
            kinds=sorted(k.value for k in caps.kinds),
            filters_pushed_down=sorted(caps.pushed_filters),
            writes=caps.writes,
            timers=caps.timers,
            webhooks=caps.webhooks,
        )

    @strawberry.field(
        description="Health as Hourglass sees it: OK, DEGRADED (failing, or being probed) or "
        "UNAVAILABLE (not being called until its cool-down ends)."
    )
    def status(self) -> SourceStatus:
        return SourceStatus(_rt(self).health().health.value)

    @strawberry.field(description="The source's circuit breaker and its recent failures.")
    def health(self) -> SourceHealth:
        return SourceHealth.from_snapshot(_rt(self).health())


def _rt(obj: object) -> SourceRuntime:
    assert isinstance(obj, SourceRuntime)
    return obj


def resolve_sources(info: Info) -> list[Source]:
    return list(info.context.gateway.sources.values())  # type: ignore[arg-type]

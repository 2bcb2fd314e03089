"""Fault injection: a plan of rules, and the injector that decides which request fails how.

Vendors fail all the time; every simulator can reproduce it through the same plan, set at run
time over HTTP (the control endpoints are never faulted nor counted)::

    POST   /_simulator/faults   replace the plan (JSON body below); 422 names the bad rule/field
    GET    /_simulator/faults   {"plan": <the plan>, "injected": [faults injected per rule]}
    DELETE /_simulator/faults   clear the plan (so does POST /_simulator/reset)

or in Python as ``state_of(app).faults.load(plan)`` (tests: ``await set_faults(client, plan)``),
or at start with ``hourglass simulate VENDOR --faults plan.json`` (``hourglass demo --faults``
loads it into every simulator). The plan::

    {"seed": 7,
     "rules": [
       {"fault": "latency", "ms": 200, "jitter_ms": 50},
       {"path": "/v2/time_entries*", "method": "GET", "fault": "rate_limit",
        "retry_after": 30, "probability": 0.3},
       {"fault": "status", "status": 503, "count": 2}
     ]}

Every rule has ``path`` (an ``fnmatch`` glob, case-sensitive, on the request path relative to
the simulator's root, without the query string; default ``*``), ``method`` (default any), and
at most one of ``probability`` (0..1; 1.0 when neither is given) or ``count`` (the first N
matching requests that reach the rule). Rules are tried in order; the first one that fires
decides the request, except ``latency``, which adds its delay and lets later rules apply too.

``fault`` is one of:

=================  ======================================================================
``rate_limit``     429; ``retry_after`` seconds -> ``Retry-After`` (omitted: no header)
``status``         ``status`` (400..599, default 503) with a JSON error body; optional
                   ``retry_after``
``latency``        wait ``ms`` plus a uniform ``0..jitter_ms`` drawn from the rule's RNG
``hang``           no answer for ``seconds`` (default 60), then 504 like a load balancer
                   giving up; ends at once if the client disconnects
``drop``           the connection is cut after the status line: a client sees a protocol
                   error (in process: ``SimulatorTransport`` raises ``RemoteProtocolError``)
``truncated``      the vendor's real response, body cut to half, ``Content-Length`` matching
``malformed_json`` the vendor's real response, body made invalid JSON (``application/json``)
``html``           an HTML error page (``text/html``), ``status`` default 200, as a proxy's
                   maintenance or captive page would be
``expired_token``  every live access token expires (vendors with tokens register
                   ``SimulatorState.on_expire_tokens``) and the request goes on, so the
                   vendor answers its own 401; API-key vendors get a generic 401
=================  ======================================================================

Determinism: each rule draws from its own ``random.Random`` seeded from ``(seed, rule index)``,
so the same plan over the same sequence of requests injects the same faults (concurrent
requests draw in the order the simulator receives them).

``expired_token`` on every request would also expire each refreshed token before its first
use: give it a ``count`` or a ``path`` that leaves the token endpoint alone.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from gateway.simulators.kit import fault_responses as act
from gateway.simulators.kit.fault_responses import ASGICall


class _Rule(BaseModel):
    """What every rule shares: which requests it matches and how often it fires."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field("*", min_length=1)
    method: str | None = None
    probability: float | None = Field(None, ge=0.0, le=1.0)
    count: int | None = Field(None, ge=1)

    @field_validator("method")
    @classmethod
    def _method(cls, value: str | None) -> str | None:
        if value is not None and not value.isalpha():
            raise ValueError("must be an HTTP method such as GET")
        return value.upper() if value else value

    @model_validator(mode="after")
    def _one_trigger(self) -> _Rule:
        if self.probability is not None and self.count is not None:
            raise ValueError("give probability or count, not both")
        if self.count is None and self.probability is None:
            self.probability = 1.0
        return self

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatchcase(path, self.path)


class RateLimitFault(_Rule):
    fault: Literal["rate_limit"]
    retry_after: int | None = Field(None, ge=0)


class StatusFault(_Rule):
    fault: Literal["status"]
    status: int = Field(503, ge=400, le=599)
    retry_after: int | None = Field(None, ge=0)


class LatencyFault(_Rule):
    fault: Literal["latency"]
    ms: float = Field(ge=0)
    jitter_ms: float = Field(0.0, ge=0)


class HangFault(_Rule):
    fault: Literal["hang"]
    seconds: float = Field(60.0, gt=0)


class DropFault(_Rule):
    fault: Literal["drop"]


class TruncatedFault(_Rule):
    fault: Literal["truncated"]


class MalformedJsonFault(_Rule):
    fault: Literal["malformed_json"]


class HtmlFault(_Rule):
    fault: Literal["html"]
    status: int = Field(200, ge=200, le=599)


class ExpiredTokenFault(_Rule):
    fault: Literal["expired_token"]


FaultRule = Annotated[
    RateLimitFault
    | StatusFault
    | LatencyFault
    | HangFault
    | DropFault
    | TruncatedFault
    | MalformedJsonFault
    | HtmlFault
    | ExpiredTokenFault,
    Field(discriminator="fault"),
]


class FaultPlan(BaseModel):
    """A seed and the rules, in the order they are tried."""

    model_config = ConfigDict(extra="forbid")

    seed: int = 0
    rules: list[FaultRule] = Field(default_factory=list)


class FaultPlanError(ValueError):
    """A plan that does not validate; ``errors`` holds one precise line per problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_plan(raw: FaultPlan | Mapping[str, Any] | str | bytes) -> FaultPlan:
    """A validated plan from a model, a mapping or JSON text; :class:`FaultPlanError` if bad."""
    if isinstance(raw, FaultPlan):
        return raw
    try:
        if isinstance(raw, str | bytes):
            return FaultPlan.model_validate_json(raw)
        return FaultPlan.model_validate(raw)
    except ValidationError as exc:
        raise FaultPlanError([_describe(e) for e in exc.errors()]) from None


def _describe(error: Any) -> str:
    """``rules[1] (fault status): status: Input should be ...`` from one pydantic error."""
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        where = f"rules[{loc[1]}]"
        # With a discriminated union, the third item is always the rule's fault kind.
        if len(loc) >= 3:
            where += f" (fault {loc[2]})"
        loc = loc[3:]
    else:
        where = "plan"
    field = ".".join(str(part) for part in loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {field}: {message}" if field else f"{where}: {message}"


@dataclass(slots=True)
class Decision:
    """What the plan says about one request: a delay first, then a fault or the vendor app."""

    delay: float = 0.0
    rule: FaultRule | None = None

    @property
    def kind(self) -> str | None:
        return self.rule.fault if self.rule is not None else ("latency" if self.delay else None)


class _Armed:
    """A rule with its own RNG and counters."""

    def __init__(self, rule: FaultRule, seed: int, index: int) -> None:
        self.rule = rule
        # A str seed hashes with SHA-512 in random.seed: stable across runs and processes.
        self.rng = random.Random(f"{seed}:{index}")
        self.seen = 0
        self.injected = 0

    def fires(self) -> bool:
        self.seen += 1
        if self.rule.count is not None:
            hit = self.seen <= self.rule.count
        else:
            hit = self.rng.random() < (self.rule.probability or 0.0)
        self.injected += hit
        return hit


class FaultInjector:
    """The live plan of one simulator: :meth:`decide` per request, then :meth:`run` acts.

    ``kinds`` counts injected faults per kind since the last :meth:`reset_counters`; per-rule
    counts start again whenever a plan is loaded.
    """

    def __init__(self) -> None:
        self.plan = FaultPlan()
        self.kinds: Counter[str] = Counter()
        self._armed: list[_Armed] = []
        self._expire_hooks: list[Callable[[], None]] = []

    def load(self, plan: FaultPlan | Mapping[str, Any] | str | bytes) -> FaultPlan:
        """Replace the plan; :class:`FaultPlanError` (and the old plan kept) if it is invalid."""
        self.plan = parse_plan(plan)
        self._armed = [_Armed(rule, self.plan.seed, i) for i, rule in enumerate(self.plan.rules)]
        return self.plan

    def clear(self) -> None:
        self.load(FaultPlan())

    def reset_counters(self) -> None:
        self.kinds.clear()

    def on_expire_tokens(self, hook: Callable[[], None]) -> None:
        """Register how this vendor expires every live access token (for ``expired_token``)."""
        self._expire_hooks.append(hook)

    def snapshot(self) -> dict[str, Any]:
        return {
            "plan": self.plan.model_dump(mode="json", exclude_none=True),
            "injected": [armed.injected for armed in self._armed],
        }

    def decide(self, method: str, path: str) -> Decision:
        decision = Decision()
        for armed in self._armed:
            rule = armed.rule
            if not rule.matches(method, path) or not armed.fires():
                continue
            self.kinds[rule.fault] += 1
            if isinstance(rule, LatencyFault):
                decision.delay += (rule.ms + armed.rng.uniform(0, rule.jitter_ms)) / 1000
                continue
            decision.rule = rule
            break
        return decision

    async def run(self, decision: Decision, call: ASGICall) -> None:
        """Carry out ``decision`` for one request; ``call.app`` is the vendor app."""
        if decision.delay:
            await asyncio.sleep(decision.delay)
        rule = decision.rule
        match rule:
            case None:
                await call.forward()
            case RateLimitFault():
                await act.rate_limited(call, rule.retry_after)
            case StatusFault():
                await act.error_status(call, rule.status, rule.retry_after)
            case HangFault():
                await act.hang(call, rule.seconds)
            case DropFault():
                await act.drop(call)
            case TruncatedFault():
                await call.forward(transform=act.truncate)
            case MalformedJsonFault():
                await call.forward(transform=act.malform)
            case HtmlFault():
                await act.html_page(call, rule.status)
            case ExpiredTokenFault():
                await self._expire(call)

    async def _expire(self, call: ASGICall) -> None:
        if not self._expire_hooks:
            await act.invalid_token(call)
            return
        for hook in self._expire_hooks:
            hook()
        await call.forward()

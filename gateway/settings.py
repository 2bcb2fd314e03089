"""Settings: a TOML file (``--config`` or ``HOURGLASS_CONFIG``) plus ``HOURGLASS_*`` variables.

Secrets never sit in the file: a credential is written ``token = { env = "HARVEST_TOKEN" }``
and read from the environment at start. (A literal string is accepted too, for the fake
credentials of the simulators.) Everything is validated before the app starts; every problem
is reported with the source it belongs to and the field, e.g.::

    sources[0] ('harvest-main'): token: environment variable HARVEST_TOKEN is not set
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.connectors.base import SourceConfig
from gateway.connectors.registry import CONNECTORS, vendor_module
from gateway.errors import ConfigError
from gateway.http.breaker import BreakerPolicy
from gateway.http.retry import RetryPolicy
from gateway.http.timeouts import VENDOR_REQUEST_CAP


def _at_least(value: float, info: ValidationInfo, other: str) -> float:
    """For a bound declared after the value it bounds (fields validate in order)."""
    lower = info.data.get(other)
    if lower is not None and value < lower:
        raise ValueError(f"must be at least {other} ({lower:g})")
    return value


class RetrySettings(BaseModel):
    """``[retry]``: how idempotent upstream requests are retried (never past the deadline)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(default=4, ge=1, le=10)  # 1: no retries
    backoff_base: float = Field(default=0.2, gt=0, le=VENDOR_REQUEST_CAP)
    backoff_cap: float = Field(default=5.0, gt=0, le=VENDOR_REQUEST_CAP)
    # A longer Retry-After is not waited out: the caller gets UPSTREAM_RATE_LIMITED at once.
    max_retry_after: float = Field(default=20.0, ge=0, le=VENDOR_REQUEST_CAP)

    @field_validator("backoff_cap")
    @classmethod
    def _cap_above_base(cls, value: float, info: ValidationInfo) -> float:
        return _at_least(value, info, "backoff_base")

    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.max_attempts,
            backoff_base=self.backoff_base,
            backoff_cap=self.backoff_cap,
            max_retry_after=self.max_retry_after,
        )


class CircuitBreakerSettings(BaseModel):
    """``[circuit_breaker]``: when a failing source stops being called, and for how long."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = True
    failure_threshold: int = Field(default=5, ge=1)
    cooldown: float = Field(default=30.0, gt=0)
    max_cooldown: float = Field(default=300.0, gt=0)

    @field_validator("max_cooldown")
    @classmethod
    def _max_above_cooldown(cls, value: float, info: ValidationInfo) -> float:
        return _at_least(value, info, "cooldown")

    def policy(self) -> BreakerPolicy:
        return BreakerPolicy(
            failure_threshold=self.failure_threshold,
            cooldown=self.cooldown,
            max_cooldown=self.max_cooldown,
            enabled=self.enabled,
        )


class Settings(BaseSettings):
    """Process-wide settings. Environment variables (``HOURGLASS_PORT=9000``) override the file."""

    model_config = SettingsConfigDict(env_prefix="HOURGLASS_", extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Per GraphQL request; vendors cut requests at 30 s, so a deadline past that buys nothing.
    request_deadline: float = Field(default=25.0, gt=0, le=VENDOR_REQUEST_CAP)
    user_agent: str = "Hourglass (https://github.com/hourglass-gateway; ops@example.com)"
    log_level: str = "INFO"
    reference_ttl: float = Field(default=300.0, ge=0)
    reference_cache_size: int = Field(default=1024, ge=1)
    # Seconds a successful GraphQL query response is served from memory (0: off). Seconds, not
    # minutes: time data moves, and a few seconds already absorb a dashboard's repeated polls.
    response_cache_ttl: float = Field(default=10.0, ge=0)
    # Without ``from``, time-entry listings look back this far.
    default_lookback_days: int = Field(default=365, ge=1)
    redis_url: str | None = None
    # Megabytes of memory ``hourglass serve`` touches at start and keeps (``heap.reserve``), so
    # that the first large queries do not grow the process page by page (0: off).
    heap_reserve_mb: int = Field(default=128, ge=0, le=65536)
    retry: RetrySettings = Field(default_factory=RetrySettings)
    circuit_breaker: CircuitBreakerSettings = Field(default_factory=CircuitBreakerSettings)
    sources: list[SourceConfig] = Field(default_factory=list)

    def secrets(self) -> list[str]:
        return [s for source in self.sources for s in source.secrets()]


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read and validate the configuration; ``ConfigError`` listing every problem otherwise."""
    env = os.environ if environ is None else environ
    path = path or env.get("HOURGLASS_CONFIG")
    return settings_from_dict(_read_toml(Path(path)) if path else {}, env)


def settings_from_dict(
    data: Mapping[str, Any], environ: Mapping[str, str] | None = None
) -> Settings:
    """Validate already-parsed configuration (the TOML file's content, or the demo's)."""
    env = os.environ if environ is None else environ
    data = dict(data)
    raw_sources = data.pop("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError("sources: must be an array of tables ([[sources]])")
    problems: list[str] = []
    sources = _parse_sources(raw_sources, env, problems)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        problems.extend(_describe(exc, prefix=""))
        settings = None
    if problems or settings is None:
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(problems))
    return settings.model_copy(update={"sources": sources})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {str(path)!r} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {str(path)!r} is not valid TOML: {exc}") from None


def _parse_sources(
    raw_sources: list[Any], env: Mapping[str, str], problems: list[str]
) -> list[SourceConfig]:
    sources: list[SourceConfig] = []
    names: set[str] = set()
    for index, raw in enumerate(raw_sources):
        label = f"sources[{index}]"
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a table")
            continue
        if isinstance(raw.get("name"), str):
            label += f" ({raw['name']!r})"
        source = _parse_source(raw, env, label, problems)
        if source is None:
            continue
        if source.name in names:
            problems.append(f"{label}: name: {source.name!r} is used by another source")
        names.add(source.name)
        sources.append(source)
    return sources


def _parse_source(
    raw: dict[str, Any], env: Mapping[str, str], label: str, problems: list[str]
) -> SourceConfig | None:
    vendor = raw.get("vendor")
    if vendor not in CONNECTORS:
        known = ", ".join(sorted(CONNECTORS))
        problems.append(f"{label}: vendor: {vendor!r} is not a supported vendor ({known})")
        return None
    resolved, missing = _resolve_env(raw, env)
    problems.extend(f"{label}: {m}" for m in missing)
    if missing:
        return None
    config_cls: type[SourceConfig] = vendor_module(vendor).CONFIG
    try:
        return config_cls(**resolved)
    except ValidationError as exc:
        problems.extend(_describe(exc, prefix=f"{label}: "))
        return None


def _resolve_env(raw: dict[str, Any], env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Replace ``{ env = "NAME" }`` values with the variable's value."""
    resolved: dict[str, Any] = {}
    missing: list[str] = []
    for key, value in raw.items():
        if isinstance(value, dict) and set(value) == {"env"}:
            name = str(value["env"])
            if not env.get(name):
                missing.append(f"{key}: environment variable {name} is not set")
                continue
            resolved[key] = env[name]
        else:
            resolved[key] = value
    return resolved, missing


def _describe(exc: ValidationError, *, prefix: str) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in error["loc"]) or "(entry)"
        message = error["msg"]
        if error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "extra_forbidden":
            message = "unknown field"
        lines.append(f"{prefix}{where}: {message}")
    return lines

"""The Everhour simulator's ``config.options`` (documented in the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from gateway.simulators.kit import SimulatorConfig

DEMO_API_KEY = "everhour-demo-key-7f3a9c21"
DEMO_TIMEZONE = "Europe/Berlin"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Options:
    api_key: str = DEMO_API_KEY
    timezone: str = DEMO_TIMEZONE
    default_limit: int = DEFAULT_LIMIT
    max_limit: int = MAX_LIMIT

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_config(cls, config: SimulatorConfig) -> Options:
        raw = config.options
        unknown = set(raw) - {"api_key", "timezone", "default_limit", "max_limit"}
        if unknown:
            raise ValueError(f"unknown everhour simulator options: {sorted(unknown)}")
        options = cls(
            api_key=str(raw.get("api_key", DEMO_API_KEY)),
            timezone=str(raw.get("timezone", DEMO_TIMEZONE)),
            default_limit=_int(raw, "default_limit", DEFAULT_LIMIT),
            max_limit=_int(raw, "max_limit", MAX_LIMIT),
        )
        options.zone  # noqa: B018 - fail at start on an unknown zone, not per request
        if not 1 <= options.default_limit <= options.max_limit:
            raise ValueError("everhour simulator needs 1 <= default_limit <= max_limit")
        return options


def _int(raw: dict[str, object], key: str, default: int) -> int:
    value = raw.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"everhour simulator option {key!r} must be an integer")
    return value

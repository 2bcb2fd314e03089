"""Per-app state shared by the routes, and the ``config.options`` knobs it is built from."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.simulators.hustle.lockout import DEFAULT_BLOCK_SECONDS, Lockout
from gateway.simulators.hustle.store import Store
from gateway.simulators.hustle.tokens import DEFAULT_TTL, TokenIssuer
from gateway.simulators.kit import SimulatorConfig, SlidingWindow

# "Access to the API will be limited to 25 requests per second for endpoints returning
# resources" (vendor docs); the token endpoint is exempt.
RATE_LIMIT = (25, 1.0)

CLIENT_ID = "hourglass-sync@riverbendalliance.org"
CLIENT_SECRET = "hs_live_8kq2Vt7RzX4pLm9NcW3yJd6H"


@dataclass(frozen=True, slots=True)
class Options:
    token_ttl: float = DEFAULT_TTL
    lockout_seconds: float = DEFAULT_BLOCK_SECONDS
    last_page_cursor: bool = False

    @classmethod
    def parse(cls, raw: dict[str, object]) -> Options:
        return cls(
            token_ttl=_seconds(raw, "token_ttl", DEFAULT_TTL),
            lockout_seconds=_seconds(raw, "lockout_seconds", DEFAULT_BLOCK_SECONDS),
            last_page_cursor=bool(raw.get("last_page_cursor", False)),
        )


def _seconds(raw: dict[str, object], key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"hustle simulator option {key!r} must be a number of seconds >= 0")
    return value


class Context:
    """What the routes need; :meth:`reset` restores the seed and forgets tokens and blocks."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.options = Options.parse(config.options)
        self.tokens = TokenIssuer(config.clock, self.options.token_ttl)
        self.lockout = Lockout(config.clock, self.options.lockout_seconds)
        limit, window = config.rate_limit or RATE_LIMIT
        self.window = SlidingWindow(limit, window, config.clock)
        self.store = Store(config.seed, config.data_date())

    def reset(self) -> None:
        self.store = Store(self.config.seed, self.config.data_date())
        self.tokens.revoke_all()
        self.lockout.reset()
        self.window.reset()

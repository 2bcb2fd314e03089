"""Failed token requests and the blocks they earn.

Vendor: "After 10 failed attempts to create an access token the ip of the request will be
blocked for some period of time, but only for the account in question. Additionally 100
failed attempts in a 24-hour period will result in the requester's ip being blocked."

So the short block is keyed by (ip, account) and the long one by ip alone. Our reading of the
parts the vendor leaves open:
- "10 failed attempts" counts failures since the caller's last successful token or the end of
  its last block; a success clears it.
- Attempts refused during a block are still failures: they count toward the 24-hour total
  (so hammering a blocked endpoint leads to the 24-hour block) but do not extend the short
  block.
- The 24-hour block lasts 24 hours from the 100th failure.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from gateway.simulators.kit import Clock

FAILURES_BEFORE_BLOCK = 10
DAILY_FAILURES = 100
DAY = 24 * 3600.0
DEFAULT_BLOCK_SECONDS = 900.0


@dataclass(slots=True)
class _Account:
    failures: int = 0
    blocked_until: float | None = None


@dataclass(slots=True)
class _Ip:
    failures: deque[float] = field(default_factory=deque)
    blocked_until: float | None = None


class Lockout:
    """Tracks token failures per caller; ``block_seconds`` is the short block's length."""

    def __init__(self, clock: Clock, block_seconds: float = DEFAULT_BLOCK_SECONDS) -> None:
        self.block_seconds = block_seconds
        self._clock = clock
        self._accounts: dict[tuple[str, str], _Account] = {}
        self._ips: dict[str, _Ip] = {}

    def blocked(self, ip: str, account: str) -> bool:
        now = self._clock.monotonic()
        return _active(self._ips.get(ip, _Ip()).blocked_until, now) or _active(
            self._accounts.get((ip, account), _Account()).blocked_until, now
        )

    def fail(self, ip: str, account: str) -> None:
        now = self._clock.monotonic()
        self._fail_ip(ip, now)
        entry = self._accounts.setdefault((ip, account), _Account())
        if entry.blocked_until is not None:
            if _active(entry.blocked_until, now):
                return
            entry.failures, entry.blocked_until = 0, None
        entry.failures += 1
        if entry.failures >= FAILURES_BEFORE_BLOCK:
            entry.blocked_until = now + self.block_seconds

    def succeed(self, ip: str, account: str) -> None:
        self._accounts.pop((ip, account), None)

    def reset(self) -> None:
        self._accounts.clear()
        self._ips.clear()

    def _fail_ip(self, ip: str, now: float) -> None:
        entry = self._ips.setdefault(ip, _Ip())
        entry.failures.append(now)
        while entry.failures[0] <= now - DAY:
            entry.failures.popleft()
        if len(entry.failures) >= DAILY_FAILURES and not _active(entry.blocked_until, now):
            entry.blocked_until = now + DAY


def _active(until: float | None, now: float) -> bool:
    return until is not None and now < until

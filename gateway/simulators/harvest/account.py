"""The seeded account: reference data plus time entries, rebuilt from the seed on reset."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from gateway.simulators.harvest.catalog import Catalog, build_catalog
from gateway.simulators.harvest.entries import Entry, seed_entries
from gateway.simulators.harvest.store import EntryStore
from gateway.simulators.harvest.timefmt import ACCOUNT_TZ, clock_time
from gateway.simulators.kit import SimulatorConfig


class Account:
    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self.catalog: Catalog
        self.store: EntryStore
        self.reload()

    def reload(self) -> None:
        rng = random.Random(self._config.seed)
        today = self._config.data_date()
        self.catalog = build_catalog(rng, today)
        entries = seed_entries(self.catalog, rng, today)
        _rewind_future_timers(entries, self._config.clock.now())
        self.store = EntryStore(self.catalog, entries)


def _rewind_future_timers(entries: list[Entry], now: datetime) -> None:
    """A running timer cannot have started after "now": on the data date the seeded timers sit
    in the afternoon, so early in the day they are moved to have started 15-105 minutes ago."""
    for entry in entries:
        started = entry.timer_started_at
        if started is None or started <= now:
            continue
        entry.timer_started_at = now - timedelta(minutes=15 + entry.id % 90)
        if entry.started_time is not None:
            entry.started_time = clock_time(entry.timer_started_at.astimezone(ACCOUNT_TZ))

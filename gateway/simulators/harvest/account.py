"""The seeded account: reference data plus time entries, rebuilt from the seed on reset."""

from __future__ import annotations

import random

from gateway.simulators.harvest.catalog import Catalog, build_catalog
from gateway.simulators.harvest.entries import seed_entries
from gateway.simulators.harvest.store import EntryStore
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
        self.store = EntryStore(self.catalog, seed_entries(self.catalog, rng, today))

"""One vendor behind the app: the Harvest simulator, in process (``harvest``), and settings
naming it alone (``settings``). Modules with a vendor set of their own define their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.types import ASGIApp

from gateway import simulators
from gateway.settings import Settings, settings_from_dict
from gateway.simulators.kit import SimulatorConfig
from gateway.simulators.kit.control import state_of


@pytest.fixture(scope="module")
def harvest() -> ASGIApp:
    app: ASGIApp = simulators.load("harvest").create_app(SimulatorConfig(seed=42))
    return app


@pytest.fixture
def settings(harvest: ASGIApp) -> Iterator[Settings]:
    state_of(harvest).reset()
    entry = dict(simulators.load("harvest").demo_source("http://harvest.simulator"))
    # One attempt: an injected fault is an error at once, not a retry.
    yield settings_from_dict({"sources": [entry], "retry": {"max_attempts": 1}}, environ={})
    state_of(harvest).reset()

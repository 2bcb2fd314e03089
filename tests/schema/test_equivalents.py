"""Inline equivalents give exactly what the resolvers they replace give."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from gateway import ids
from gateway.models import KIND_OF, Client, Project, Task, TimeEntry, User
from schema.execution.equivalents import _GLOBAL_ID, _HOURS, NAMES


def _compiled(expression: str) -> Callable[[Any], Any]:
    fn: Callable[[Any], Any] = eval(f"lambda o: ({expression})", dict(NAMES))
    return fn


def _hours_cases() -> list[Any]:
    rng = random.Random(10)
    big = [rng.randrange(1 << 50) for _ in range(20_000)]
    edges = [(1 << 50) - 1, 1 << 50, 1 << 60, -1, -17, -18, -19, -3600, True, False, 1.5, 7200.0]
    return [*range(200_000), *big, *edges]


def test_hours_is_round_of_seconds_over_3600() -> None:
    hours = _compiled(_HOURS)
    for seconds in _hours_cases():
        got, want = hours(SimpleNamespace(duration_seconds=seconds)), round(seconds / 3600, 2)
        # repr: the same float, sign of zero included
        assert repr(got) == repr(want) and type(got) is type(want), seconds


@pytest.mark.parametrize("cls", [TimeEntry, User, Project, Client, Task])
def test_global_id_is_ids_encode(cls: type) -> None:
    global_id = _compiled(_GLOBAL_ID)
    rng = random.Random(cls.__name__)
    alphabet = "ab09:-_?~+/=\n\xff\u2603"
    for _ in range(2000):
        source = "".join(rng.choice("abc-_9") for _ in range(rng.randrange(1, 8)))
        native = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 14)))
        record = _of(cls, source, native)
        assert global_id(record) == ids.encode(KIND_OF[cls], source, native)


def _of(cls: type, source: str, native: str) -> Any:
    if cls is TimeEntry:
        return TimeEntry(source, native, date(2026, 3, 20), duration_seconds=60)
    return cls(source, native, "name")

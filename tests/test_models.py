"""TimeEntry's ``__init__`` (stored through its slots, ``models._init_through_slots``) behaves as
the one dataclasses writes: same parameters, defaults and factory, and the instance is frozen."""

from __future__ import annotations

import dataclasses
import random
from datetime import UTC, date, datetime
from typing import Any

import pytest

from gateway.models import NOTHING_EMBEDDED, EmbeddedRef, Kind, TimeEntry, User, _init_through_slots

FIELDS = dataclasses.fields(TimeEntry)
VALUES: dict[str, list[Any]] = {
    "source": ["a", "b"],
    "id": ["1", "2"],
    "date": [date(2026, 1, 1), date(2026, 3, 29)],
    "duration_seconds": [0, 3600],
    "start": [None, datetime(2026, 1, 1, 9, tzinfo=UTC)],
    "end": [None, datetime(2026, 1, 1, 10, tzinfo=UTC)],
    "running": [False, True],
    "billable": [None, True],
    "description": [None, "notes"],
    "tags": [(), ("x", "y")],
    "user_id": [None, "u"],
    "project_id": [None, "p"],
    "task_id": [None, "t"],
    "client_id": [None, "c"],
    "created_at": [None, datetime(2025, 12, 31, tzinfo=UTC)],
    "updated_at": [None, datetime(2026, 1, 2, tzinfo=UTC)],
    "raw": [None, {"id": 1}],
    "embedded": [{Kind.USER: EmbeddedRef(User("a", "u", "Ann"), frozenset({"name"}))}],
}


def test_every_field_has_sample_values() -> None:
    assert set(VALUES) == {f.name for f in FIELDS}


@pytest.mark.parametrize("seed", range(20))
def test_arguments_given_or_left_out_land_where_the_dataclass_puts_them(seed: int) -> None:
    rng = random.Random(seed)
    required = [f.name for f in FIELDS[:4]]
    given = {f.name: rng.choice(VALUES[f.name]) for f in FIELDS if rng.random() < 0.5}
    given.update({name: rng.choice(VALUES[name]) for name in required})
    positional = rng.randrange(len(required) + 1)
    args = [given.pop(name) for name in required[:positional]]
    entry = TimeEntry(*args, **given)
    passed = dict(zip(required, args, strict=False)) | given
    for f in FIELDS:
        if f.name in passed:
            expected = passed[f.name]
        elif f.default_factory is not dataclasses.MISSING:
            expected = f.default_factory()
        else:
            expected = f.default
        assert getattr(entry, f.name) == expected, f.name
    if "embedded" not in passed:
        assert entry.embedded is NOTHING_EMBEDDED


def test_the_signature_refuses_what_the_dataclass_refuses() -> None:
    with pytest.raises(TypeError, match="required positional"):
        TimeEntry("a", "1")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="unexpected keyword"):
        TimeEntry("a", "1", date(2026, 1, 1), 0, colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values"):
        TimeEntry("a", "1", date(2026, 1, 1), 0, source="b")  # type: ignore[misc]


def test_an_entry_stays_frozen_hashable_and_compared_by_value() -> None:
    entry = TimeEntry("a", "1", date(2026, 1, 1), 60, raw={"x": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.id = "2"  # type: ignore[misc]
    twin = TimeEntry("a", "1", date(2026, 1, 1), 60, raw={"x": 2})  # raw is not compared
    assert entry == twin and hash(entry) == hash(twin)
    assert dataclasses.replace(entry, id="2").id == "2"


@pytest.mark.parametrize(
    "extra",
    [
        {"late": dataclasses.field(default=0, init=False)},
        {"named": dataclasses.field(default=0, kw_only=True)},
        {"__post_init__": lambda self: None},
    ],
)
def test_what_the_generated_init_would_leave_out_is_refused(extra: dict[str, Any]) -> None:
    namespace = {"__annotations__": {"id": "str"}} | extra
    if "__post_init__" not in extra:
        namespace["__annotations__"] |= {next(iter(extra)): "int"}
    cls: type = dataclasses.dataclass(frozen=True, slots=True)(type("Sample", (), namespace))
    with pytest.raises(TypeError, match="Sample"):
        _init_through_slots(cls)

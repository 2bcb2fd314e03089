"""Pagination, sorting and ``/search`` bodies, validated the strict way.

- ``page`` starts at 0; ``limit`` is 1..1000. ``limit=0`` (the legacy "unlimited") and anything
  over 1000 are 400s, as the newer README says; so are negative or non-integer values.
- ``sort=field`` / ``sort=-field`` repeat; the first is the primary key. A field not documented
  as sortable for the area is a 400.
- A search body is a JSON object of ``field: value`` (equality) or ``field: {"$op": value}``.
  Fields and operators are checked against the area's documented table; anything else is a 400.
  ``$in``/``$nin`` take a list (a bare scalar is read as a one-item list, as the vendor's own
  resource example writes ``{"$nin": "STATUS_ACTIVE"}``); ``$like`` is a case-insensitive
  substring; ``$lt``/``$lte``/``$gte`` compare dates (``YYYY-MM-DD``) or timestamps (any ISO 8601
  date or date-time, compared in UTC). Several fields, or several operators on one field, AND.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from itertools import islice
from typing import Any, Literal, TypeVar

import orjson
from starlette.datastructures import QueryParams

from gateway.simulators.hubplanner.data import iso_ms
from gateway.simulators.hubplanner.errors import ApiError

MAX_LIMIT = 1000
EQ = "$eq"  # internal name for a plain ``field: value`` condition
Kind = Literal["text", "list", "date", "stamp"]
R = TypeVar("R", bound=Mapping[str, object])
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class Field:
    """A searchable property: the operators the docs allow on it and how values compare.
    ``key`` is the record key it reads (``resources`` on time entries reads ``resource``)."""

    ops: frozenset[str]
    kind: Kind = "text"
    key: str = ""


@dataclass(frozen=True, slots=True)
class Condition:
    key: str
    op: str
    value: object  # a scalar, or a frozenset for $in/$nin
    test: Callable[[Mapping[str, object]], bool]


@dataclass(frozen=True, slots=True)
class Page:
    page: int
    limit: int

    @property
    def start(self) -> int:
        return self.page * self.limit


def parse_page(params: QueryParams, default_limit: int) -> Page:
    page = _int_param(params, "page", 0)
    limit = _int_param(params, "limit", default_limit)
    if page < 0:
        raise ApiError(400, "page must be 0 or greater")
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be between 1 and {MAX_LIMIT}")
    return Page(page, limit)


def _int_param(params: QueryParams, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(400, f"{name} must be an integer") from None


def parse_sort(params: QueryParams, sortable: frozenset[str]) -> list[tuple[str, bool]]:
    """``[(field, descending), ...]``, primary key first."""
    keys: list[tuple[str, bool]] = []
    for raw in params.getlist("sort"):
        name = raw.removeprefix("-")
        if name not in sortable:
            allowed = ", ".join(sorted(sortable))
            raise ApiError(400, f"cannot sort by {name!r}; sortable fields: {allowed}")
        keys.append((name, raw.startswith("-")))
    return keys


def parse_search(body: bytes, fields: Mapping[str, Field]) -> list[Condition]:
    try:
        spec = orjson.loads(body) if body.strip() else {}
    except orjson.JSONDecodeError:
        raise ApiError(400, "request body is not valid JSON") from None
    if not isinstance(spec, dict):
        raise ApiError(400, "search body must be a JSON object")
    conditions: list[Condition] = []
    for name, value in spec.items():
        field = fields.get(name)
        if field is None:
            raise ApiError(400, f"{name!r} is not a searchable property")
        conditions.extend(_conditions(name, field, value))
    return conditions


def _conditions(name: str, field: Field, value: object) -> list[Condition]:
    if not isinstance(value, dict):
        return [_condition(name, field, EQ, value)]
    if not value:
        raise ApiError(400, f"empty operator object for {name!r}")
    return [_condition(name, field, op, operand) for op, operand in value.items()]


def _condition(name: str, field: Field, op: str, operand: object) -> Condition:
    if op != EQ and op not in field.ops:
        allowed = ", ".join(sorted(field.ops))
        raise ApiError(400, f"operator {op!r} is not allowed on {name!r} (allowed: {allowed})")
    key = field.key or name
    if op in ("$in", "$nin"):
        items = operand if isinstance(operand, list) else [operand]
        values = frozenset(_normal(name, field.kind, item) for item in items)
        return Condition(key, op, values, _membership(key, values, op == "$nin"))
    if op == "$like":
        if not isinstance(operand, str):
            raise ApiError(400, f"$like on {name!r} needs a string")
        return Condition(key, op, operand, _like(key, operand.lower()))
    normal = _normal(name, field.kind, operand)
    return Condition(key, op, normal, _compare(key, op, normal))


def _normal(name: str, kind: Kind, value: object) -> object:
    if isinstance(value, dict | list):
        raise ApiError(400, f"invalid value for {name!r}")
    if kind == "date" and not (isinstance(value, str) and _DATE.match(value)
                               and _valid_date(value)):
        raise ApiError(400, f"{name!r} needs a date as YYYY-MM-DD")
    if kind == "stamp":
        return _stamp(name, value)
    return value


def _valid_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _stamp(name: str, value: object) -> str:
    """Any ISO 8601 date or date-time, as the canonical UTC millisecond string records use, so
    comparisons are plain string comparisons."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return iso_ms(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    raise ApiError(400, f"{name!r} needs an ISO 8601 date or date-time")


def _membership(key: str, values: frozenset[object],
                negate: bool) -> Callable[[Mapping[str, object]], bool]:
    def test(record: Mapping[str, object]) -> bool:
        have = record.get(key)
        hit = (not values.isdisjoint(have) if isinstance(have, list)
               else have in values)
        return hit != negate

    return test


def _like(key: str, needle: str) -> Callable[[Mapping[str, object]], bool]:
    def test(record: Mapping[str, object]) -> bool:
        have = record.get(key)
        return isinstance(have, str) and needle in have.lower()

    return test


def _compare(key: str, op: str, value: object) -> Callable[[Mapping[str, object]], bool]:
    def test(record: Mapping[str, object]) -> bool:
        have = record.get(key)
        if op == EQ:
            return value in have if isinstance(have, list) else have == value
        if not isinstance(have, str) or not isinstance(value, str):
            return False
        return have < value if op == "$lt" else have <= value if op == "$lte" else have >= value

    return test


def select(records: Iterable[R], conditions: list[Condition], sort: list[tuple[str, bool]],
           page: Page) -> list[R]:
    """One page of the records matching every condition. Unsorted, it stops scanning as soon
    as the page is full, so a page costs O(page number x limit), not O(all)."""
    matched = (r for r in records if all(c.test(r) for c in conditions))
    if not sort:
        return list(islice(matched, page.start, page.start + page.limit))
    ordered = list(matched)
    for name, descending in reversed(sort):  # stable sorts, least significant key first
        ordered.sort(key=partial(_sort_key, name), reverse=descending)
    return ordered[page.start : page.start + page.limit]


def _sort_key(name: str, record: Mapping[str, object]) -> tuple[bool, Any]:
    value = record.get(name)
    return (value is not None, value if value is not None else 0)

"""The schema describes itself: every type, field and argument of ours has a description."""

from __future__ import annotations

from enum import Enum

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from gateway.http import breaker
from schema import build_schema, sources


def test_every_type_field_and_argument_is_described() -> None:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, gql_type in schema.type_map.items():
        if name.startswith("__") or not isinstance(
            gql_type,
            GraphQLObjectType | GraphQLInterfaceType | GraphQLEnumType | GraphQLInputObjectType,
        ):
            continue
        if not gql_type.description:
            missing.append(name)
        for field_name, field in getattr(gql_type, "fields", {}).items():
            if not field.description:
                missing.append(f"{name}.{field_name}")
            for arg_name, arg in getattr(field, "args", {}).items():
                if not arg.description:
                    missing.append(f"{name}.{field_name}({arg_name})")
    assert missing == []


@pytest.mark.parametrize(
    ("breaker_enum", "graphql_enum"),
    [
        pytest.param(breaker.Health, sources.SourceStatus, id="health"),
        pytest.param(breaker.CircuitState, sources.CircuitState, id="circuit"),
    ],
)
def test_graphql_enums_are_the_breakers_by_value(
    breaker_enum: type[Enum], graphql_enum: type[Enum]
) -> None:
    # schema/sources.py converts by value: a breaker member without a twin would fail there.
    assert {m.value for m in breaker_enum} == {m.value for m in graphql_enum}

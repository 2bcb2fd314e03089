"""The code each kind of GraphQL error is answered (and logged) with: ``error_code``."""

from __future__ import annotations

import pytest
from graphql import GraphQLError

from gateway.errors import UpstreamRateLimited, UserInputError
from schema.extensions import error_code


@pytest.mark.parametrize(
    ("error", "code"),
    [
        pytest.param(GraphQLError("Cannot query field 'x'"), "GRAPHQL_VALIDATION_FAILED",
                     id="validation"),
        pytest.param(GraphQLError("Syntax Error", extensions={"code": "GRAPHQL_PARSE_FAILED"}),
                     "GRAPHQL_PARSE_FAILED", id="own-code"),
        pytest.param(GraphQLError("Variable '$n'", original_error=GraphQLError("bad")),
                     "BAD_USER_INPUT", id="variables"),
        pytest.param(GraphQLError("no", path=["a"], original_error=UserInputError("no")),
                     "BAD_USER_INPUT", id="domain"),
        pytest.param(GraphQLError("slow", path=["a"], original_error=UpstreamRateLimited("s", "slow")),
                     "UPSTREAM_RATE_LIMITED", id="upstream"),
        pytest.param(GraphQLError("boom", path=["a"], original_error=KeyError("secret")),
                     "INTERNAL_SERVER_ERROR", id="bug"),
        # Raised as a GraphQLError while a field ran, with no code: not the document's fault.
        pytest.param(GraphQLError("failed", path=["a"]), "INTERNAL_SERVER_ERROR",
                     id="raised-while-running"),
    ],
)  # fmt: skip
def test_each_kind_of_error_has_its_code(error: GraphQLError, code: str) -> None:
    assert error_code(error) == code

"""The code each kind of GraphQL error is answered (and logged) with: ``error_code``."""

from __future__ import annotations

import logging

import pytest
import strawberry
from graphql import GraphQLError

from gateway.errors import UpstreamRateLimited, UserInputError
from schema import HourglassSchema
from schema.extensions import SourceProblems, error_code


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


@strawberry.type
class _Query:
    @strawberry.field
    def bug(self) -> int | None:
        raise KeyError("https://vendor.example/v2?token=s3cret")

    @strawberry.field
    def refused(self) -> int | None:
        raise UserInputError("`first` must be between 0 and 5000")


async def test_a_bug_is_hidden_from_the_client_and_logged_with_its_trace(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="hourglass")
    schema = HourglassSchema(query=_Query, extensions=[SourceProblems])
    result = await schema.execute("{ bug refused }")
    bug, refused = sorted(result.errors or [], key=lambda e: str(e.path))
    assert (bug.message, bug.extensions) == ("internal error", {"code": "INTERNAL_SERVER_ERROR"})
    assert refused.extensions == {"code": "BAD_USER_INPUT"}
    [trace] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert trace.exc_info is not None and "s3cret" in repr(trace.exc_info[1])
    [line] = [r for r in caplog.records if r.getMessage() == "graphql error"]
    assert line.__dict__["fields"]["code"] == "BAD_USER_INPUT"

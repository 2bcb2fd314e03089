"""Schema extensions: turning recorded problems and domain errors into GraphQL errors."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.errors import HourglassError, UpstreamError
from schema.context import Context

INTERNAL = "INTERNAL_SERVER_ERROR"


class SourceProblems(SchemaExtension):
    """Append the per-source problems resolvers recorded to the result's ``errors``, and give
    every error raised from a resolver an ``extensions.code`` (never a stack trace)."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        context = self.execution_context.context
        if result is None:
            return
        errors = [_with_code(e) for e in (result.errors or [])]
        if isinstance(context, Context):
            errors.extend(context.problems.errors)
        result.errors = errors or None


def error_code(error: GraphQLError) -> str:
    """The ``extensions.code`` ``error`` is answered with, and logged with (``process_errors``,
    which sees errors before this extension has coded them)."""
    original = error.original_error
    if isinstance(original, HourglassError):
        return original.code
    if isinstance(original, GraphQLError) and error.path is None:
        # graphql-core refusing the request's variables before anything ran ("Variable '$n'
        # got invalid value ..."): the client's input, and a message safe to show.
        return "BAD_USER_INPUT"
    code = (error.extensions or {}).get("code")
    if isinstance(code, str) and original is None:
        return code
    if original is not None or error.path is not None:
        # An unexpected exception, or graphql-core's own failure to complete a field that
        # ran ("Cannot return null for non-nullable field ..."): ours, not the client's.
        return INTERNAL
    return "GRAPHQL_VALIDATION_FAILED"  # no cause and nothing ran: the document is invalid


def unexpected(error: GraphQLError) -> bool:
    """Whether ``error`` wraps an exception that is our bug (not a domain error, not
    graphql-core refusing the request): its text is hidden, its trace logged."""
    original = error.original_error
    return (
        original is not None
        and not isinstance(original, HourglassError)
        and error_code(error) == INTERNAL
    )


def _with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    code = error_code(error)
    if unexpected(error):
        # Its text may hold anything (URLs, payloads). Hide it.
        return GraphQLError(
            "internal error",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": code},
            original_error=original,
        )
    extensions = {**(error.extensions or {}), "code": code}
    if isinstance(original, UpstreamError):
        extensions["source"] = original.source
        if original.retry_after is not None:
            extensions["retryAfter"] = original.retry_after
    error.extensions = extensions
    return error

"""Schema extensions: turning recorded problems and domain errors into GraphQL errors."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.errors import HourglassError, UpstreamError
from schema.context import Context


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


def _with_code(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions = dict(error.extensions or {})
    if isinstance(original, HourglassError):
        extensions["code"] = original.code
        if isinstance(original, UpstreamError):
            extensions["source"] = original.source
            if original.retry_after is not None:
                extensions["retryAfter"] = original.retry_after
    elif isinstance(original, GraphQLError) and error.path is None:
        # graphql-core refusing the request's variables before anything ran ("Variable '$n'
        # got invalid value ..."): the client's input, and a message safe to show.
        extensions["code"] = "BAD_USER_INPUT"
    elif original is not None:
        # An unexpected exception: its text may hold anything (URLs, payloads). Hide it.
        return GraphQLError(
            "internal error",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR"},
            original_error=original,
        )
    elif "code" not in extensions:
        extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
    error.extensions = extensions
    return error

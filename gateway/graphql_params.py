"""GraphQL over HTTP, the request side: from a body or a query string to a checked operation.

Sans-I/O. Every way a request can be malformed becomes a ``RequestError`` carrying the HTTP
status and a message that says exactly what is wrong, never a stack trace. Status codes follow
the GraphQL-over-HTTP draft (graphql.github.io/graphql-over-http): 400 for a malformed request
or a document that does not parse, 405 for a mutation over GET, 415 for a body that is not JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import ParserCache

# Far past any real query (the dashboard's is ~90 tokens); bounds what one request can make
# the parser do before validation's depth and alias limits even look at it.
MAX_TOKENS = 20_000
# The schema's ParserCache size, which Documents shares (schema/__init__.py).
PARSE_CACHE_SIZE = 512


class RequestError(Exception):
    """A request refused before execution: ``status``, a ``message`` for the client, a ``code``."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str = "BAD_REQUEST",
        headers: Mapping[str, str] | None = None,
        *,
        error: GraphQLError | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})
        if error is not None:
            # The refused document's error carries the code it is answered with, wherever it
            # goes next (the schema's ``process_errors`` logs it).
            error.extensions = {**(error.extensions or {}), "code": code}
        self.error = error

    def payload(self) -> dict[str, Any]:
        """The response body: ``errors`` as GraphQL formats them, with ``extensions.code``."""
        formatted = self.error.formatted if self.error is not None else {"message": self.message}
        return {"errors": [{**formatted, "extensions": {"code": self.code}}]}


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None


def from_json_body(content_type: str, body: bytes) -> GraphQLParams:
    """The parameters of a POST: a JSON object with ``query``, ``variables``, ``operationName``."""
    media_type = content_type.partition(";")[0].strip().lower()
    if media_type != "application/json":
        raise RequestError(
            415,
            "send GraphQL requests as Content-Type: application/json",
            "UNSUPPORTED_MEDIA_TYPE",
            {"Accept-Post": "application/json"},
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise RequestError(400, f"the request body is not valid JSON: {exc}") from None
    if isinstance(data, list):
        raise RequestError(
            400, "batched requests are not supported: send one operation per request"
        )
    if not isinstance(data, dict):
        raise RequestError(400, "the request body must be a JSON object with a `query` string")
    return _checked(data.get("query"), data.get("variables"), data.get("operationName"), data)


def from_query_string(query_string: bytes) -> GraphQLParams:
    """The parameters of a GET: ``?query=...&variables=<JSON>&operationName=...``."""
    params = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
    variables: object = params.get("variables") or None
    if isinstance(variables, str):
        try:
            variables = orjson.loads(variables)
        except orjson.JSONDecodeError:
            raise RequestError(400, "the `variables` parameter is not valid JSON") from None
    return _checked(params.get("query"), variables, params.get("operationName") or None, {})


def _checked(
    query: object, variables: object, operation_name: object, data: Mapping[str, object]
) -> GraphQLParams:
    if query is None or query == "":
        raise RequestError(400, "no GraphQL document: send it as the `query` string")
    if not isinstance(query, str):
        raise RequestError(400, "`query` must be a string holding the GraphQL document")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError(400, "`variables` must be a JSON object (or null)")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError(400, "`operationName` must be a string (or null)")
    extensions = data.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError(400, "`extensions` must be a JSON object (or null)")
    return GraphQLParams(query, variables, operation_name)


class Documents:
    """Parsed documents by their text: a repeat costs a string hash, not a parse.

    The LRU is the one the schema's ``ParserCache`` parses through (Strawberry keeps one per
    ``maxsize``), called with the options the schema's ``MaxTokensLimiter`` sets, so a text
    is parsed once and held once for both the operation check here and the execution.
    """

    def __init__(self, maxsize: int = PARSE_CACHE_SIZE) -> None:
        self._parse = ParserCache(maxsize=maxsize).cached_parse_document

    def operation(self, params: GraphQLParams) -> OperationDefinitionNode:
        """The operation the request selects; ``RequestError`` if none can be selected."""
        try:
            document: DocumentNode = self._parse(params.query, max_tokens=MAX_TOKENS)
        except GraphQLError as exc:
            raise RequestError(400, exc.message, "GRAPHQL_PARSE_FAILED", error=exc) from exc
        return _select(document, params.operation_name)


def _select(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise RequestError(400, f"unknown operation named {name!r}")
    if len(operations) == 1:
        return operations[0]
    if not operations:
        raise RequestError(400, "the document holds no operation to execute")
    raise RequestError(
        400, "the document holds several operations: say which one in `operationName`"
    )

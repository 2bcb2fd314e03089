"""GraphQL over HTTP, the ASGI endpoint: POST JSON, GET queries, GraphiQL, the response cache.

Lean on purpose: one pass over the headers, orjson both ways, documents parsed once per text,
no framework request or response objects. A repeated query is answered from the response
cache (gateway/response_cache.py) without parsing or executing; everything else executes
through the Strawberry schema (``schema.execute``), so its extensions (parse and validation
caches, depth and alias limits, per-source problems) and ``process_errors`` logging apply.

Responses (GraphQL-over-HTTP draft):

- 200 with ``data`` (and ``errors`` for what failed while executing: a source down);
- 400 when the request never executed: not JSON, no ``query``, a document that does not parse
  (``GRAPHQL_PARSE_FAILED``) or validate (``GRAPHQL_VALIDATION_FAILED``), variables that do
  not fit (``BAD_USER_INPUT``);
- 405 for a method other than GET/POST, or a mutation over GET; 413 for an oversized body;
  415 for a POST that is not ``application/json``.

Query responses carry ``X-Hourglass-Cache``: ``HIT`` (nothing executed for this request: the
response was stored, or an identical request was executing and this one shared its result),
``MISS`` (executed, stored if it had no errors), ``BYPASS`` (the client sent
``Cache-Control: no-cache``: executed, and stored if it may be; ``no-store``: executed, not
stored), ``AHEAD`` (the next page of a listing read through, computed while the client read
the page before: ``gateway.next_page``; stored as a miss is). A hit also carries ``Age``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

import orjson
import strawberry
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLFormattedError,
    OperationDefinitionNode,
    OperationType,
)
from starlette.types import Message, Receive, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http.ides import get_graphql_ide_html
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as AllowedOperation

from gateway import heap
from gateway.errors import HourglassError
from gateway.graphql_params import (
    Documents,
    GraphQLParams,
    RequestError,
    from_json_body,
    from_query_string,
)
from gateway.http.critical import critical_scope
from gateway.next_page import Answer, NextPages, next_variables
from gateway.response_cache import Outcome, ResponseCache, cache_key

ContextGetter = Callable[[Scope], object]
# Run before an operation that reads data is executed (the app starts due token exchanges).
Prepare = Callable[[Scope], Awaitable[None]]

MAX_BODY_BYTES = 1 << 20

_JSON = (b"content-type", b"application/json")
_HTML = (b"content-type", b"text/html; charset=utf-8")
_CACHE_HEADER = b"x-hourglass-cache"
_HIT, _MISS, _BYPASS, _AHEAD = b"HIT", b"MISS", b"BYPASS", b"AHEAD"
_INTERNAL, _INVALID = "INTERNAL_SERVER_ERROR", "GRAPHQL_VALIDATION_FAILED"
_OVER_GET = frozenset({AllowedOperation.QUERY})
_OVER_POST = frozenset({AllowedOperation.QUERY, AllowedOperation.MUTATION})


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=lambda: [_JSON])
    # Work to start once the reply is sent (``GraphQLEndpoint._read_on``): before, it held up
    # the sending of a large page, which the loop writes as the client reads it.
    then: Callable[[], None] | None = None

    async def send(self, send: Send) -> None:
        headers = [*self.headers, (b"content-length", b"%d" % len(self.body))]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


@dataclass(slots=True)
class _Wanted:
    """The few request headers the endpoint reads, found in one pass."""

    content_type: str = ""
    accept: bytes = b""
    cache_control: bytes = b""

    @classmethod
    def of(cls, headers: Iterable[tuple[bytes, bytes]]) -> _Wanted:
        wanted = cls()
        for name, value in headers:
            if name == b"content-type":
                wanted.content_type = value.decode("latin-1")
            elif name == b"accept":
                wanted.accept = value
            elif name == b"cache-control":
                wanted.cache_control = value.lower()
        return wanted


class GraphQLEndpoint:
    """An ASGI app serving one schema at one path; ``context(scope)`` makes each request's context.

    ``cache`` (optional) stores successful query responses; without it nothing is cached and
    responses carry no ``X-Hourglass-Cache``. ``next_pages`` (optional) holds the next page of
    a listing read through, computed as soon as a page is answered (``gateway.next_page``).
    """

    def __init__(
        self,
        schema: strawberry.Schema,
        context: ContextGetter,
        *,
        cache: ResponseCache | None = None,
        graphiql: bool = True,
        max_body_bytes: int = MAX_BODY_BYTES,
        prepare: Prepare | None = None,
        next_pages: NextPages | None = None,
    ) -> None:
        self._schema = schema
        self._context = context
        self._cache = cache
        self._next_pages = next_pages
        # What a mutation makes stale (``_write``).
        self._forget: list[Callable[[], None]] = [
            *([cache.invalidate] if cache is not None else []),
            *([next_pages.clear] if next_pages is not None else []),
        ]
        self._prepare = prepare
        self._documents = Documents()
        self._max_body = max_body_bytes
        self._ide = get_graphql_ide_html("graphiql").encode() if graphiql else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            reply = await self._handle(scope, receive)
        except RequestError as exc:
            headers = [_JSON, *((k.encode(), v.encode()) for k, v in exc.headers.items())]
            reply = Reply(exc.status, orjson.dumps(exc.payload()), headers)
        await reply.send(send)
        if reply.then is not None:
            reply.then()

    async def _handle(self, scope: Scope, receive: Receive) -> Reply:
        method = scope["method"]
        wanted = _Wanted.of(scope["headers"])
        if method == "POST":
            body = await _read_body(receive, self._max_body)
            params = from_json_body(wanted.content_type, body)
        elif method == "GET":
            if self._ide is not None and _wants_ide(wanted.accept, scope["query_string"]):
                return Reply(200, self._ide, [_HTML])
            params = from_query_string(scope["query_string"])
        else:
            raise RequestError(
                405,
                "GraphQL is served over GET and POST",
                "METHOD_NOT_ALLOWED",
                {"Allow": "GET, POST"},
            )
        return await self._operation(scope, params, method == "GET", wanted.cache_control)

    async def _operation(
        self, scope: Scope, params: GraphQLParams, over_get: bool, cache_control: bytes
    ) -> Reply:
        cache, next_pages = self._cache, self._next_pages
        directive = _cache_directive(cache_control)
        key = (
            b""
            if cache is None and next_pages is None
            else cache_key(params.query, params.operation_name, params.variables)
        )
        # Only successful queries are ever stored, so a stored key needs no parse, validation
        # or GET-vs-mutation check: it passed them all before.
        stored = cache.lookup(key) if cache is not None and directive is None else None
        if stored is not None:
            body, age = stored
            return Reply(200, body, [_JSON, (_CACHE_HEADER, _HIT), (b"age", b"%d" % age)])
        operation = self._checked_operation(params, over_get)
        kind = operation.operation
        prepare = self._prepare if self._prepare and _reads_data(operation) else None
        allowed = _OVER_GET if over_get else _OVER_POST
        ahead = next_pages if kind is OperationType.QUERY else None
        taken = False  # ``produce`` took an answer computed ahead
        following: GraphQLParams | None = None  # the next page, when there is one to read on

        async def produce() -> Outcome:
            nonlocal taken, following
            done = await ahead.take(key) if ahead is not None else None
            taken = done is not None
            if done is None:
                if prepare is not None:
                    await prepare(scope)
                done = await self._execute(scope, params, allowed, operation)
            outcome, after = done
            if after is not None:
                following = replace(params, variables=after)
            return outcome

        if kind is OperationType.MUTATION:
            outcome = await _write(produce, self._forget)
            return Reply(outcome.status, outcome.body)
        if cache is None:
            outcome = await produce()
            then = self._then(following, scope, operation, allowed)
            return Reply(outcome.status, outcome.body, then=then)
        if directive is None:
            outcome, shared = await cache.shared(key, produce)
            label = _HIT if shared else _MISS
        elif directive == b"no-store":
            outcome, label = await produce(), _BYPASS
        else:
            outcome, label = await cache.refresh(key, produce), _BYPASS
        return Reply(
            outcome.status,
            outcome.body,
            [_JSON, (_CACHE_HEADER, _AHEAD if taken else label)],
            then=self._then(following, scope, operation, allowed),
        )

    def _then(
        self,
        following: GraphQLParams | None,
        scope: Scope,
        operation: OperationDefinitionNode,
        allowed: frozenset[AllowedOperation],
    ) -> Callable[[], None] | None:
        """What starts the next page's computation once this reply is sent, if there is one."""
        if following is None or self._next_pages is None:
            return None
        return partial(self._read_on, self._next_pages, scope, following, allowed, operation)

    def _read_on(
        self,
        next_pages: NextPages,
        scope: Scope,
        params: GraphQLParams,
        allowed: frozenset[AllowedOperation],
        operation: OperationDefinitionNode,
    ) -> None:
        """Compute the next page's answer (``params``) now, for its request to take."""

        async def compute() -> Answer | None:
            # Its own critical scope (what it holds for token exchanges), under the deadline of
            # the request that set it off; in flight as a request is, for the collector's sake
            # (at idle thresholds its allocations cost ~100 ms of young collections over a
            # month's second page here).
            with critical_scope(), heap.in_flight():
                done = await self._execute(scope, params, allowed, operation)
            # Only an answer that could be stored: one with errors is computed again, when
            # asked for, as it would have been.
            return done if done[0].cacheable else None

        key = cache_key(params.query, params.operation_name, params.variables)
        next_pages.start(key, compute)

    def _checked_operation(self, params: GraphQLParams, over_get: bool) -> OperationDefinitionNode:
        """The selected operation, if this request may run it (``RequestError`` if not)."""
        try:
            operation = self._documents.operation(params)
        except RequestError as exc:
            if exc.error is not None:
                self._schema.process_errors([exc.error])  # logged as Strawberry would
            raise
        kind = operation.operation
        if kind is OperationType.SUBSCRIPTION:
            raise RequestError(400, "subscriptions are not served over HTTP")
        if over_get and kind is not OperationType.QUERY:
            raise RequestError(
                405, "mutations are not allowed over GET: use POST", "METHOD_NOT_ALLOWED",
                {"Allow": "POST"},
            )  # fmt: skip
        return operation

    async def _execute(
        self,
        scope: Scope,
        params: GraphQLParams,
        allowed: frozenset[AllowedOperation],
        operation: OperationDefinitionNode,
    ) -> Answer:
        """The answer, and the variables of the page after it when the operation reads a
        listing through (``next_variables``; only with ``next_pages``)."""
        try:
            result = await self._schema.execute(
                params.query,
                variable_values=params.variables,
                context_value=self._context(scope),
                operation_name=params.operation_name,
                allowed_operation_types=allowed,
            )
        except (MissingQueryError, CannotGetOperationTypeError, InvalidOperationTypeError) as exc:
            # Checked before executing (graphql_params); kept as a net, never as a 500.
            raise RequestError(400, "the request does not select an operation to run") from exc
        # Freed once the process is idle, not before the answer is sent: dropping a month's
        # page of completed entries here (~5,000 dicts and all they hold) took ~3 ms of its
        # critical path.
        heap.release_when_idle(result)
        outcome = _outcome(result)
        after = None
        reads_on = self._next_pages is not None and operation.operation is OperationType.QUERY
        if reads_on and outcome.cacheable and outcome.status == 200:
            after = next_variables(operation, params.variables, result.data)
        return outcome, after


def _reads_data(operation: OperationDefinitionNode) -> bool:
    """Whether the operation selects anything but introspection (``__schema``, ``__type``,
    ``__typename``) at its root: what GraphiQL sends on load reads no source."""
    return any(
        not isinstance(selection, FieldNode) or not selection.name.value.startswith("__")
        for selection in operation.selection_set.selections
    )


def _outcome(result: ExecutionResult) -> Outcome:
    errors = result.errors or []
    if result.data is None and errors and all(e.path is None for e in errors):
        # Nothing executed: the request was at fault (validation, variable coercion), unless
        # the failure was ours (an extension that broke: INTERNAL_SERVER_ERROR).
        formatted = [_unexecuted(e) for e in errors]
        ours = any(f["extensions"]["code"] == _INTERNAL for f in formatted)
        return Outcome(500 if ours else 400, orjson.dumps({"errors": formatted}), False)
    payload: dict[str, Any] = {"data": result.data}
    if errors:
        payload["errors"] = [e.formatted for e in errors]
    if result.extensions:
        payload["extensions"] = result.extensions
    # Any error at all (a source down, a field that failed) makes the result incomplete.
    return Outcome(200, orjson.dumps(payload), cacheable=not errors)


def _unexecuted(error: GraphQLError) -> GraphQLFormattedError:
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError | HourglassError):
        # Strawberry turns an exception raised outside the resolvers (an extension, the
        # executor) into GraphQLError(str(exc)), which the schema's extensions never see: its
        # text may hold anything (a URL, a token). Show none of it.
        return {"message": "internal error", "extensions": {"code": _INTERNAL}}
    formatted = error.formatted
    # Validation errors come back before the schema's extensions saw them.
    formatted.setdefault("extensions", {}).setdefault("code", _INVALID)
    return formatted


async def _write(
    produce: Callable[[], Awaitable[Outcome]], forget: list[Callable[[], None]]
) -> Outcome:
    """A mutation, with what was computed before it forgotten (stored responses, next pages
    computed ahead). Before: no query starting now reads a pre-mutation answer. After: none
    that ran meanwhile is kept (the cache's generation moved on)."""
    for drop in forget:
        drop()
    try:
        return await produce()
    finally:
        for drop in forget:
            drop()


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            return b""  # the client went away; whatever is answered, nobody reads it
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestError(
                413, f"the request body is larger than {limit} bytes", "PAYLOAD_TOO_LARGE"
            )
        if not message.get("more_body", False):
            return chunk if not chunks else b"".join([*chunks, chunk])
        chunks.append(chunk)


def _wants_ide(accept: bytes, query_string: bytes) -> bool:
    """A browser opening the endpoint (as Strawberry decides it): HTML accepted, no ``query``."""
    if b"text/html" not in accept and b"*/*" not in accept:
        return False
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return not any(name == "query" and value for name, value in pairs)


def _cache_directive(cache_control: bytes) -> bytes | None:
    """``no-store`` or ``no-cache`` when the client asked to bypass stored responses."""
    if not cache_control:
        return None
    directives = {d.strip().partition(b"=")[0] for d in cache_control.split(b",")}
    if b"no-store" in directives:
        return b"no-store"
    if b"no-cache" in directives:
        return b"no-cache"
    return None

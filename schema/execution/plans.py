"""Compile a plain selection on a list's object type into one Python loop building its dicts.

A selection is *plain* when every field graphql-core collected for it (fragments, aliases,
@skip/@include already applied by ``collect_subfields``) is ``__typename``, a Strawberry field
that only reads an attribute, or a resolver with a checked equivalent
(``equivalents.MIRRORS``), and its value is a scalar or enum, a list of those, or an object
whose own selection is plain. For each item the compiled loop appends exactly the dict
graphql-core's ``execute_fields`` would build, or raises; it never records an error. Whatever
is not certain (a null in a non-null position, a value the scalar refuses, an exception, an
unexpected type) raises, and the caller then completes that item the normal way and resumes
the loop after it, so errors, paths and null propagation are graphql-core's own.

The generated code is straight-line: the list's item body inlined in its loop, one ``def`` per
nested object selection, attributes read directly, built-in scalars checked inline
(``v if v.__class__ is str else <serialize>``), the rest serialized by the GraphQL type's own
``coerce_output_value``. What is the same for every item of a list (context reads, a nested
object's dict, a date's text) is done once per list.
"""

from __future__ import annotations

import dis
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from math import isfinite
from operator import methodcaller
from typing import Any, Protocol, cast

import orjson
from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLString,
    get_named_type,
    is_leaf_type,
    is_object_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Undefined
from strawberry.types.field import StrawberryField

from schema.execution.equivalents import HOISTED, NAMES, current_mirror

log = logging.getLogger("hourglass.graphql.compiled")
# ``plan(items, ctx, info, out)`` appends the dicts of ``items``'s items to ``out`` until one
# it cannot complete: it raises there, with that item taken from ``items`` and not appended.
Plan = Callable[[Iterator[Any], Any, Any, list[Any]], None]
STRAWBERRY_FIELD = "strawberry-definition"
CONDITIONAL = frozenset({"skip", "include"})  # already applied by collect_subfields

# Inline checks for graphql-core's own scalars: when they hold, its serializer returns the value
# unchanged (see graphql/type/scalars.py); otherwise the serializer itself is called.
_INLINE: dict[int, str] = {
    id(GraphQLString): "{v} if {v}.__class__ is str else {ser}({v})",
    id(GraphQLID): "{v} if {v}.__class__ is str else {ser}({v})",
    id(GraphQLBoolean): "{v} if ({v} is True or {v} is False) else {ser}({v})",
    id(GraphQLInt): (
        "{v} if ({v}.__class__ is int and -2147483648 <= {v} <= 2147483647) else {ser}({v})"
    ),
    id(GraphQLFloat): "{v} if ({v}.__class__ is float and _isfinite({v})) else {ser}({v})",
}


# Strawberry's DateTime serializes with ``isoformat()``; for an aware datetime in the UTC
# singleton (what gateway.normalize produces) orjson writes the same RFC 3339 text (checked over
# years 1-9999, with and without microseconds, in tests/schema) in less than half the time.
# A date's isoformat() is what the scalar's methodcaller("isoformat") calls.
_ISO_UTC = (
    "_dumps({v})[1:-1].decode() if ({v}.__class__ is _datetime and {v}.tzinfo is _UTC) "
    "else ({date_text} if {v}.__class__ is _date else {ser}({v}))"
)


def _inline_template(gql_type: Any) -> str | None:
    template = _INLINE.get(id(gql_type))
    if template is not None:
        return template
    coerce = gql_type.coerce_output_value
    if isinstance(coerce, methodcaller) and coerce.__reduce__() == (methodcaller, ("isoformat",)):
        return _ISO_UTC
    return None


def _leaf_template(gql_type: GraphQLOutputType) -> str | None:
    """The inline template of a field's type when it is a (possibly non-null) leaf."""
    leaf = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
    return _inline_template(leaf) if is_leaf_type(leaf) else None


def _immutable_leaf(gql_type: GraphQLOutputType) -> bool:
    """Whether the field completes to an immutable value: a scalar with an inline template
    (those give the str, int, float or bool itself, or an ISO string)."""
    return _leaf_template(gql_type) is not None


def _is_datetime(gql_type: GraphQLOutputType) -> bool:
    return _leaf_template(gql_type) is _ISO_UTC and get_named_type(gql_type).name == "DateTime"


def _moments_together(moments: list[tuple[str, list[str]]]) -> list[str]:
    """Completions of an object's DateTime values: when all are UTC datetimes, one orjson
    call writes them all (each as ``_ISO_UTC`` writes it alone: the array's items are those
    texts, which hold no quote), else each its own way. Reads are pure, so completing after
    the other fields changes nothing."""
    if len(moments) < 2:
        return [line for _, completion in moments for line in completion]
    names = ", ".join(name for name, _ in moments)
    utc = " and ".join(f"{n}.__class__ is _datetime and {n}.tzinfo is _UTC" for n, _ in moments)
    return [
        f"if {utc}:",
        f"    {names} = _dumps(({names},))[2:-2].decode().split('\",\"')",
        "else:",
        *(f"    {line}" for _, completion in moments for line in completion),
    ]


@dataclass
class _Scope:
    """What one generated function binds before its work: the context reads its equivalents
    use (``equivalents.HOISTED``) and, in a list plan, a cache per nested object field."""

    caching: bool
    prelude: dict[str, str] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{name} = {expression}" for name, expression in self.prelude.items()]


# A read of the context other than its gateway (the same object for every request).
_READS_REQUEST = re.compile(r"\bctx\b(?!\.gateway\.)")


class NotPlain(Exception):
    """The selection uses something the compiled path does not reproduce exactly."""


class Bail(Exception):
    """This value cannot be completed here: complete it the normal way."""


class SubfieldCollector(Protocol):
    def __call__(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> Any: ...


def _leaf_serializer(
    gql_type: Any, *, null: Callable[[Any], Any] | None = None
) -> Callable[[Any], Any]:
    """The scalar's own serializer; ``null`` (when given) answers for a None value."""
    coerce = gql_type.coerce_output_value

    def serialize(value: Any) -> Any:
        if value is None and null is not None:
            return null(value)
        # graphql-core's complete_leaf_value raises on a null or undefined coercion.
        out = coerce(value)
        if out is None or out is Undefined:
            raise Bail
        return out

    return serialize


def _raise_bail(*_: Any) -> Any:
    raise Bail


def _none(*_: Any) -> None:
    return None


def ignores_info(is_type_of: Callable[..., Any]) -> bool:
    """Whether ``is_type_of(value, info)`` provably never reads ``info`` (its last parameter),
    so calling it without one is the same call."""
    fn = getattr(is_type_of, "__func__", is_type_of)
    code = getattr(fn, "__code__", None)
    if code is None or code.co_flags & 0x0C:  # *args / **kwargs could reach it indirectly
        return False
    info = code.co_varnames[code.co_argcount - 1]
    if info in code.co_cellvars or {"locals", "vars", "eval", "exec", "sys"} & set(code.co_names):
        return False
    return all(ins.argval != info for ins in dis.get_instructions(code))


class PlanCompiler:
    """Compiles plans for one request (the variables and fragments are the request's)."""

    def __init__(
        self, schema: GraphQLSchema, collect: SubfieldCollector, *, context_ok: bool
    ) -> None:
        self._schema = schema
        self._collect = collect
        self._context_ok = context_ok
        self._env: dict[str, Any] = {
            "_Bail": Bail,
            "_isfinite": isfinite,
            "_Undefined": Undefined,
            "_dumps": orjson.dumps,
            "_datetime": datetime,
            "_date": date,
            "_UTC": UTC,
        }
        self._defs: list[str] = []
        self._count = 0
        # Whether the plan being compiled reads the request: its context beyond the gateway
        # (references prefetched for the page, embedded ones chosen for it, a function of the
        # context), or a list field's info.
        self._reads_request = False

    def compile(
        self, obj_type: GraphQLObjectType, fields: FieldDetailsList
    ) -> tuple[Plan, bool] | None:
        """The plan for a list of ``fields`` selected on ``obj_type`` (None when it is not
        plain), and whether it reads only its items and the gateway: then it builds the same
        dicts for any request with the same gateway, called with any context whose
        ``gateway`` it is and no info (``RenderAhead``)."""
        self._defs, self._reads_request = [], False
        try:
            entry = self._list(obj_type, fields)
        except NotPlain:
            return None
        except Exception:  # a bug here must cost speed, never a response
            log.exception("compiling a plan failed; using the normal path")
            return None
        namespace = dict(self._env)
        # Safe to exec: the text holds only generated names and repr() of GraphQL names.
        exec("\n\n".join(self._defs), namespace)
        plan: Plan = namespace[entry]
        return plan, not self._reads_request

    def signature(
        self, obj_type: GraphQLObjectType, fields: FieldDetailsList, keep: list[Any]
    ) -> tuple[Any, ...]:
        """What the plan for ``fields`` on ``obj_type`` depends on, hashable: the collected
        fields (after this request's fragments and @skip/@include) down the whole selection,
        by the identity of their AST nodes, which are appended to ``keep`` so that the
        identities cannot be reused while a cache holds the signature."""
        grouped, new_defer_usages, _forbidden = self._collect(obj_type, fields)
        parts: list[Any] = [obj_type.name, bool(new_defer_usages)]
        for response_name, details in grouped.items():
            keep.extend(d.node for d in details)
            special = any(d.defer_usage is not None or d.fragment_variable_values for d in details)
            field_def = self._schema.get_field(obj_type, details[0].node.name.value)
            named = get_named_type(field_def.type) if field_def is not None else None
            sub = self.signature(named, details, keep) if is_object_type(named) else None
            parts.append((response_name, tuple(id(d.node) for d in details), special, sub))
        return tuple(parts)

    def _name(self, prefix: str, value: Any = None) -> str:
        self._count += 1
        name = f"_{prefix}{self._count}"
        if value is not None:
            self._env[name] = value
        return name

    def _list(self, obj_type: GraphQLObjectType, fields: FieldDetailsList) -> str:
        """A function completing a list's items into ``out``, one loop with the item's body
        inlined (no call per item); it stops by raising at an item it cannot complete, which
        it has then taken from ``items`` but not appended."""
        fn = self._name("l")
        scope = _Scope(caching=True)
        body, out, _ = self._body(obj_type, fields, scope)
        if obj_type.is_type_of is not None:
            # graphql-core asks is_type_of with the list field's info.
            self._reads_request |= not ignores_info(obj_type.is_type_of)
            check = self._name("t", obj_type.is_type_of)
            body.insert(0, f"if {check}(o, info) is not True: raise _Bail")
        lines = [f"def {fn}(items, ctx, info, out):", "    append = out.append"]
        lines.extend(f"    {line}" for line in scope.lines())
        lines.append("    for o in items:")
        lines.extend(f"        {line}" for line in body)
        lines.append(f"        append({out})")
        self._defs.append("\n".join(lines))
        return fn

    def _object(self, obj_type: GraphQLObjectType, fields: FieldDetailsList) -> tuple[str, bool]:
        """A function building one object's dict, and whether that dict holds only immutable
        values (so a copy of it is as good as building it again)."""
        fn = self._name("p")
        scope = _Scope(caching=False)
        body, out, immutable = self._body(obj_type, fields, scope)
        lines = [f"def {fn}(o, ctx):"]
        lines.extend(f"    {line}" for line in [*scope.lines(), *body])
        lines.append(f"    return {out}")
        self._defs.append("\n".join(lines))
        return fn, immutable

    def _body(
        self, obj_type: GraphQLObjectType, fields: FieldDetailsList, scope: _Scope
    ) -> tuple[list[str], str, bool]:
        """Statements completing source ``o``'s fields, the dict expression of the result,
        and whether its values are all immutable."""
        grouped, new_defer_usages, _forbidden = self._collect(obj_type, fields)
        if new_defer_usages:
            raise NotPlain
        body: list[str] = []
        out: list[str] = []
        moments: list[tuple[str, list[str]]] = []  # DateTime fields, completed together
        immutable = True
        for index, (response_name, details) in enumerate(self._fields(grouped)):
            value = f"v{index}"
            body.append(f"{value} = {self._read(obj_type, details, scope)}")
            field_def = self._schema.get_field(obj_type, details[0].node.name.value)
            assert field_def is not None
            completion = self._complete(field_def.type, details, value, value, scope)
            if _is_datetime(field_def.type):
                moments.append((value, completion))
            else:
                body.extend(completion)
            out.append(f"{response_name!r}: {value}")
            immutable = immutable and _immutable_leaf(field_def.type)
        body.extend(_moments_together(moments))
        return body, "{" + ", ".join(out) + "}", immutable

    @staticmethod
    def _fields(grouped: GroupedFieldSet) -> list[tuple[str, FieldDetailsList]]:
        for details in grouped.values():
            for detail in details:
                if detail.defer_usage is not None or detail.fragment_variable_values:
                    raise NotPlain
                node = detail.node
                directives = node.directives or ()
                if node.arguments or any(d.name.value not in CONDITIONAL for d in directives):
                    raise NotPlain
        return list(grouped.items())

    def _read(self, obj_type: GraphQLObjectType, details: FieldDetailsList, scope: _Scope) -> str:
        """An expression for the field's resolved value on source ``o``."""
        name = details[0].node.name.value
        if name == "__typename":
            return repr(obj_type.name)
        field_def = self._schema.get_field(obj_type, name)
        field = (field_def.extensions or {}).get(STRAWBERRY_FIELD) if field_def else None
        if field_def is None or not isinstance(field, StrawberryField) or field_def.args:
            raise NotPlain
        if field.extensions or field.permission_classes or field.directives:
            raise NotPlain
        if type(field).get_result is not StrawberryField.get_result:
            raise NotPlain
        if field.base_resolver is None:
            if getattr(field_def.resolve, "__name__", "") != "_get_basic_result":
                raise NotPlain  # wrapped (exception handlers): not a bare attribute read
            if field.default_resolver is getattr and field.python_name.isidentifier():
                return f"o.{field.python_name}"
            getter = self._name("g", field.default_resolver)
            return f"{getter}(o, {field.python_name!r})"
        mirror = current_mirror(cast(Callable[..., Any], field.base_resolver.wrapped_func))
        if mirror is None or (mirror.needs_context and not self._context_ok):
            raise NotPlain
        if isinstance(mirror.equivalent, str):
            self._env.update(NAMES)
            for name, expression in HOISTED.items():
                if re.search(rf"\b{name}\b", mirror.equivalent):
                    scope.prelude[name] = expression
                    self._reads_request = True
            self._reads_request |= _READS_REQUEST.search(mirror.equivalent) is not None
            return f"({mirror.equivalent})"
        self._reads_request = True  # a function of the context: it may read anything there
        return f"{self._name('e', mirror.equivalent)}(o, ctx)"

    def _complete(
        self,
        gql_type: GraphQLOutputType,
        details: FieldDetailsList,
        src: str,
        dst: str,
        scope: _Scope,
    ) -> list[str]:
        """Statements completing ``src`` of ``gql_type`` into variable ``dst`` (or raising)."""
        if isinstance(gql_type, GraphQLNonNull):
            inner = self._complete_present(gql_type.of_type, details, src, dst, scope)
            return [f"if {src} is None: raise _Bail", *inner]
        inner = self._complete_present(gql_type, details, src, dst, scope)
        return [f"if {src} is None: {dst} = None", "else:", *(f"    {line}" for line in inner)]

    def _leaf_item(self, gql_type: GraphQLOutputType) -> str | None:
        """An expression completing list item ``x`` of a built-in scalar type, if there is one."""
        non_null = isinstance(gql_type, GraphQLNonNull)
        leaf = gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type
        template = _INLINE.get(id(leaf))
        if template is None:
            return None
        ser = self._name("s", _leaf_serializer(leaf, null=_raise_bail if non_null else _none))
        return template.format(v="x", ser=ser)

    def _complete_present(
        self,
        gql_type: GraphQLOutputType,
        details: FieldDetailsList,
        src: str,
        dst: str,
        scope: _Scope,
    ) -> list[str]:
        if is_leaf_type(gql_type):
            template = _inline_template(gql_type)
            if template is None:
                coerce = self._name("c", gql_type.coerce_output_value)
                # graphql-core's complete_leaf_value refuses a null or undefined coercion.
                return [
                    f"{dst} = {coerce}({src})",
                    f"if {dst} is None or {dst} is _Undefined: raise _Bail",
                ]
            ser = self._name("s", _leaf_serializer(gql_type))
            date_text = f"{src}.isoformat()"
            if template is _ISO_UTC and scope.caching:
                # The items of a list share few dates: each date's text is made once per list
                # (it is a function of the date's value; a datetime's is not: its offset).
                cache = self._name("c")
                scope.prelude[cache] = "{}"
                date_text = f"({cache}.get({src}) or {cache}.setdefault({src}, {date_text}))"
            return [f"{dst} = " + template.format(v=src, ser=ser, date_text=date_text)]
        if isinstance(gql_type, GraphQLList):
            check = f"if {src}.__class__ is not list and {src}.__class__ is not tuple: raise _Bail"
            leaf = self._leaf_item(gql_type.of_type)
            if leaf is not None:  # inlined in the comprehension: no call per item
                return [check, f"{dst} = [{leaf} for x in {src}] if {src} else []"]
            item = self._name("i")
            item_scope = _Scope(caching=False)
            body = self._complete(gql_type.of_type, details, "x", "x", item_scope)
            body[:0] = item_scope.lines()
            self._defs.append(
                "\n".join([f"def {item}(x, ctx):", *(f"    {b}" for b in body), "    return x"])
            )
            return [check, f"{dst} = [{item}(x, ctx) for x in {src}]"]
        if isinstance(gql_type, GraphQLObjectType):
            lines = []
            if gql_type.is_type_of is not None:
                if not ignores_info(gql_type.is_type_of):
                    raise NotPlain
                check = self._name("t", gql_type.is_type_of)
                lines.append(f"if {check}({src}, None) is not True: raise _Bail")
            plan, immutable = self._object(gql_type, details)
            if not (scope.caching and immutable):
                return [*lines, f"{dst} = {plan}({src}, ctx)"]
            # In a list, items naming the same object (a user, a project) get a copy of the dict
            # built for the first: equal, each its own, built once. Nothing the plan runs
            # changes an object it reads, and the cache holds the object, so its id stays its.
            cache = self._name("c")
            scope.prelude[cache] = "{}"
            return [
                f"d = {cache}.get(id({src}))",
                f"if d is not None: {dst} = d[1].copy()",
                "else:",
                *(f"    {line}" for line in lines),
                f"    d = {plan}({src}, ctx)",
                f"    {cache}[id({src})] = ({src}, d)",
                f"    {dst} = d",
            ]
        raise NotPlain  # interfaces and unions: the runtime type needs resolving


__all__ = ["Bail", "Plan", "PlanCompiler", "ignores_info"]

"""Synchronous resolvers the compiled path may replace, each by a function proven equivalent.

An equivalent takes ``(source, context)`` and returns exactly what its resolver returns, or
raises when it cannot tell (a reference not prefetched, where the resolver would await a
load): the item then goes through graphql-core's normal path, which runs the resolver.

The proof is by reading: each entry names the functions whose bodies it mirrors, with a
fingerprint of their code taken when the mirror was checked. When someone edits one of those
bodies the fingerprint no longer matches and the entry is dropped (the field is then simply
not compiled) until the equivalent is re-checked and the fingerprint updated;
``stale_equivalents()`` lists such entries and a test fails on any.
"""

from __future__ import annotations

import hashlib
import logging
from binascii import b2a_base64
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from gateway import ids, models
from gateway.listing import encode_cursor
from gateway.models import KIND_OF, Kind
from schema import common, context, node, projects, sources, tasks, time_entries

log = logging.getLogger("hourglass.graphql.compiled")

Equivalent = Callable[[Any, Any], Any]


def fingerprint(fn: Callable[..., Any]) -> str:
    """A hash of what ``fn`` does (its bytecode, constants and names), not of where it sits."""
    code: CodeType = getattr(fn, "__func__", fn).__code__
    return hashlib.sha256(repr(_shape(code)).encode()).hexdigest()[:12]


def _shape(code: CodeType) -> tuple[Any, ...]:
    consts = tuple(_const(c) for c in code.co_consts)
    return (code.co_code, consts, code.co_names, code.co_varnames, code.co_freevars)


def _const(value: Any) -> Any:
    if isinstance(value, CodeType):
        return _shape(value)
    if isinstance(value, frozenset):  # its repr's order depends on the hash seed
        return sorted(map(repr, value))
    return value


def _reference(ctx: Any, kind: Kind, source: str, native_id: str | None) -> Any:
    # Context.reference: None without an id; the prefetched value when there is one (KeyError,
    # hence the normal path, when there is not: the resolver would await a load).
    if native_id is None:
        return None
    return ctx.prefetched[(kind, source, native_id)]


def _held(ctx: Any, kind: Kind, holder: Any, native_id: str | None) -> Any:
    # Context.held_reference: the embedded reference chosen for the holder's page, else
    # ``_reference``.
    if native_id is None:
        return None
    found = ctx.embedded.get((kind, id(holder)))
    if found is not None:
        return found[1]
    return ctx.prefetched[(kind, holder.source, native_id)]


_KIND_PREFIX = {cls: f"{kind.value}:" for cls, kind in KIND_OF.items()}
_URLSAFE = bytes.maketrans(b"+/", b"-_")
# Node.id through ids.encode, with base64.urlsafe_b64encode's two wrappers inlined: b64encode
# is b2a_base64 without the newline (stripped here with the padding: neither "\n" nor "="
# occurs elsewhere in its output); urlsafe swaps "+/" for "-_".
_GLOBAL_ID = (
    '_b2a_base64(f"{_KIND_PREFIX[type(o)]}{o.source}:{o.id}".encode())'
    '.translate(_URLSAFE).rstrip(b"=\\n").decode("ascii")'
)
# TimeEntry.hours, round(seconds / 3600, 2), without round()'s decimal conversion where
# integer arithmetic gives the same float: for an int 0 <= s < 2**50, round() rounds the
# float s/3600 (within 2**-53 relatively of the exact s/3600) to the nearest hundredth; the
# exact value lies at least 1/36 of a hundredth from a midpoint unless s % 36 == 18, far more
# than that error, so the hundredths are (s + 18) // 36, and k / 100 is the float nearest to
# k hundredths, as round() returns. Checked against round() in tests/schema.
_HOURS = (
    "(s + 18) // 36 / 100 if ((s := o.duration_seconds).__class__ is int and 0 <= s < 1 << 50"
    " and s % 36 != 18) else round(s / 3600, 2)"
)


def _client(entry: Any, ctx: Any) -> Any:
    # time_entries._client_of and _client_of_project, with every reference prefetched.
    if not models.client_via_project(entry):
        return _held(ctx, Kind.CLIENT, entry, entry.client_id)
    project = _reference(ctx, Kind.PROJECT, entry.source, entry.project_id)
    if not isinstance(project, models.Project):
        return None
    return _reference(ctx, Kind.CLIENT, project.source, project.client_id)


@dataclass(frozen=True, slots=True)
class Mirror:
    """An equivalent and the functions (with fingerprints) whose behaviour it copies.

    The equivalent is a function of ``(source, context)`` or, to save a call per item, a
    Python expression over ``o`` (the source) and ``ctx`` using the globals in ``NAMES``.
    """

    equivalent: Equivalent | str
    mirrors: tuple[tuple[Callable[..., Any], str], ...]
    needs_context: bool = False

    def is_current(self) -> bool:
        return all(fingerprint(fn) == printed for fn, printed in self.mirrors)


def _resolver(cls: type, name: str) -> Callable[..., Any]:
    field = next(f for f in cls.__strawberry_definition__.fields if f.python_name == name)  # type: ignore[attr-defined]
    assert field.base_resolver is not None
    fn: Callable[..., Any] = field.base_resolver.wrapped_func
    return fn


_TE = time_entries.TimeEntry
# Context.reference: every reference equivalent mirrors it through ``_reference``, and
# Context.held_reference through ``_held``.
_REF = (context.Context.reference, "4535b3877df2")
_HELD = (context.Context.held_reference, "3bb3dfdf4b85")
_RT = (sources._rt, "f515059735a0")
_CLIENT_OF = (
    (time_entries._client_of, "32a3305da49f"),
    (time_entries._client_of_project, "431c9e838bbd"),
)


def _ref_expr(kind: str, attr: str, source: str = "o.source") -> str:
    """``_reference`` inlined: ``_pre`` raises KeyError when not prefetched."""
    return f"None if o.{attr} is None else _pre[({kind}, {source}, o.{attr})]"


def _held_expr(kind: str, attr: str) -> str:
    """``_held`` on the item, inlined: ``_pre`` raises KeyError when not prefetched; no
    embedded reference served (``_emb`` empty) is the usual case, so ``_emb``'s truth is
    tested before any lookup in it."""
    embedded = f"(held := _emb.get(({kind}, id(o)))) is None"
    return (
        f"None if (nid := o.{attr}) is None else "
        f"(_pre[({kind}, o.source, nid)] if not _emb or {embedded} else held[1])"
    )


# Names the inline equivalents may use for a read of the context, bound once per generated
# function (per list, for a list's plan): nothing a plan runs rebinds or changes them.
HOISTED: dict[str, str] = {"_pre": "ctx.prefetched", "_emb": "ctx.embedded"}

# Globals the inline equivalents use.
NAMES: dict[str, Any] = {
    "_K_USER": Kind.USER,
    "_K_PROJECT": Kind.PROJECT,
    "_K_TASK": Kind.TASK,
    "_K_CLIENT": Kind.CLIENT,
    "_encode_cursor": encode_cursor,
    "_rt": sources._rt,
    "_held": _held,
    "_b2a_base64": b2a_base64,
    "_KIND_PREFIX": _KIND_PREFIX,
    "_URLSAFE": _URLSAFE,
}


def _entry(
    cls: type,
    name: str,
    printed: str,
    equivalent: Equivalent | str,
    *also: tuple[Callable[..., Any], str],
    context: bool = False,
) -> tuple[Callable[..., Any], Mirror]:
    resolver = _resolver(cls, name)
    mirror = Mirror(equivalent, ((resolver, printed), *also), needs_context=context or bool(also))
    return resolver, mirror


# Keyed by the resolver function itself: the same function serves every type that inherits it.
MIRRORS: dict[Callable[..., Any], Mirror] = dict(
    [
        _entry(node.Node, "id", "f9ce84e28e2c", _GLOBAL_ID, (ids.encode, "5888aaeb1c1e")),
        _entry(node.Node, "native_id", "6f1c3af0a0f9", "str(o.id)"),
        _entry(node.Node, "raw", "35de8116abb3", "o.raw"),
        _entry(_TE, "hours", "496bbcf7d506", _HOURS),
        _entry(
            _TE,
            "user",
            "f8fa0ff8342c",
            _held_expr("_K_USER", "user_id"),
            _HELD,
            _REF,
        ),
        _entry(
            _TE,
            "project",
            "6b07e0e345e4",
            _held_expr("_K_PROJECT", "project_id"),
            _HELD,
            _REF,
        ),
        _entry(
            _TE,
            "task",
            "e5030d02f8d1",
            _held_expr("_K_TASK", "task_id"),
            _HELD,
            _REF,
        ),
        _entry(_TE, "client", "67fbf2c785d0", _client, *_CLIENT_OF, _HELD, _REF),
        _entry(
            projects.Project,
            "client",
            "fb9c375ae060",
            _held_expr("_K_CLIENT", "client_id"),
            _HELD,
            _REF,
        ),
        _entry(
            tasks.Task,
            "project",
            "e7c55a5224e0",
            _ref_expr("_K_PROJECT", "project_id"),
            _REF,
        ),
        _entry(common.Edge, "cursor", "9e33f078cc86", "_encode_cursor(o.key)"),
        # Every dashboard entry names its source: without these the whole list fell back.
        _entry(node.Node, "source", "aa7db8ee31c3", "ctx.gateway.sources[o.source]", context=True),
        _entry(sources.Source, "name", "5720270dfb8f", "_rt(o).name", _RT),
        _entry(sources.Source, "vendor", "d49a48055ca2", "_rt(o).config.vendor", _RT),
    ]
)


def stale_equivalents() -> list[str]:
    """Mirrors whose resolver (or a function it calls) changed since it was checked."""
    return [
        f"{fn.__module__}.{fn.__qualname__}: {fingerprint(fn)} (checked: {printed})"
        for mirror in MIRRORS.values()
        for fn, printed in mirror.mirrors
        if fingerprint(fn) != printed
    ]


def current_mirror(resolver: Callable[..., Any]) -> Mirror | None:
    """The checked equivalent of ``resolver``, if it has one that is still current."""
    mirror = MIRRORS.get(resolver)
    return mirror if mirror is not None and mirror.is_current() else None

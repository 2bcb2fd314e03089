"""Reading what a query selects below a list, to prefetch references once per list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from gateway.models import EmbeddedRef, Kind, Project, Task
from schema.context import Info

# graphql-core applies these before executing anything: once read here, they change nothing.
CONDITIONS = frozenset({"skip", "include"})


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    """The fields the selections execute: through fragments, without those ``@skip`` or
    ``@include`` leaves out (Strawberry gives their arguments with the variables applied)."""
    for selection in selections:
        if _left_out(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)


def _left_out(directives: Mapping[str, Mapping[str, Any]]) -> bool:
    return directives.get("skip", {}).get("if") is True or (
        directives.get("include", {}).get("if") is False
    )


def node_selection(info: Info) -> dict[str, SelectedField]:
    """Fields selected on a connection's items (through ``edges { node }`` or ``nodes``), by
    field name: a field selected more than once (under aliases, in fragments, through both
    paths) with every selection under it, since one prefetch answers them all."""
    found: dict[str, SelectedField] = {}
    for top in _fields(info.selected_fields):
        for child in _fields(top.selections):
            if child.name == "nodes":
                _merge(found, child.selections)
            elif child.name == "edges":
                for edge_field in _fields(child.selections):
                    if edge_field.name == "node":
                        _merge(found, edge_field.selections)
    return found


def _merge(found: dict[str, SelectedField], selections: Iterable[Selection]) -> None:
    for selected in _fields(selections):
        seen = found.get(selected.name)
        found[selected.name] = (
            selected
            if seen is None
            else replace(seen, selections=[*seen.selections, *selected.selections])
        )


def sub_selection(selected: SelectedField) -> set[str]:
    return {f.name for f in _fields(selected.selections)}


# GraphQL fields a partial reference can answer, with the model attributes each reads.
# ``source`` is answered from the source name every object carries.
_ANSWERS: dict[str, frozenset[str]] = {
    "__typename": frozenset(),
    "source": frozenset(),
    "id": frozenset({"id"}),
    "nativeId": frozenset({"id"}),
    "name": frozenset({"name"}),
}
# Links a partial reference may answer from what it embeds in turn: field -> (kind, attribute).
_LINKS: dict[Kind, dict[str, tuple[Kind, str]]] = {
    Kind.PROJECT: {"client": (Kind.CLIENT, "client_id")},
}


@dataclass(frozen=True, slots=True)
class Needs:
    """What a selection on a reference reads: model attributes, and linked references' needs."""

    attrs: frozenset[str]
    links: tuple[tuple[Kind, str, Needs], ...] = ()  # (kind, id attribute, its needs)


def needs(kind: Kind, selected: SelectedField) -> Needs | None:
    """What answering ``selected`` (a ``kind`` field) reads, or None when only the full object
    will do: any field not known to be answerable, and any field carrying a directive other
    than ``@skip``/``@include`` (already applied by ``_fields``)."""
    attrs: set[str] = set()
    links: list[tuple[Kind, str, Needs]] = []
    for sub in _fields(selected.selections):
        link = _LINKS.get(kind, {}).get(sub.name)
        if sub.directives.keys() - CONDITIONS or (sub.name not in _ANSWERS and link is None):
            return None
        if link is None:
            attrs |= _ANSWERS[sub.name]
            continue
        inner = needs(link[0], sub)
        if inner is None:
            return None
        attrs.add(link[1])
        links.append((link[0], link[1], inner))
    return Needs(frozenset(attrs), tuple(links))


def covers(ref: EmbeddedRef | None, need: Needs) -> bool:
    """Whether ``ref`` holds everything ``need`` reads, links included: a link it does not
    embed is covered only when it holds the link's id as None (a project without a client)."""
    if ref is None or not need.attrs <= ref.holds:
        return False
    return all(
        covers(ref.links[kind], inner) if kind in ref.links else getattr(ref.value, attr) is None
        for kind, attr, inner in need.links
    )


async def prefetch_links(info: Info, items: Sequence[object]) -> None:
    """For a page of projects or tasks, load the client / project each links to once for the
    whole page when the selection asks for it, so no item awaits its own load."""
    selected = node_selection(info)
    ctx = info.context
    if "client" in selected:
        keys = {(p.source, p.client_id) for p in items if isinstance(p, Project) and p.client_id}
        await ctx.prefetch(Kind.CLIENT, keys, info)
    if "project" in selected:
        keys = {(t.source, t.project_id) for t in items if isinstance(t, Task) and t.project_id}
        await ctx.prefetch(Kind.PROJECT, keys, info)

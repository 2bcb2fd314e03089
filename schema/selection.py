"""Reading what a query selects below a list, to prefetch references once per list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from gateway.models import Kind, Project, Task
from schema.context import Info


def _fields(selections: Iterable[Selection]) -> Iterable[SelectedField]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, (FragmentSpread, InlineFragment)):
            yield from _fields(selection.selections)


def node_selection(info: Info) -> dict[str, SelectedField]:
    """Fields selected on a connection's items (through ``edges { node }`` or ``nodes``)."""
    found: dict[str, SelectedField] = {}
    for top in _fields(info.selected_fields):
        for child in _fields(top.selections):
            if child.name == "nodes":
                found.update((f.name, f) for f in _fields(child.selections))
            elif child.name == "edges":
                for edge_field in _fields(child.selections):
                    if edge_field.name == "node":
                        found.update((f.name, f) for f in _fields(edge_field.selections))
    return found


def sub_selection(selected: SelectedField) -> set[str]:
    return {f.name for f in _fields(selected.selections)}


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

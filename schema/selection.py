"""Reading what a query selects below a list, to prefetch references once per list."""

from __future__ import annotations

from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

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

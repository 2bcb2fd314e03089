"""The references a vendor record embeds next to its ids, built once per distinct set of names.

A listing repeats a few users, tasks and projects over thousands of records: records naming the
same ones share one (immutable) mapping instead of building a handful of objects each. The
vendor's mapping decides what its record names; this only builds the references.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from gateway.models import (
    ID_AND_NAME,
    Client,
    EmbeddedRef,
    Kind,
    Project,
    Task,
    User,
    embedded_project,
)

Named = tuple[str, str]  # (id, name) of an embedded object that has both


@lru_cache(maxsize=4096)
def embedded_refs(
    source: str,
    *,
    user: Named | None = None,
    task: Named | None = None,
    client: Named | None = None,
    project: Named | None = None,
    names_client: bool = True,
) -> Mapping[Kind, EmbeddedRef]:
    """The named objects as partial references (id and name), the project linked to the client.

    ``names_client``: whether the record names a client at all (see
    :func:`gateway.models.embedded_project`); ``False`` says the project has none, so only a
    record that says so passes it.
    """
    found: dict[Kind, EmbeddedRef] = {}
    if user is not None:
        found[Kind.USER] = EmbeddedRef(User(source, *user), ID_AND_NAME)
    if task is not None:
        found[Kind.TASK] = EmbeddedRef(Task(source, *task), ID_AND_NAME)
    if client is not None:
        found[Kind.CLIENT] = EmbeddedRef(Client(source, *client), ID_AND_NAME)
    if project is not None:
        found[Kind.PROJECT] = embedded_project(
            Project(source, *project), found.get(Kind.CLIENT), names_client=names_client
        )
    return MappingProxyType(found)

"""Per-area tables: searchable properties, sortable fields and default page sizes.

Searchable properties and their operators follow each section's "Searchable Properties" table
and the vendor sheet. Sortable fields: the clients section marks ``name``, ``createdDate`` and
``updatedDate``; the other sections' tables carry no Sortable column in the material, so the
simulator makes the natural fields sortable (listed below) and rejects everything else.

Default ``limit``: 20 for time entries (documented); 1000 (the maximum) elsewhere, the closest
lawful reading of the legacy "0 = unlimited" default the newer README withdrew.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.simulators.hubplanner.query import Field

IN_NIN = frozenset({"$in", "$nin"})
TEXT_OPS = frozenset({"$in", "$nin", "$like"})
RANGE = frozenset({"$lt", "$lte", "$gte"})


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    searchable: dict[str, Field]
    sortable: frozenset[str]
    default_limit: int = 1000


RESOURCE = Area(
    "resource",
    {
        "_id": Field(IN_NIN),
        **{name: Field(TEXT_OPS) for name in
           ("email", "firstName", "lastName", "status", "role", "metadata")},
    },
    frozenset({"firstName", "lastName", "email", "status", "role", "createdDate",
               "updatedDate"}),
)

PROJECT = Area(
    "project",
    {
        "_id": Field(IN_NIN),
        **{name: Field(TEXT_OPS) for name in ("name", "status", "projectCode", "metadata")},
        "resources": Field(IN_NIN, "list"),
        "start": Field(RANGE, "date"),
        "end": Field(RANGE, "date"),
    },
    frozenset({"name", "projectCode", "status", "start", "end", "createdDate", "updatedDate"}),
)

CLIENT = Area(
    "client",
    {"name": Field(TEXT_OPS), "metadata": Field(TEXT_OPS)},
    frozenset({"name", "createdDate", "updatedDate"}),
)

TIMEENTRY = Area(
    "timeentry",
    {
        "_id": Field(IN_NIN),
        "resource": Field(IN_NIN),
        # The section's table names it "resources" while its example uses "resource": both work.
        "resources": Field(IN_NIN, key="resource"),
        "project": Field(IN_NIN),
        "status": Field(IN_NIN),
        "metadata": Field(IN_NIN),
        "date": Field(RANGE, "date"),
        "updatedDate": Field(RANGE, "stamp"),
    },
    frozenset({"date", "minutes", "status", "createdDate", "updatedDate"}),
    default_limit=20,
)

"""The coverage rule: an embedded reference answers a selection only if it holds all it reads,
and a page serves a source's embedded references only if all its entries naming one embed it."""

from __future__ import annotations

from datetime import date

import pytest
from strawberry.types.nodes import InlineFragment, SelectedField

from gateway.models import ID_AND_NAME, Client, EmbeddedRef, Kind, Project, TimeEntry, User
from gateway.service import Gateway
from schema.context import Context
from schema.selection import covers, needs
from schema.time_entries import _choose


def field(
    name: str,
    *subs: SelectedField | InlineFragment,
    directives: dict[str, dict[str, object]] | None = None,
) -> SelectedField:
    return SelectedField(name, directives or {}, {}, list(subs))


# A directive the schema may define: what it does to the value is not known here.
CUSTOM: dict[str, dict[str, object]] = {"uppercase": {}}


CLIENT = EmbeddedRef(Client("h", "c1", "Acme"), ID_AND_NAME)
LINKED = EmbeddedRef(
    Project("h", "p1", "Site", "c1"), ID_AND_NAME | {"client_id"}, {Kind.CLIENT: CLIENT}
)
BARE = EmbeddedRef(Project("h", "p1", "Site"), ID_AND_NAME)
NO_CLIENT = EmbeddedRef(Project("h", "p1", "Site"), ID_AND_NAME | {"client_id"})
USER = EmbeddedRef(User("h", "u1", "Ann"), ID_AND_NAME)


@pytest.mark.parametrize(
    ("kind", "selected", "ref", "covered"),
    [
        pytest.param(
            Kind.USER, field("user", field("name"), field("id")), USER, True, id="name-id"
        ),
        pytest.param(
            Kind.USER,
            field("user", InlineFragment("User", [field("name")], {})),
            USER,
            True,
            id="fragment",
        ),
        pytest.param(Kind.USER, field("user", field("name")), None, False, id="not-embedded"),
        # @skip/@include are applied before execution: what they leave in is read as usual,
        # what they leave out is not read at all.
        pytest.param(
            Kind.USER,
            field("user", field("name", directives={"skip": {"if": False}})),
            USER,
            True,
            id="name-not-skipped",
        ),
        pytest.param(
            Kind.USER,
            field("user", field("name"), field("email", directives={"skip": {"if": True}})),
            USER,
            True,
            id="email-skipped",
        ),
        pytest.param(
            Kind.USER,
            field(
                "user",
                field("name"),
                InlineFragment("User", [field("email")], {"include": {"if": False}}),
            ),
            USER,
            True,
            id="fragment-left-out",
        ),
    ],
)
def test_coverage(
    kind: Kind, selected: SelectedField, ref: EmbeddedRef | None, covered: bool
) -> None:
    need = needs(kind, selected)
    assert need is not None and covers(ref, need) is covered


@pytest.mark.parametrize(
    ("ref", "covered"),
    [
        pytest.param(LINKED, True, id="client-link"),
        pytest.param(BARE, False, id="no-client-link"),
        pytest.param(NO_CLIENT, True, id="known-to-have-no-client"),
    ],
)
def test_a_projects_client_is_covered_through_its_link(ref: EmbeddedRef, covered: bool) -> None:
    need = needs(Kind.PROJECT, field("project", field("client", field("name"))))
    assert need is not None and covers(ref, need) is covered


# Reads more than any partial reference answers, whatever the reference holds.
@pytest.mark.parametrize(
    ("kind", "selected"),
    [
        pytest.param(Kind.USER, field("user", field("email")), id="email"),
        pytest.param(Kind.USER, field("user", field("name", directives=CUSTOM)), id="directive"),
        pytest.param(
            Kind.USER,
            field("user", field("name"), field("email", directives={"include": {"if": True}})),
            id="included-email",
        ),
        pytest.param(
            Kind.USER, field("user", InlineFragment("User", [field("raw")], {})), id="fragment-raw"
        ),
        pytest.param(
            Kind.PROJECT, field("project", field("client", field("currency"))), id="client-currency"
        ),
        pytest.param(
            Kind.USER, field("user", field("client", field("name"))), id="link-only-on-projects"
        ),
    ],
)
def test_a_selection_no_partial_reference_answers_needs_none(
    kind: Kind, selected: SelectedField
) -> None:
    assert needs(kind, selected) is None


def entry(source: str, n: int, embeds: bool = True) -> TimeEntry:
    user = EmbeddedRef(User(source, f"u{n}", "Shown"), ID_AND_NAME)
    return TimeEntry(
        source, f"e{n}", date(2026, 3, 1), 60, user_id=f"u{n}",
        embedded={Kind.USER: user} if embeds else {},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("entries", "served", "loaded"),
    [
        pytest.param([entry("h", 1), entry("h", 2)], ["e1", "e2"], [], id="all-embed"),
        pytest.param([entry("h", 1), entry("h", 2, False)], [], ["e1", "e2"], id="one-missing"),
        pytest.param(
            [entry("h", 1), entry("k", 2), entry("k", 3, False)], ["e1"], ["e2", "e3"], id="mixed"
        ),
    ],
)
async def test_a_source_is_served_embedded_only_if_every_entry_naming_one_embeds_it(
    entries: list[TimeEntry], served: list[str], loaded: list[str]
) -> None:
    ctx = Context(Gateway({}))
    need = needs(Kind.USER, field("user", field("name")))
    rest = _choose(ctx, Kind.USER, "user_id", entries, need)
    assert [e.id for e in rest] == loaded
    assert [e.id for e in entries if (Kind.USER, id(e)) in ctx.embedded] == served


async def test_a_page_needing_the_full_reference_withdraws_an_earlier_choice() -> None:
    ctx, shared = Context(Gateway({})), [entry("h", 1)]
    _choose(ctx, Kind.USER, "user_id", shared, needs(Kind.USER, field("user", field("name"))))
    _choose(ctx, Kind.USER, "user_id", shared, needs(Kind.USER, field("user", field("email"))))
    assert ctx.embedded == {}

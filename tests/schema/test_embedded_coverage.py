"""The coverage rule: an embedded reference answers a selection only if it holds all it reads."""

from __future__ import annotations

import pytest
from strawberry.types.nodes import InlineFragment, SelectedField

from gateway.models import ID_AND_NAME, Client, EmbeddedRef, Kind, Project, User
from schema.selection import covers, needs


def field(
    name: str, *subs: SelectedField | InlineFragment, directive: bool = False
) -> SelectedField:
    return SelectedField(name, {"skip": {"if": False}} if directive else {}, {}, list(subs))


CLIENT = EmbeddedRef(Client("h", "c1", "Acme"), ID_AND_NAME)
LINKED = EmbeddedRef(
    Project("h", "p1", "Site", "c1"), ID_AND_NAME | {"client_id"}, {Kind.CLIENT: CLIENT}
)
BARE = EmbeddedRef(Project("h", "p1", "Site"), ID_AND_NAME)
USER = EmbeddedRef(User("h", "u1", "Ann"), ID_AND_NAME)


@pytest.mark.parametrize(
    ("kind", "selected", "ref", "covered"),
    [
        pytest.param(
            Kind.USER, field("user", field("name"), field("id")), USER, True, id="name-id"
        ),
        pytest.param(Kind.USER, field("user", field("email")), USER, False, id="email"),
        pytest.param(
            Kind.USER, field("user", field("name", directive=True)), USER, False, id="directive"
        ),
        pytest.param(
            Kind.USER,
            field("user", InlineFragment("User", [field("name")], {})),
            USER,
            True,
            id="fragment",
        ),
        pytest.param(
            Kind.USER,
            field("user", InlineFragment("User", [field("raw")], {})),
            USER,
            False,
            id="fragment-raw",
        ),
        pytest.param(Kind.USER, field("user", field("name")), None, False, id="not-embedded"),
        pytest.param(
            Kind.PROJECT,
            field("project", field("client", field("name"))),
            LINKED,
            True,
            id="client-link",
        ),
        pytest.param(
            Kind.PROJECT,
            field("project", field("client", field("name"))),
            BARE,
            False,
            id="no-client-link",
        ),
        pytest.param(
            Kind.PROJECT,
            field("project", field("client", field("currency"))),
            LINKED,
            False,
            id="client-currency",
        ),
        pytest.param(
            Kind.USER,
            field("user", field("client", field("name"))),
            USER,
            False,
            id="link-only-on-projects",
        ),
    ],
)
def test_coverage(
    kind: Kind, selected: SelectedField, ref: EmbeddedRef | None, covered: bool
) -> None:
    need = needs(kind, selected)
    assert (need is not None and covers(ref, need)) is covered

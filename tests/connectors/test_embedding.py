from gateway.connectors.embedding import embedded_refs
from gateway.models import Kind, Project


def test_records_naming_the_same_objects_share_one_mapping() -> None:
    one = embedded_refs("s", user=("1", "Ann"), client=("c", "Acme"), project=("p", "Web"))
    again = embedded_refs("s", user=("1", "Ann"), client=("c", "Acme"), project=("p", "Web"))
    assert one is again
    assert embedded_refs("other", user=("1", "Ann")) is not embedded_refs("s", user=("1", "Ann"))
    project = one[Kind.PROJECT]
    assert isinstance(project.value, Project) and project.value.client_id == "c"
    assert project.links[Kind.CLIENT] is one[Kind.CLIENT]


def test_a_project_whose_client_is_unnamed_claims_no_client() -> None:
    unknown = embedded_refs("s", project=("p", "Web"))[Kind.PROJECT]
    assert "client_id" not in unknown.holds
    none = embedded_refs("s", project=("p", "Web"), names_client=False)[Kind.PROJECT]
    assert "client_id" in none.holds
    assert isinstance(none.value, Project) and none.value.client_id is None

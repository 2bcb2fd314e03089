"""Configuration: validated at start, every problem named with its source and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import ConfigError
from gateway.settings import load_settings

GOOD = """
request_deadline = 20
[[sources]]
name = "harvest-main"
vendor = "harvest"
account_id = "123456"
timezone = "Europe/London"
token = { env = "HARVEST_TOKEN" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hourglass.toml"
    path.write_text(text)
    return path


def test_secrets_come_from_the_environment(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, GOOD), environ={"HARVEST_TOKEN": "s3cret-token"})
    [source] = settings.sources
    assert source.name == "harvest-main" and settings.request_deadline == 20
    assert settings.secrets() == ["s3cret-token"]
    assert "s3cret-token" not in repr(source)


@pytest.mark.parametrize(
    ("text", "environ", "message"),
    [
        pytest.param(
            GOOD,
            {},
            "sources[0] ('harvest-main'): token: environment variable HARVEST_TOKEN is not set",
            id="missing-secret",
        ),
        pytest.param(
            GOOD.replace('account_id = "123456"\n', ""),
            {"HARVEST_TOKEN": "x"},
            "sources[0] ('harvest-main'): account_id: required field is missing",
            id="missing-field",
        ),
        pytest.param(
            GOOD.replace("Europe/London", "Mars/Olympus"),
            {"HARVEST_TOKEN": "x"},
            "sources[0] ('harvest-main'): timezone: Value error, 'Mars/Olympus' is not an IANA time zone name",
            id="bad-timezone",
        ),
        pytest.param(
            GOOD.replace('vendor = "harvest"', 'vendor = "timely"'),
            {"HARVEST_TOKEN": "x"},
            "sources[0] ('harvest-main'): vendor: 'timely' is not a supported vendor",
            id="unknown-vendor",
        ),
        pytest.param(
            GOOD + "colour = 1\n",
            {"HARVEST_TOKEN": "x"},
            "sources[0] ('harvest-main'): colour: unknown field",
            id="typo",
        ),
        pytest.param(
            GOOD.replace('name = "harvest-main"', 'name = "Harvest Main"'),
            {"HARVEST_TOKEN": "x"},
            "name: Value error, use lowercase letters",
            id="bad-name",
        ),
        pytest.param(
            GOOD + GOOD.replace("request_deadline = 20", ""),
            {"HARVEST_TOKEN": "x"},
            "sources[1] ('harvest-main'): name: 'harvest-main' is used by another source",
            id="duplicate",
        ),
        pytest.param(
            GOOD.replace("20", "90"),
            {"HARVEST_TOKEN": "x"},
            "request_deadline: Input should be less than or equal to 30",
            id="deadline-cap",
        ),
        pytest.param("sources = [", {}, "is not valid TOML", id="bad-toml"),
    ],
)
def test_problems_name_the_source_and_field(
    tmp_path: Path, text: str, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(write(tmp_path, text), environ=environ)
    assert message in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_the_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "hourglass.toml"
    settings = load_settings(example, environ={"HARVEST_TOKEN": "x" * 20})
    assert [s.vendor for s in settings.sources] == ["harvest"]

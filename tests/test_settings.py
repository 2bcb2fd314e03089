"""Configuration: validated at start, every problem named with its source and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.app import build_gateway
from gateway.errors import ConfigError
from gateway.http import BreakerPolicy
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


RESILIENCE_PROBLEMS = [
    (
        "retry-attempts",
        "[retry]\nmax_attempts = 0\n",
        "retry.max_attempts: Input should be greater than or equal to 1",
    ),
    (
        "retry-cap-below-base",
        "[retry]\nbackoff_base = 2\nbackoff_cap = 1\n",
        "retry.backoff_cap: Value error, must be at least backoff_base (2)",
    ),
    (
        "retry-after-cap",
        "[retry]\nmax_retry_after = 60\n",
        "retry.max_retry_after: Input should be less than or equal to 30",
    ),
    (
        "breaker-threshold",
        "[circuit_breaker]\nfailure_threshold = 0\n",
        "circuit_breaker.failure_threshold: Input should be greater than or equal to 1",
    ),
    (
        "breaker-max-below-cooldown",
        "[circuit_breaker]\ncooldown = 60\nmax_cooldown = 30\n",
        "circuit_breaker.max_cooldown: Value error, must be at least cooldown (60)",
    ),
    ("breaker-typo", "[circuit_breaker]\ncooldwn = 5\n", "circuit_breaker.cooldwn: unknown field"),
]


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
        *(
            pytest.param(GOOD + table, {"HARVEST_TOKEN": "x"}, message, id=name)
            for name, table, message in RESILIENCE_PROBLEMS
        ),
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


def test_retry_and_breaker_tables_become_the_policies_every_source_gets(tmp_path: Path) -> None:
    text = GOOD + "[retry]\nmax_attempts = 2\n[circuit_breaker]\ncooldown = 10\nenabled = false\n"
    settings = load_settings(write(tmp_path, text), environ={"HARVEST_TOKEN": "x"})
    gateway = build_gateway(settings)
    [runtime] = gateway.sources.values()
    assert settings.retry.policy().max_attempts == 2
    assert runtime.breaker is not None and runtime.breaker.policy == BreakerPolicy(
        failure_threshold=5, cooldown=10.0, max_cooldown=300.0, enabled=False
    )

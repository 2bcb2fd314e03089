"""The hourglass command: precise start-up errors, check, simulate's TOML block, serve's fallback."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from gateway.cli import main, toml_source
from gateway.settings import settings_from_dict
from gateway.simulators.harvest import demo_source
from tests.conftest import free_port

CONFIG = """
[[sources]]
name = "harvest-main"
vendor = "harvest"
account_id = "1482306"
token = { env = "HOURGLASS_TEST_HARVEST_TOKEN" }
"""


def test_a_missing_credential_fails_at_start_naming_source_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HOURGLASS_TEST_HARVEST_TOKEN", raising=False)
    config = tmp_path / "h.toml"
    config.write_text(CONFIG)
    assert main(["check", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert (
        "sources[0] ('harvest-main'): token: environment variable HOURGLASS_TEST_HARVEST_TOKEN is not set"
        in err
    )
    assert "Traceback" not in err


def test_simulate_prints_a_usable_sources_block() -> None:
    block = toml_source(demo_source("http://127.0.0.1:8001"))
    import tomllib

    parsed = tomllib.loads(block)
    settings = settings_from_dict(parsed, environ={})
    assert settings.sources[0].base_url == "http://127.0.0.1:8001/v2"


def test_check_reaches_a_simulator_over_http(tmp_path: Path) -> None:
    port = free_port()
    sim = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "simulate", "harvest", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert sim.stdout is not None
        header = sim.stdout.readline()
        assert "harvest simulator" in header
        lines = [sim.stdout.readline() for _ in range(8)]
        block = "".join(lines[1:]).split("\n\n")[0]
        _wait_for(f"http://127.0.0.1:{port}/_simulator/stats")
        config = tmp_path / "h.toml"
        config.write_text(block)
        result = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "check", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("ok    harvest-demo (harvest):")
        bad = config.read_text().replace('token = "', 'token = "x')
        config.write_text(bad)
        result = subprocess.run(
            [sys.executable, "-m", "gateway.cli", "check", "--config", str(config)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        assert "FAIL  harvest-demo (harvest): UPSTREAM_AUTH_FAILED" in result.stdout
        assert "2618304" not in result.stdout + result.stderr
    finally:
        sim.terminate()
        sim.wait(timeout=10)


def test_serve_without_sources_falls_back_to_the_demo(tmp_path: Path) -> None:
    port = free_port()
    empty = tmp_path / "empty.toml"
    empty.write_text("log_level = 'INFO'\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--config", str(empty), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        ready = httpx.get(f"http://127.0.0.1:{port}/readyz").json()
        assert "harvest-demo" in ready["sources"]
        response = httpx.post(
            f"http://127.0.0.1:{port}/graphql",
            json={"query": "{ sources { name } }"},
            headers={"X-Request-ID": "req-42"},
        )
        assert response.headers["x-request-id"] == "req-42"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "no sources configured: serving the demo sources" in err
    # JSON logs with the request id on the access line
    assert '"request_id":"req-42"' in err


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--faults {path}: cannot read the file: No such file or directory"),
        ("{oops", "--faults {path}: plan: Invalid JSON"),
        (
            '{"rules": [{"fault": "status", "status": 200}]}',
            "--faults {path}: rules[0] (fault status): status: "
            "Input should be greater than or equal to 400",
        ),
    ],
    ids=["missing", "not-json", "invalid-rule"],
)
@pytest.mark.parametrize("command", [["simulate", "harvest"], ["demo"]])
def test_a_bad_faults_file_exits_2_with_one_precise_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    content: str | None,
    message: str,
) -> None:
    path = tmp_path / "faults.json"
    if content is not None:
        path.write_text(content)
    assert main([*command, "--faults", str(path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"hourglass: {message.format(path=path)}")
    assert err.count("\n") == 1 and not out


def test_simulate_loads_a_faults_file(tmp_path: Path) -> None:
    plan = tmp_path / "faults.json"
    plan.write_text('{"rules": [{"fault": "status", "status": 502, "count": 1}]}')
    port = free_port()
    args = ["simulate", "harvest", "--port", str(port), "--faults", str(plan)]
    sim = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        root = f"http://127.0.0.1:{port}"
        _wait_for(f"{root}/_simulator/stats")
        assert [httpx.get(f"{root}/v2/users/me").status_code for _ in range(2)] == [502, 401]
        assert httpx.get(f"{root}/_simulator/faults").json()["injected"] == [1]
    finally:
        sim.terminate()
        sim.wait(timeout=10)

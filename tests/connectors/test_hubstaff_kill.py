"""1000 forced refreshes in real processes, killed with SIGKILL in the middle of refreshes.

The simulator is served over loopback by this test process; the refreshing process is
``hubstaff_refresh_child.py``. After every kill the token file must be whole and hold the
newest token Hubstaff would still accept, and a restarted process must carry on the chain.
The one kill no client can survive (after Hubstaff rotated, before its answer reached the
disk) must leave a whole file and a restart that names the fix.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from gateway.simulators.hubstaff import create_app, demo_source
from gateway.simulators.kit import SimulatorConfig
from tests.conftest import serve

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app(SimulatorConfig(seed=7))) as root:
        yield root


class Run:
    def __init__(self, url: str, store: Path, count: int, *pause: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.connectors.hubstaff_refresh_child", url, str(store), str(count), *pause],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "HUBSTAFF_SOURCE": json.dumps(demo_source(url))},
        )
        self.lines: list[str] = []

    def until(self, last: str) -> list[str]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())
            if line.startswith(last):
                break
        return self.lines

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL

    def finish(self) -> int:
        self.until("done")
        return self.process.wait(timeout=30)

    def generations(self) -> list[int]:
        return [int(line.split()[1]) for line in self.lines if line.startswith("refreshed")]


def stored(store: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(store.read_text())  # whole: never torn by a kill
    return data


def token_requests(url: str) -> list[tuple[str, int]]:
    log = httpx.get(f"{url}/_simulator/requests").json()
    return [
        (parse_qs(r["body"])["refresh_token"][0], r["status"]) for r in log if r["route"] == "/access_tokens"
    ]


def test_1000_refreshes_killed_mid_refresh_keep_the_newest_token(url: str, tmp_path: Path) -> None:
    # 1000 exchanges over three processes; the first two are killed in the middle of a refresh.
    store = tmp_path / "tokens.json"

    first = Run(url, store, 1000, "before-exchange", "401")  # killed once refresh 401 has begun
    first.until("paused")
    first.kill()
    assert first.generations() == list(range(1, 401))
    assert stored(store)["generation"] == 400

    second = Run(url, store, 1000, "after-save", "301")  # killed with refresh 701 on disk, unused
    second.until("paused")
    second.kill()
    assert second.generations() == list(range(401, 701))
    assert stored(store)["generation"] == 701

    third = Run(url, store, 299)
    assert third.finish() == 0, third.process.stderr.read() if third.process.stderr else ""
    assert third.generations() == list(range(702, 1001))
    assert stored(store)["generation"] == 1000

    # Every exchange used the newest token and Hubstaff accepted every one: the stored token
    # was the latest valid one throughout, kills included.
    requests = token_requests(url)
    assert len(requests) == 1000 and {status for _, status in requests} == {200}
    assert len({token for token, _ in requests}) == 1000
    assert store.stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".tmp"]

    # The one window no client can close: Hubstaff rotated the token and the process died
    # before the answer reached the disk. The file is still whole (the previous token), and
    # the restarted process says plainly that a new personal access token is needed.
    fourth = Run(url, store, 10, "after-answer", "3")
    fourth.until("paused")
    fourth.kill()
    assert stored(store)["generation"] == 1002
    restart = Run(url, store, 1)
    restart.until("auth-error")
    assert restart.process.wait(timeout=30) == 3
    assert "create a new personal access token" in restart.lines[-1].lower()

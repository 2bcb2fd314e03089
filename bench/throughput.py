"""Scenario 4: the warm dashboard query at concurrency 1, 10 and 50, next to a bare FastAPI
endpoint answering the same JSON, measured in the same run by a separate load process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.procs import ROOT, Simulators, free_port, gateway, process
from bench.scenarios import DASHBOARD

LEVELS = (1, 10, 50)
SECONDS = 5.0


@dataclass
class Load:
    target: str  # "gateway" or "bare FastAPI"
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    upstream: int  # vendor calls made while the load ran


def _load(url: str, body_file: Path, concurrency: int) -> dict[str, float]:
    args = [sys.executable, "-m", "bench.load", url, str(body_file), str(concurrency), str(SECONDS)]
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"bench.load failed: {done.stderr[-2000:]}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def measure(sims: Simulators) -> list[Load]:
    """Both targets at every level; the gateway warmed by one dashboard query first."""
    loads = []
    # Restores every simulator's tokens: Hubstaff's refresh token rotates, and a gateway whose
    # source fails answers with errors, which are never cached: that would measure a failure.
    sims.reset()
    with tempfile.TemporaryDirectory() as tmp, gateway(sims) as url:
        query = Path(tmp, "query.json")
        query.write_bytes(json.dumps({"query": DASHBOARD}).encode())
        with httpx.Client(base_url=url, timeout=120) as client:
            client.post(
                "/graphql", content=query.read_bytes(), headers={"Content-Type": "application/json"}
            )
            answer = client.post(
                "/graphql", content=query.read_bytes(), headers={"Content-Type": "application/json"}
            ).content
        if b'"errors"' in answer:
            raise RuntimeError(f"the warm dashboard answered with errors: {answer[:500]!r}")
        served = Path(tmp, "answer.json")
        served.write_bytes(answer)
        port = free_port()
        bare_cmd = [sys.executable, "-m", "bench.bare", str(port), str(served)]
        with process(bare_cmd, f"http://127.0.0.1:{port}/healthz"):
            for level in LEVELS:
                for target, root in (
                    ("gateway", url),
                    ("bare FastAPI", f"http://127.0.0.1:{port}"),
                ):
                    before = sims.calls()
                    r = _load(f"{root}/graphql", query, level)
                    upstream = sum(c.total() for c in sims.calls_since(before).values())
                    loads.append(
                        Load(
                            target,
                            level,
                            r["rps"],
                            r["p50_ms"],
                            r["p99_ms"],
                            int(r["errors"]),
                            upstream,
                        )
                    )
    return loads

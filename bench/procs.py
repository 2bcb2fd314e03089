"""The processes a benchmark runs against: one simulator per vendor, the gateway, a bare app.

Each is its own OS process speaking HTTP on loopback, started with the same commands a person
would type (``hourglass simulate VENDOR --latency-ms 50``, ``hourglass serve --config ...``).
"""

from __future__ import annotations

import mmap
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from gateway.cli import toml_source
from gateway.heap import available_memory
from gateway.simulators import load

ROOT = Path(__file__).resolve().parents[1]
HOURGLASS = [sys.executable, "-m", "gateway.cli"]
# The simulators stand in for vendors' servers, whose work is not done on the gateway's
# machine; on this shared 2-core one they run at a lower priority, so their CPU delays the
# gateway's only when the gateway leaves a core idle (their answers still take the latency).
NICE = ["nice", "-n", "10"]
CALIBRATION_LOOP = 10_000_000  # iterations of ``calibration``'s loop
CALIBRATION_TRIES = 3  # ``calibration`` is the best of these
# What a ``calibration`` reading is, as a report says it.
CALIBRATION = (
    f"{CALIBRATION_LOOP // 10**6}M iterations of a Python loop, best of {CALIBRATION_TRIES}"
)
PREFAULT_BYTES = 3 * 2**30  # at most; a quarter of the memory available if that is less
_CHUNK = 2**26  # ``touch`` writes this much at a time
VENDORS = ("harvest", "hubstaff", "hubplanner", "hustle", "toggl", "clockify", "everhour")


def prefault(limit: int = PREFAULT_BYTES) -> None:
    """Touch fresh memory once and give it back, before anything is measured.

    This machine is a Firecracker microVM, whose memory the host backs on a guest page's
    first touch: touching 3 GiB took 9.1 s the first time and 2.0 s the next. A process the
    kernel handed never-touched pages paid that on each: a cold month's ~20,700 page faults
    cost the gateway 250-300 ms of system time in some runs against 40-60 ms in others (the
    same user time, ~210 ms), the first runs after the simulators started mostly. The kernel
    hands freed pages out again first, so what starts after this gets pages the host backs
    already, as on a server that has been up a while. The gateway is still a fresh process
    and touches its own heap reserve at start (``gateway.heap.reserve``).

    The touching is done by a child process: a process forked later from this one (a bulk
    measurement) would inherit this one's peak RSS."""
    size = min(limit, (available_memory() or 0) // 4)
    if size >= _CHUNK:
        code = f"from bench.procs import touch; touch({size})"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def touch(size: int) -> None:
    """Map ``size`` bytes (whole chunks of them), write every page, and unmap them."""
    chunk = b"\1" * _CHUNK
    size -= size % _CHUNK
    with mmap.mmap(-1, size) as area:
        for offset in range(0, size, _CHUNK):
            area[offset : offset + _CHUNK] = chunk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not come up in {timeout:.0f} s")


@contextmanager
def process(args: Sequence[str], probe: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``args`` until the block ends; ``probe`` answers once it serves."""
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(list(args), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log)
        try:
            try:
                wait_until_up(probe, proc)
            except RuntimeError:
                log.seek(0)
                sys.stderr.write(log.read()[-3000:].decode("utf-8", "replace"))
                raise
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class Simulators:
    """The running simulators: vendor -> root URL, plus their control endpoints."""

    roots: dict[str, str]
    relaxed: bool = False
    # Process ids by vendor, and "gateway" while one runs (``gateway``): for CPU accounting.
    pids: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        for root in self.roots.values():
            httpx.post(f"{root}/_simulator/reset").raise_for_status()

    def calls(self) -> dict[str, dict[str, int]]:
        """Vendor requests so far, by vendor and ``METHOD /route``."""
        out = {}
        for vendor, root in self.roots.items():
            stats: dict[str, Any] = httpx.get(f"{root}/_simulator/stats").json()
            out[vendor] = dict(stats["requests"])
        return out

    def calls_since(self, before: dict[str, dict[str, int]]) -> dict[str, Counter[str]]:
        """Vendor requests made since ``before`` (an earlier ``calls()``); routes with none
        left out."""
        return {v: Counter(now) - Counter(before[v]) for v, now in self.calls().items()}

    def busy_since(self, moment: float) -> float | None:
        """Seconds from the first request any simulator received after ``moment`` (wall
        clock) to the last answer any of them gave; None if none was asked."""
        logs = [httpx.get(f"{root}/_simulator/requests").json() for root in self.roots.values()]
        return busy_span([r for log in logs for r in log], moment)

    def sources(self, state_dir: str) -> list[dict[str, object]]:
        entries = []
        for vendor, root in self.roots.items():
            entry = dict(load(vendor).demo_source(root))
            if vendor == "hubstaff":  # rotating refresh tokens are persisted here
                entry["token_store"] = f"{state_dir}/hubstaff-token.json"
            if self.relaxed:
                entry["rate_limit"] = {"requests": 1_000_000, "per_seconds": 1}
            entries.append(entry)
        return entries


@contextmanager
def simulators(
    latency_ms: float, *, relaxed: bool = False, vendors: Sequence[str] = VENDORS
) -> Iterator[Simulators]:
    """One simulator process per vendor; ``relaxed`` lifts their rate limits (bench.simulate)."""
    ports = {v: free_port() for v in vendors}

    def command(vendor: str, port: int) -> list[str]:
        if relaxed:
            return [sys.executable, "-m", "bench.simulate", vendor, str(port), str(latency_ms)]
        return [
            *HOURGLASS,
            "simulate",
            vendor,
            "--port",
            str(port),
            "--latency-ms",
            str(latency_ms),
        ]

    probes = [
        (v, [*NICE, *command(v, p)], f"http://127.0.0.1:{p}/_simulator/stats")
        for v, p in ports.items()
    ]
    pids: dict[str, int] = {}
    with _all(probes, pids):
        yield Simulators({v: f"http://127.0.0.1:{p}" for v, p in ports.items()}, relaxed, pids)


@contextmanager
def _all(commands: list[tuple[str, list[str], str]], pids: dict[str, int]) -> Iterator[None]:
    if not commands:
        yield
        return
    (name, args, probe), rest = commands[0], commands[1:]
    with process(args, probe) as proc, _all(rest, pids):
        pids[name] = proc.pid
        yield


def busy_span(logged: list[dict[str, Any]], moment: float) -> float | None:
    """Over request-log entries (``GET /_simulator/requests``) received at or after
    ``moment``: seconds from the first arrival to the last answer; None without an answer (a
    request never answered, a dropped one, starts the span but cannot end it)."""
    since = [r for r in logged if r["received"] >= moment]
    answered = [float(r["answered"]) for r in since if r["answered"] is not None]
    if not answered:
        return None
    return max(answered) - min(float(r["received"]) for r in since)


def cpu_seconds(pid: int) -> float:
    """CPU time all of a process's threads have run so far, from the scheduler's per-thread
    nanosecond counters (``/proc/PID/task/*/schedstat``; ``stat``'s ticks are 10 ms)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # a thread that ended meanwhile
    return total / 1e9


@contextmanager
def gateway(sims: Simulators, extra: str = "") -> Iterator[str]:
    """A fresh ``hourglass serve`` over every simulator (a clean token store each time)."""
    port = free_port()
    with tempfile.TemporaryDirectory() as state:
        config = Path(state, "hourglass.toml")
        blocks = [_toml(s) for s in sims.sources(state)]
        config.write_text(f'log_level = "WARNING"\n{extra}\n\n' + "\n\n".join(blocks) + "\n")
        args = [*HOURGLASS, "serve", "--config", str(config), "--port", str(port)]
        with process(args, f"http://127.0.0.1:{port}/healthz") as proc:
            sims.pids["gateway"] = proc.pid
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                del sims.pids["gateway"]


def _toml(entry: dict[str, object]) -> str:
    """``toml_source`` plus an inline ``rate_limit`` table when the entry has one."""
    flat = {k: v for k, v in entry.items() if k != "rate_limit"}
    limit = entry.get("rate_limit")
    if not isinstance(limit, dict):
        return toml_source(flat)
    inline = ", ".join(f"{k} = {v}" for k, v in limit.items())
    return f"{toml_source(flat)}\nrate_limit = {{ {inline} }}"


def machine() -> str:
    import platform

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def calibration() -> float:
    """Seconds a fixed pure-Python loop takes here (``CALIBRATION``): machines of one model name
    differ in speed (a shared VM), and every CPU figure of a report moves with it; this says
    by how much when two reports are compared."""
    best = float("inf")
    for _ in range(CALIBRATION_TRIES):
        started = time.perf_counter()
        total = 0
        for i in range(CALIBRATION_LOOP):
            total += i
        best = min(best, time.perf_counter() - started)
    return best

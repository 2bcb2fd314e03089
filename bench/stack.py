"""The upstream HTTP stack alone: pages per second at concurrency 50, against two servers.

See ``METHOD`` (it is printed into BENCHMARKS.md). Run alone: ``python -m bench.stack``.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench.procs import free_port, process
from gateway.http import ClientOptions, SlidingWindowLimiter, build_client
from gateway.http.network import default_network
from gateway.simulators import load

CONCURRENCY = 50
SECONDS = 5.0
WARMUP = 1.0
SIMULATOR = "Harvest simulator"
PAGE_SERVER = "recorded page, raw ASGI"
STACK = "stack over aiohttp (gateway.http.network)"
# The row the figure is read from: the stack against a server that is not the ceiling.
MEASURED = f"{STACK} -> {PAGE_SERVER}"

METHOD = f"""\
**Upstream stack**: `build_client`'s full layered stack (coalescing, retry, rate limit with
an unlimited limiter, per-attempt deadline, network), {CONCURRENCY} concurrent workers for \
{SECONDS:.0f} s after a {WARMUP:.0f} s warm-up,
each request a distinct query of the same page (so coalescing merges none), over loopback.
The bench process runs the stack on uvloop, as the gateway does under uvicorn (`loop="auto"`).
Two servers, each its own process: the Harvest simulator (`GET /v2/clients`, no added
latency, limits lifted), and that page's recorded bytes served by a raw ASGI app under uvicorn
with uvloop and httptools (`bench/page_server.py`). On 2 cores the simulator (FastAPI:
routing, auth, rate limiting, serialising, per request) competes with the load for CPU and
can be the ceiling: the raw-aiohttp rows (no httpx, no layers) show each server's ceiling on
this machine, and the stack's row against the page server measures the stack. Client CPU per
page is the bench process's CPU time over the recorded window divided by the pages."""


@dataclass
class StackFigure:
    network: str  # the row: client and server
    pages_per_second: float
    p50_ms: float
    p99_ms: float
    failures: int
    client_cpu_us: float


Fetch = Callable[[int], Awaitable[bool]]


def _stack_client(root: str, network: httpx.AsyncBaseTransport) -> httpx.AsyncClient:
    source = load("harvest").demo_source(root)
    client = build_client(
        ClientOptions(base_url=str(source["base_url"]) + "/", user_agent="bench"),
        limiter=SlidingWindowLimiter(10**9, 1.0),
        transport=network,
    )
    client.headers.update(_auth(root))
    return client


def _auth(root: str) -> dict[str, str]:
    source = load("harvest").demo_source(root)
    return {
        "Authorization": f"Bearer {source['token']}",
        "Harvest-Account-Id": str(source["account_id"]),
    }


async def _stack(root: str, network: httpx.AsyncBaseTransport, name: str) -> StackFigure:
    client = _stack_client(root, network)

    async def fetch(n: int) -> bool:
        try:  # a distinct query per request: the coalescing layer must not merge them
            response = await client.get("clients", params={"page": 1, "n": n})
        except httpx.TransportError:
            return False
        return response.status_code == 200

    try:
        return await _load(name, fetch)
    finally:
        await client.aclose()


async def _raw(root: str, name: str) -> StackFigure:
    """The same requests from a bare aiohttp session: what the server serves without our stack."""
    url, headers = f"{load('harvest').demo_source(root)['base_url']}/clients", _auth(root)
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def fetch(n: int) -> bool:
            try:
                async with session.get(url, params={"page": 1, "n": n}, headers=headers) as r:
                    await r.read()
                    return r.status == 200
            except aiohttp.ClientError:
                return False

        return await _load(name, fetch)


async def _load(name: str, fetch: Fetch) -> StackFigure:
    latencies: list[float] = []
    failures = counter = 0
    start = time.perf_counter()
    record_from, stop = start + WARMUP, start + WARMUP + SECONDS
    cpu: list[float] = []

    async def worker() -> None:
        nonlocal failures, counter
        while (began := time.perf_counter()) < stop:
            counter += 1
            ok = await fetch(counter)
            if began >= record_from:
                latencies.append(time.perf_counter() - began)
                failures += not ok

    async def clock() -> None:  # the process's CPU time over the recorded window
        await asyncio.sleep(WARMUP)
        cpu.append(time.process_time())
        await asyncio.sleep(SECONDS)
        cpu.append(time.process_time())

    await asyncio.gather(clock(), *(worker() for _ in range(CONCURRENCY)))
    q = statistics.quantiles(latencies, n=100)
    cpu_us = (cpu[1] - cpu[0]) / len(latencies) * 1e6
    return StackFigure(name, len(latencies) / SECONDS, q[49] * 1000, q[98] * 1000, failures, cpu_us)


def _loop_runner() -> Callable[[Coroutine[Any, Any, StackFigure]], StackFigure]:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run
    return uvloop.run


def _record(root: str) -> bytes:
    url = f"{load('harvest').demo_source(root)['base_url']}/clients"
    response = httpx.get(url, params={"page": 1}, headers=_auth(root))
    response.raise_for_status()
    return response.content


def measure() -> list[StackFigure]:
    run = _loop_runner()
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    sim_port, page_port = free_port(), free_port()
    # Harvest allows 100 requests per 15 s: lifted (bench.simulate), the stack is measured.
    simulator = [sys.executable, "-m", "bench.simulate", "harvest", str(sim_port), "0"]
    sim, page = f"http://127.0.0.1:{sim_port}", f"http://127.0.0.1:{page_port}"
    raw = "raw aiohttp, no stack"
    with process(simulator, f"{sim}/_simulator/stats"), tempfile.TemporaryDirectory() as tmp:
        body = Path(tmp) / "page.json"
        body.write_bytes(_record(sim))
        server = [sys.executable, "-m", "bench.page_server", str(page_port), str(body)]
        with process(server, f"{page}/"):
            figures = [
                run(_stack(page, default_network(CONCURRENCY), MEASURED)),
                run(_raw(page, f"{raw} -> {PAGE_SERVER}")),
            ]
        pool = httpx.AsyncHTTPTransport(limits=limits)
        return [
            *figures,
            run(_stack(sim, default_network(CONCURRENCY), f"{STACK} -> {SIMULATOR}")),
            run(_raw(sim, f"{raw} -> {SIMULATOR}")),
            # Last: httpcore spends several ms of CPU per page here, which would skew a row
            # measured after it in this process.
            run(_stack(sim, pool, f"stack over httpx's default pool -> {SIMULATOR}")),
        ]


if __name__ == "__main__":
    print(METHOD)
    for f in measure():
        print(
            f"{f.network}: {f.pages_per_second:.0f} pages/s, p50 {f.p50_ms:.0f} ms, "
            f"p99 {f.p99_ms:.0f} ms, {f.failures} failures, client CPU {f.client_cpu_us:.0f} us/page"
        )

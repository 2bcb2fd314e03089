"""The upstream HTTP stack alone: simulator pages per second at concurrency 50.

One Harvest simulator page (``GET /v2/clients``, no added latency, limits lifted) over loopback, fetched
through ``build_client``'s full layered stack (coalescing off by varying the query, an
unlimited limiter) with httpx's own pool and with the aiohttp network, same run, same server.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from dataclasses import dataclass

import httpx

from bench.procs import free_port, process
from gateway.http import ClientOptions, SlidingWindowLimiter, build_client
from gateway.http.network import default_network
from gateway.simulators import load

CONCURRENCY = 50
SECONDS = 5.0
WARMUP = 1.0


@dataclass
class StackFigure:
    network: str
    pages_per_second: float
    p50_ms: float
    p99_ms: float
    failures: int


def _networks() -> dict[str, httpx.AsyncBaseTransport]:
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    return {
        "httpx default pool": httpx.AsyncHTTPTransport(limits=limits),
        "aiohttp (gateway.http.network)": default_network(CONCURRENCY),
    }


async def _run(root: str, name: str, network: httpx.AsyncBaseTransport) -> StackFigure:
    source = load("harvest").demo_source(root)
    client = build_client(
        ClientOptions(base_url=str(source["base_url"]) + "/", user_agent="bench"),
        limiter=SlidingWindowLimiter(10**9, 1.0),
        transport=network,
    )
    client.headers.update(
        {
            "Authorization": f"Bearer {source['token']}",
            "Harvest-Account-Id": str(source["account_id"]),
        }
    )
    latencies: list[float] = []
    failures = 0
    counter = 0
    start = time.perf_counter()
    record_from, stop = start + WARMUP, start + WARMUP + SECONDS

    async def worker() -> None:
        nonlocal failures, counter
        while (began := time.perf_counter()) < stop:
            counter += 1
            try:  # a distinct query per request: the coalescing layer must not merge them
                response = await client.get("clients", params={"page": 1, "n": counter})
                ok = response.status_code == 200
            except httpx.TransportError:
                ok = False
            if began >= record_from:
                latencies.append(time.perf_counter() - began)
                failures += not ok

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    await client.aclose()
    q = statistics.quantiles(latencies, n=100)
    return StackFigure(name, len(latencies) / SECONDS, q[49] * 1000, q[98] * 1000, failures)


def measure() -> list[StackFigure]:
    port = free_port()
    # Harvest allows 100 requests per 15 s: lifted (bench.simulate), the stack is measured.
    args = [sys.executable, "-m", "bench.simulate", "harvest", str(port), "0"]
    root = f"http://127.0.0.1:{port}"
    with process(args, f"{root}/_simulator/stats"):
        return [asyncio.run(_run(root, name, network)) for name, network in _networks().items()]


if __name__ == "__main__":
    for f in measure():
        print(f, file=sys.stdout)

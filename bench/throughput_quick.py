"""Quick GraphQL serving throughput: the demo over uvicorn in one process, load from another.

Not a test and not the formal harness (bench/run): a few seconds per scenario to see what the
HTTP path, the response cache and execution cost. Scenarios, each at concurrency 10 over
keep-alive connections (aiohttp), all POSTs with the same JSON body:

- ``hit``      the dashboard query, warm: answered from the response cache
- ``execute``  the dashboard query with ``Cache-Control: no-cache``: executed every time
- ``small``    ``{ sources { name vendor } }`` with ``no-cache``: execution without upstream calls
- ``bare``     a bare FastAPI endpoint returning the dashboard's bytes, same uvicorn, same run

Each scenario runs ``--runs`` times, interleaved; the run with the median requests/s is shown.
Run: ``.venv/bin/python -m bench.throughput_quick [--seconds 5] [--runs 3]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass

import aiohttp
import orjson

DASHBOARD = (
    "{ timeEntries(first: 50) { nodes { id date start end durationSeconds hours running "
    "description user { name email } project { name client { name } } source { name vendor } } "
    "sourceResults { source complete } } }"
)
SMALL = "{ sources { name vendor } }"
NO_CACHE = {"Cache-Control": "no-cache"}
SCENARIOS: dict[str, tuple[str, str, dict[str, str]]] = {
    "hit": ("/graphql", DASHBOARD, {}),
    "execute": ("/graphql", DASHBOARD, NO_CACHE),
    "small": ("/graphql", SMALL, NO_CACHE),
    "bare": ("/bare", DASHBOARD, {}),
}


def serve(port: int, log_level: str) -> None:
    """The server process: the demo app, plus ``/bare`` (a FastAPI app) in front of it."""
    import uvicorn
    from fastapi import FastAPI, Request, Response

    from gateway.app import create_app
    from gateway.demo import build_demo
    from gateway.logs import configure

    configure(log_level)
    demo = build_demo()
    hourglass = create_app(demo.settings, transports=demo.transports, mounts=demo.mounts)
    bare = FastAPI()
    answer = {"body": b"{}"}

    @bare.post("/bare")
    async def bare_endpoint() -> Response:
        return Response(answer["body"], media_type="application/json")

    @bare.put("/bare")
    async def set_body(request: Request) -> Response:
        answer["body"] = await request.body()
        return Response(status_code=204)

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        target = bare if scope.get("path") == "/bare" else hourglass
        await target(scope, receive, send)  # type: ignore[arg-type]

    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


@dataclass
class Run:
    requests: int
    failures: int
    seconds: float
    latencies: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def load(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str], seconds: float
) -> Run:
    latencies: list[float] = []
    failures = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures
        while (started := time.perf_counter()) < stop:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(10)))
    return Run(len(latencies), failures, time.perf_counter() - began, latencies)


async def measure(root: str, seconds: float, runs: int) -> dict[str, list[Run]]:
    connector = aiohttp.TCPConnector(limit=10)
    json_headers = {"Content-Type": "application/json"}
    async with aiohttp.ClientSession(connector=connector, headers=json_headers) as session:
        dashboard = orjson.dumps({"query": DASHBOARD})
        async with session.post(f"{root}/graphql", data=dashboard) as response:
            answer = await response.read()  # cold: references load, entries fill the cache
        assert b'"errors"' not in answer, answer[:500]
        async with session.put(f"{root}/bare", data=answer):
            pass
        results: dict[str, list[Run]] = {name: [] for name in SCENARIOS}
        for _ in range(runs):
            for name, (path, query, headers) in SCENARIOS.items():
                body = orjson.dumps({"query": query})
                await load(session, f"{root}{path}", body, headers, 1.0)  # warm-up
                results[name].append(await load(session, f"{root}{path}", body, headers, seconds))
    return results


def report(results: dict[str, list[Run]]) -> None:
    bare = statistics.median(r.rps for r in results["bare"])
    print(f"{'scenario':10} {'req/s':>8} {'of bare':>8} {'p50 ms':>8} {'p99 ms':>8} {'fail':>5}")
    for name, runs in results.items():
        median = sorted(runs, key=lambda r: r.rps)[len(runs) // 2]
        rates = ", ".join(f"{r.rps:.0f}" for r in runs)
        print(
            f"{name:10} {median.rps:8.0f} {median.rps / bare:8.0%} {median.percentile(0.5):8.2f} "
            f"{median.percentile(0.99):8.2f} {sum(r.failures for r in runs):5d}   runs: {rates}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log-level", default="INFO", help="the server's (INFO: access lines)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.log_level)
        return
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.throughput_quick", "--serve", "--port", str(args.port),
         "--log-level", args.log_level],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        root = f"http://127.0.0.1:{args.port}"
        _wait_for(f"{root}/healthz")
        report(asyncio.run(measure(root, args.seconds, args.runs)))
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for(url: str) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


if __name__ == "__main__":
    main()

"""A light load generator, run as its own process: ``python -m bench.load URL BODY_FILE C SECONDS``.

``C`` workers post the GraphQL body over keep-alive connections (aiohttp, one session) for
``SECONDS`` after a one-second warm-up, and print ``{"rps", "p50_ms", "p99_ms", "errors"}``.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import aiohttp

WARMUP = 1.0


async def _worker(
    session: aiohttp.ClientSession,
    url: str,
    body: bytes,
    stop: float,
    record_from: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    headers = {"Content-Type": "application/json"}
    while (now := time.perf_counter()) < stop:
        try:
            async with session.post(url, data=body, headers=headers) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0  # counted as an error, like a non-200 answer
        if now >= record_from:
            latencies.append(time.perf_counter() - now)
            if status != 200:
                errors.append(status)


async def run(url: str, body: bytes, concurrency: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[int] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        record_from, stop = start + WARMUP, start + WARMUP + seconds
        await asyncio.gather(
            *(
                _worker(session, url, body, stop, record_from, latencies, errors)
                for _ in range(concurrency)
            )
        )
    if len(latencies) < 2:
        latencies = latencies * 2 or [float("nan")] * 2
    quantiles = statistics.quantiles(latencies, n=100)
    return {
        "rps": len(latencies) / seconds,
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
        "errors": len(errors),
    }


def main() -> None:
    url, body_file, concurrency, seconds = sys.argv[1:5]
    body = Path(body_file).read_bytes()
    print(json.dumps(asyncio.run(run(url, body, int(concurrency), float(seconds)))))


if __name__ == "__main__":
    main()

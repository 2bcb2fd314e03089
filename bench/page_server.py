"""``python -m bench.page_server PORT BODY_FILE``: one recorded page, served as fast as uvicorn can.

The upstream-stack benchmark's second server. A vendor simulator is a FastAPI app that routes,
authenticates, rate-limits and serialises each request; on a 2-core machine shared with the
load it can be what limits pages/s, and then the benchmark measures the simulator, not the
stack. This raw ASGI app answers every request with the same bytes the simulator returned
(recorded once by ``bench/stack.py``), under uvicorn with uvloop and httptools.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from starlette.types import Receive, Scope, Send


def page_app(body: bytes) -> object:
    """An ASGI app answering 200 ``body`` (JSON) to every HTTP request; lifespan ignored."""
    start = {
        "type": "http.response.start",
        "status": 200,
        "headers": [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ],
    }
    message = {"type": "http.response.body", "body": body}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await send(start)
        await send(message)

    return app


def main() -> None:
    port, body = int(sys.argv[1]), Path(sys.argv[2]).read_bytes()
    uvicorn.run(
        page_app(body),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()

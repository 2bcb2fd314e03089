"""The bare FastAPI endpoint the gateway's throughput is compared with.

``python -m bench.bare PORT BODY_FILE`` serves ``POST /graphql`` answering the bytes of
``BODY_FILE`` (the exact JSON the gateway returned for the warm dashboard query), under the
same uvicorn settings as ``hourglass serve``: what HTTP + ASGI + FastAPI alone cost.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Response


def create_app(body: bytes) -> FastAPI:
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.post("/graphql")
    async def graphql() -> Response:
        return Response(body, media_type="application/json")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main() -> None:
    port, body_file = int(sys.argv[1]), sys.argv[2]
    app = create_app(Path(body_file).read_bytes())
    # As gateway.cli._run serves the gateway.
    uvicorn.run(app, host="127.0.0.1", port=port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()

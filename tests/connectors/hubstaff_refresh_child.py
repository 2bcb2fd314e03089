"""A process that rotates a Hubstaff refresh token over and over, for the kill test.

    HUBSTAFF_SOURCE='{...}' python -m tests.connectors.hubstaff_refresh_child URL STORE COUNT [PHASE N]

``HUBSTAFF_SOURCE`` is the simulator's demo ``[[sources]]`` entry as JSON (the environment, not
the command line, carries the token). Forces COUNT token exchanges against the simulator at
URL, keeping the chain in the STORE
file, printing ``refreshed <generation>`` after each, then checks the last access token with
``/users/me`` and prints ``done``. With PHASE and N it stops, prints ``paused`` and waits to be
killed at the N-th exchange, at one of these points of the refresh:

- ``before-exchange``: the refresh has begun (lock taken, store read), nothing sent yet;
- ``after-save``: the new refresh token is on disk, its access token not yet used;
- ``after-answer``: Hubstaff has rotated the token, its answer is not yet on disk.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

from gateway.connectors.base import ConnectorContext
from gateway.connectors.hubstaff import CONFIG, create_connector
from gateway.connectors.hubstaff.auth import Grant, TokenEndpoint
from gateway.connectors.hubstaff.store import FileTokenStore, StoredToken
from gateway.errors import UpstreamAuthError


def pause() -> None:
    print("paused", flush=True)
    while True:
        time.sleep(60)


def arm(phase: str, at: int) -> None:
    exchange, save = TokenEndpoint.__call__, FileTokenStore.save
    seen = {"exchanges": 0}

    async def exchanging(self: TokenEndpoint, refresh_token: str) -> Grant:
        seen["exchanges"] += 1
        if phase == "before-exchange" and seen["exchanges"] == at:
            pause()
        grant = await exchange(self, refresh_token)
        if phase == "after-answer" and seen["exchanges"] == at:
            pause()
        return grant

    def saving(self: FileTokenStore, token: StoredToken) -> None:
        save(self, token)
        if phase == "after-save" and seen["exchanges"] == at:
            pause()

    TokenEndpoint.__call__ = exchanging  # type: ignore[method-assign]
    FileTokenStore.save = saving  # type: ignore[method-assign]


async def main(url: str, store: str, count: int) -> int:
    entry = {
        **json.loads(os.environ["HUBSTAFF_SOURCE"]),
        "base_url": f"{url}/v2",
        "token_url": f"{url}/access_tokens",
        "token_store": store,
    }
    connector = create_connector(CONFIG.model_validate(entry), ConnectorContext(user_agent="kill-test"))
    file = FileTokenStore(Path(store))
    try:
        for _ in range(count):
            await connector.provider.force_refresh()
            stored = file.load()
            print(f"refreshed {stored.generation if stored else -1}", flush=True)
        await connector.whoami()
    except UpstreamAuthError as exc:
        print(f"auth-error {exc}", flush=True)
        return 3
    finally:
        await connector.aclose()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6:
        arm(sys.argv[4], int(sys.argv[5]))
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))

"""The rotating-refresh-token provider, with a fake token endpoint: rotation, storage, races."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from gateway.connectors.hubstaff.auth import Grant, RefreshRefused, RotatingTokenProvider
from gateway.connectors.hubstaff.store import (
    FileTokenStore,
    MemoryTokenStore,
    StoredToken,
    fingerprint,
)
from gateway.errors import UpstreamAuthError, UpstreamUnavailable

PAT = "pat-original-secret"


class FakeEndpoint:
    """Rotates like Hubstaff: each refresh token works once; records the order of events."""

    def __init__(self, valid: set[str] | None = None, lifetime: float = 3600, delay: float = 0.0) -> None:
        self.valid = {PAT} if valid is None else valid
        self.lifetime = lifetime
        self.delay = delay
        self.calls: list[str] = []
        self.counter = 0

    async def __call__(self, refresh_token: str) -> Grant:
        self.calls.append(refresh_token)
        await asyncio.sleep(self.delay)
        if refresh_token not in self.valid:
            raise RefreshRefused("invalid_grant")
        self.valid.discard(refresh_token)
        self.counter += 1
        new = f"rt-{self.counter}"
        self.valid.add(new)
        return Grant(f"at-{self.counter}", new, self.lifetime)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def provider(endpoint: FakeEndpoint, store: object, clock: Clock | None = None, pat: str = PAT) -> RotatingTokenProvider:
    return RotatingTokenProvider("hs", endpoint, store, SecretStr(pat), clock=clock or Clock())  # type: ignore[arg-type]


async def test_concurrent_callers_share_one_exchange() -> None:
    endpoint = FakeEndpoint(delay=0.01)
    tokens = provider(endpoint, MemoryTokenStore())
    got = await asyncio.gather(*(tokens.token() for _ in range(100)))
    assert set(got) == {"at-1"} and endpoint.calls == [PAT]


async def test_renews_ahead_of_expiry_not_before() -> None:
    clock, endpoint = Clock(), FakeEndpoint(lifetime=3600)
    tokens = provider(endpoint, MemoryTokenStore(), clock)
    assert await tokens.token() == "at-1"
    clock.now += 3600 - 121
    assert await tokens.token() == "at-1"
    clock.now += 2  # within 120 s of expiry
    assert await tokens.token() == "at-2"
    assert endpoint.calls == [PAT, "rt-1"]


async def test_short_lifetimes_renew_at_half_life() -> None:
    clock, endpoint = Clock(), FakeEndpoint(lifetime=60)
    tokens = provider(endpoint, MemoryTokenStore(), clock)
    await tokens.token()
    clock.now += 29
    assert await tokens.token() == "at-1"
    clock.now += 2
    assert await tokens.token() == "at-2"


async def test_a_rejected_token_is_renewed_once_and_a_stale_rejection_ignored() -> None:
    endpoint = FakeEndpoint()
    tokens = provider(endpoint, MemoryTokenStore())
    first = await tokens.token()
    await asyncio.gather(*(tokens.rejected(first) for _ in range(10)))
    assert await asyncio.gather(*(tokens.token() for _ in range(10))) == ["at-2"] * 10
    await tokens.rejected(first)  # a late 401 for the old token changes nothing
    assert await tokens.token() == "at-2" and len(endpoint.calls) == 2


async def test_the_new_refresh_token_is_durable_before_the_access_token_is_handed_out(tmp_path: Path) -> None:
    events: list[str] = []

    class Recording(FileTokenStore):
        def save(self, token: StoredToken) -> None:
            super().save(token)
            events.append(f"saved {token.refresh_token}")

    tokens = provider(FakeEndpoint(), Recording(tmp_path / "t.json"))
    for _ in range(3):
        events.append(f"use {await tokens.force_refresh()}")
    assert events == ["saved rt-1", "use at-1", "saved rt-2", "use at-2", "saved rt-3", "use at-3"]


async def test_the_store_file_is_private_and_whole(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tokens" / "hs.json"
    tokens = provider(FakeEndpoint(), FileTokenStore(path))
    await tokens.token()
    data = json.loads(path.read_text())
    assert data["refresh_token"] == "rt-1" and data["origin"] == fingerprint(PAT)
    assert PAT not in path.read_text()  # only a fingerprint of the configured token
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


async def test_a_stored_chain_is_preferred_to_the_configured_token() -> None:
    endpoint = FakeEndpoint(valid={"rt-41"})
    store = MemoryTokenStore(StoredToken("rt-41", fingerprint(PAT), 41))
    tokens = provider(endpoint, store)
    assert await tokens.token() == "at-1"
    assert endpoint.calls == ["rt-41"]
    assert store.token is not None and (store.token.refresh_token, store.token.generation) == ("rt-1", 42)


async def test_a_stored_access_token_survives_a_restart_without_an_exchange() -> None:
    clock = Clock()
    store = MemoryTokenStore(
        StoredToken("rt-9", fingerprint(PAT), 9, "at-stored", clock.now - 60, clock.now + 3000)
    )
    endpoint = FakeEndpoint(valid={"rt-9"})
    assert await provider(endpoint, store, clock).token() == "at-stored"
    assert endpoint.calls == []


async def test_a_new_configured_token_starts_a_new_chain() -> None:
    endpoint = FakeEndpoint(valid={"pat-new"})
    store = MemoryTokenStore(StoredToken("rt-old", fingerprint(PAT), 7, "at-old", 0, 10**10))
    tokens = provider(endpoint, store, pat="pat-new")
    assert await tokens.token() == "at-1"
    assert endpoint.calls == ["pat-new"]
    assert store.token is not None and store.token.origin == fingerprint("pat-new")


async def test_a_dead_chain_falls_back_to_the_configured_token_once() -> None:
    # A store kept from an account that was reset (the demo's fresh simulator): one refused try.
    endpoint = FakeEndpoint(valid={PAT})
    tokens = provider(endpoint, MemoryTokenStore(StoredToken("rt-dead", fingerprint(PAT), 3)))
    assert await tokens.token() == "at-1"
    assert endpoint.calls == ["rt-dead", PAT]


async def test_a_dead_pat_is_one_clear_error_and_never_retried() -> None:
    endpoint = FakeEndpoint(valid=set())
    tokens = provider(endpoint, MemoryTokenStore())
    results = await asyncio.gather(*(tokens.token() for _ in range(20)), return_exceptions=True)
    assert all(isinstance(r, UpstreamAuthError) for r in results)
    message = str(results[0])
    assert "create a new personal access token" in message.lower() and PAT not in message
    with pytest.raises(UpstreamAuthError):
        await tokens.token()
    assert endpoint.calls == [PAT]


async def test_a_failed_write_keeps_the_token_in_memory_and_saves_it_next_time(tmp_path: Path) -> None:
    class Flaky(MemoryTokenStore):
        fail = True

        def save(self, token: StoredToken) -> None:
            if self.fail:
                raise OSError("disk full")
            super().save(token)

    store, endpoint = Flaky(), FakeEndpoint()
    tokens = provider(endpoint, store)
    with pytest.raises(UpstreamUnavailable, match="token store"):
        await tokens.token()
    store.fail = False
    # The unsaved chain is written first; its access token is still fresh, so no exchange.
    assert await tokens.token() == "at-1"
    assert endpoint.calls == [PAT]
    assert store.token is not None and store.token.refresh_token == "rt-1"
    await tokens.force_refresh()
    assert endpoint.calls == [PAT, "rt-1"]


async def test_two_processes_sharing_a_store_never_exchange_the_same_token(tmp_path: Path) -> None:
    # Two providers on one file stand for two processes: the lock and the re-read make the
    # second adopt the first's fresh token instead of exchanging a refresh token again.
    endpoint = FakeEndpoint(delay=0.02)
    path = tmp_path / "t.json"
    one, two = provider(endpoint, FileTokenStore(path)), provider(endpoint, FileTokenStore(path))
    assert list(await asyncio.gather(one.token(), two.token())) == ["at-1", "at-1"]
    assert endpoint.calls == [PAT]
    assert await one.force_refresh() == "at-2"
    assert await two.force_refresh() == "at-3"  # from rt-2, which ``one`` stored
    assert await one.token() == "at-2"  # still valid: a rotation does not revoke access tokens
    assert endpoint.calls == [PAT, "rt-1", "rt-2"]  # every exchange used the newest token


async def test_an_unreadable_store_falls_back_to_the_configured_token(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("{not json")
    endpoint = FakeEndpoint()
    assert await provider(endpoint, FileTokenStore(path)).token() == "at-1"
    assert json.loads(path.read_text())["refresh_token"] == "rt-1"

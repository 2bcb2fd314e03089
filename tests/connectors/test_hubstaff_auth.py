"""The rotating-refresh-token provider, with a fake token endpoint: rotation, storage, races."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import stat
import threading
from collections.abc import AsyncIterator
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

    def __init__(
        self, valid: set[str] | None = None, lifetime: float = 3600, delay: float = 0.0
    ) -> None:
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


def provider(
    endpoint: FakeEndpoint, store: object, clock: Clock | None = None, pat: str = PAT
) -> RotatingTokenProvider:
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


class Recording(FakeEndpoint):
    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events

    async def __call__(self, refresh_token: str) -> Grant:
        self.events.append(f"exchange {refresh_token}")
        return await super().__call__(refresh_token)


class Blocking(MemoryTokenStore):
    """Each save waits (in its worker thread) until ``release`` is set."""

    def __init__(self, events: list[str]) -> None:
        super().__init__()
        self.events = events
        self.release = threading.Event()

    def save(self, token: StoredToken) -> None:
        assert self.release.wait(5), "the test never released the save"
        super().save(token)
        self.events.append(f"saved {token.refresh_token}")


class Unlocked(Blocking):
    """A lock that excludes nothing, so only the provider itself can keep its refreshes in order."""

    @contextlib.asynccontextmanager
    async def lock(self, within: float) -> AsyncIterator[None]:
        yield


async def test_a_new_refresh_token_is_durable_before_the_next_exchange_uses_it(
    tmp_path: Path,
) -> None:
    events: list[str] = []

    class Saving(FileTokenStore):
        def save(self, token: StoredToken) -> None:
            super().save(token)
            events.append(f"saved {token.refresh_token}")

    # ``token()`` does not wait for the save, and a 401 right away asks for the next refresh
    # while it may still be running: each exchange must still find its token on disk.
    tokens = provider(Recording(events), Saving(tmp_path / "t.json"))
    for _ in range(3):
        await tokens.rejected(await tokens.token())
    await tokens.aclose()
    assert [e for e in events if e.startswith("exchange")] == [
        f"exchange {t}" for t in (PAT, "rt-1", "rt-2")
    ]
    for n in (1, 2):
        assert events.index(f"saved rt-{n}") < events.index(f"exchange rt-{n}")
    assert events[-1] == "saved rt-3"


async def test_the_access_token_is_handed_out_while_its_refresh_token_is_being_saved() -> None:
    events: list[str] = []
    store = Unlocked(events)
    tokens = provider(Recording(events), store)
    try:
        assert await tokens.token() == "at-1"  # the save of rt-1 cannot have finished
        assert store.token is None and events == [f"exchange {PAT}"]
        forced = asyncio.create_task(tokens.force_refresh())
        for _ in range(20):  # give it every chance to run ahead of the save
            await asyncio.sleep(0)
        assert not forced.done() and events == [f"exchange {PAT}"]
    finally:
        store.release.set()
    assert await forced == "at-2"
    # force_refresh returns with its token on disk; the chain was written in order.
    assert events == [f"exchange {PAT}", "saved rt-1", "exchange rt-1", "saved rt-2"]
    assert store.token is not None and store.token.refresh_token == "rt-2"


async def test_another_process_waits_for_the_save_before_reading_the_chain() -> None:
    # Two providers on one store stand for two processes: the store's lock is held until the
    # new refresh token is saved, so the second never reads (and exchanges) the dead one.
    events: list[str] = []
    store = Blocking(events)
    endpoint = Recording(events)
    one, two = provider(endpoint, store), provider(endpoint, store)
    try:
        assert await one.token() == "at-1"
        second = asyncio.create_task(two.token())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not second.done() and events == [f"exchange {PAT}"]
    finally:
        store.release.set()
    assert await second == "at-1"  # adopted from the store, no second exchange
    assert events == [f"exchange {PAT}", "saved rt-1"]


async def test_closing_waits_for_a_save_under_way() -> None:
    store = Blocking([])
    tokens = provider(FakeEndpoint(), store)
    try:
        await tokens.token()
        closing = asyncio.create_task(tokens.aclose())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not closing.done()
    finally:
        store.release.set()
    await closing
    assert store.token is not None and store.token.refresh_token == "rt-1"


async def test_the_store_file_is_private_and_whole(tmp_path: Path) -> None:
    path = tmp_path / "state" / "tokens" / "hs.json"
    tokens = provider(FakeEndpoint(), FileTokenStore(path))
    await tokens.token()
    await tokens.aclose()  # the save runs on after the token is handed out
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
    await tokens.aclose()
    assert endpoint.calls == ["rt-41"]
    assert store.token is not None and (store.token.refresh_token, store.token.generation) == (
        "rt-1",
        42,
    )


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
    await tokens.aclose()
    assert endpoint.calls == ["pat-new"]
    assert store.token is not None and store.token.origin == fingerprint("pat-new")


async def test_warming_starts_the_exchange_that_token_then_shares() -> None:
    clock, endpoint = Clock(), FakeEndpoint(delay=0.01, lifetime=3600)
    tokens = provider(endpoint, MemoryTokenStore(), clock)
    assert tokens.warm()  # an exchange started
    assert not tokens.warm()  # one in flight: no second exchange
    for _ in range(5):  # a few steps of the loop, well within the exchange's 10 ms
        await asyncio.sleep(0)
    assert endpoint.calls == [PAT]  # sent before anyone asked for the token
    assert list(await asyncio.gather(tokens.token(), tokens.token())) == ["at-1", "at-1"]
    assert not tokens.warm()  # fresh: nothing to do
    clock.now += 3600 - 100  # due for renewal
    assert tokens.warm()
    assert await tokens.token() == "at-2" and endpoint.calls == [PAT, "rt-1"]


async def test_a_failed_warm_up_is_the_next_token_calls_error_and_is_not_retried() -> None:
    endpoint = FakeEndpoint(valid=set())
    tokens = provider(endpoint, MemoryTokenStore())
    tokens.warm()
    await asyncio.sleep(0.01)  # failed with nobody waiting
    with pytest.raises(UpstreamAuthError):
        await tokens.token()
    tokens.warm()  # the PAT is dead: no further exchange
    with pytest.raises(UpstreamAuthError):
        await tokens.token()
    assert endpoint.calls == [PAT]


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


class Flaky(MemoryTokenStore):
    fail = True

    def __init__(self) -> None:
        super().__init__()
        self.saved: list[str] = []

    def save(self, token: StoredToken) -> None:
        if self.fail:
            raise OSError(28, "No space left on device")
        super().save(token)
        self.saved.append(token.refresh_token)


async def test_a_failed_write_keeps_the_token_in_memory_and_saves_it_next_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, endpoint = Flaky(), FakeEndpoint()
    tokens = provider(endpoint, store)
    with caplog.at_level(logging.ERROR, logger="gateway.connectors.hubstaff.auth"):
        assert await tokens.token() == "at-1"  # the request is not failed by the store
        await tokens.aclose()
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "token store" in record.getMessage() and "No space left" in record.getMessage()
    assert not any(secret in record.getMessage() for secret in (PAT, "rt-1", "at-1"))
    assert store.token is None
    assert await tokens.token() == "at-1"  # still fresh in memory: no exchange, no retry
    store.fail = False
    # The next refresh writes the unsaved chain before exchanging its refresh token.
    assert await tokens.force_refresh() == "at-2"
    assert endpoint.calls == [PAT, "rt-1"] and store.saved == ["rt-1", "rt-2"]


async def test_a_forced_refresh_that_cannot_be_saved_says_so() -> None:
    store, endpoint = Flaky(), FakeEndpoint()
    tokens = provider(endpoint, store)
    with pytest.raises(UpstreamUnavailable, match="token store"):
        await tokens.force_refresh()
    assert await tokens.token() == "at-1"  # kept in memory all the same
    with pytest.raises(UpstreamUnavailable, match="token store"):
        await tokens.force_refresh()  # the unsaved chain still cannot be written: no exchange
    assert endpoint.calls == [PAT]


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
    tokens = provider(endpoint, FileTokenStore(path))
    assert await tokens.token() == "at-1"
    await tokens.aclose()
    assert json.loads(path.read_text())["refresh_token"] == "rt-1"

"""Durable storage for a rotating refresh token: one JSON file per source.

Hubstaff invalidates a refresh token once it has been exchanged, so the new one must be on
disk before anything relies on it. ``save`` writes a temporary file in the same directory,
fsyncs it, ``os.replace``-s it over the old file and fsyncs the directory: after a crash the
file holds either the previous token or the new one, never a torn mix. The file is readable
by its owner only (it holds live credentials).

``lock`` serialises refreshes across *processes* on one host (an advisory ``flock`` on a
sibling ``.lock`` file), so two processes never exchange the same refresh token. Replicas on
several hosts need a shared store and lock (Redis), which this module does not provide.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

LOCK_POLL = 0.02


@dataclass(frozen=True, slots=True)
class StoredToken:
    """The newest link of a refresh-token chain.

    ``origin`` is a hash of the configured personal access token the chain started from: a
    stored chain is newer than the configuration only while the configuration still names
    that token (an operator who pastes a new one starts a new chain). ``expires_at`` and
    ``issued_at`` are wall-clock epoch seconds.
    """

    refresh_token: str
    origin: str
    generation: int
    access_token: str | None = None
    issued_at: float = 0.0
    expires_at: float = 0.0


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenStore(Protocol):
    def load(self) -> StoredToken | None:
        """The stored chain, or ``None`` if there is none (or it is unreadable)."""

    def save(self, token: StoredToken) -> None:
        """Make ``token`` durable before returning."""

    def lock(self, within: float) -> contextlib.AbstractAsyncContextManager[None]:
        """Exclusive across processes while a refresh runs; ``TimeoutError`` after ``within`` s."""


class FileTokenStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> StoredToken | None:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
            return StoredToken(
                **{k: data[k] for k in StoredToken.__dataclass_fields__ if k in data}
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError):
            # A file we cannot read is no chain at all: the configured token is tried instead.
            return None

    def save(self, token: StoredToken) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        payload = json.dumps({"version": 1, **asdict(token)}, indent=2).encode()
        fd, temp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _fsync_dir(self.path.parent)

    @contextlib.asynccontextmanager
    async def lock(self, within: float) -> AsyncIterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            await _flock(fd, within)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


async def _flock(fd: int, within: float) -> None:
    """Poll a non-blocking flock: never parks a thread, and cancellation stays clean."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + within
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if loop.time() >= give_up:
                raise TimeoutError("the token store is locked by another process") from None
            await asyncio.sleep(LOCK_POLL)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class MemoryTokenStore:
    """For tests and throwaway demos: a restart forgets the chain (and so loses the PAT)."""

    def __init__(self, token: StoredToken | None = None) -> None:
        self.token = token
        self._lock = asyncio.Lock()

    def load(self) -> StoredToken | None:
        return self.token

    def save(self, token: StoredToken) -> None:
        self.token = token

    @contextlib.asynccontextmanager
    async def lock(self, within: float) -> AsyncIterator[None]:
        try:
            await asyncio.wait_for(self._lock.acquire(), within)
        except TimeoutError:
            raise TimeoutError("the token store is locked") from None
        try:
            yield
        finally:
            self._lock.release()

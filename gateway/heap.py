"""The garbage collector's settings for a serving process, applied once the app is built.

CPython's cyclic collector runs a full collection now and then as allocations pile up, and a
full collection walks every tracked object of the process. A gateway's are mostly the ones
built at start (the schema, its types and resolvers, pydantic models, imported modules): a few
hundred thousand objects that live as long as the process. The first large vendor response
(hundreds of thousands of dicts and strings) triggered such a collection inside the first
query, where it cost ~35 ms of the cold dashboard's 70 ms of CPU (bench: gateway CPU column).

- ``gc.freeze()`` moves what exists at start out of the collector's reach for good: later
  collections walk only what requests create (the practice Instagram described for CPython
  servers). Only the serving process does it, after start-up: a test suite that builds many
  apps must not pin every one of them.
- The generations are collected less often: the youngest after 50,000 allocations instead of
  700, the middle one after 20 young collections instead of 10, the oldest after 20 middle
  ones. A month of entries allocates about a million objects that stay alive until the answer
  is sent (decoded pages, entries), so each collection walks live data for nothing: ~10% of
  the month report's CPU went to young collections at the default threshold, and raising the
  middle and old thresholds too took the cold month from 1.06 s to 0.96 s (bench A/B, median
  of 4). Requests make few cycles; memory held by cyclic garbage stays bounded by these counts.
- Young collections wait for the process to be idle (``IdleCollections``): while a request is
  in flight the youngest generation is collected only past ``BUSY_YOUNG`` allocations, and
  once no request has been in flight for ``IDLE_DELAY`` the thresholds above are back, so
  CPython collects what is due then, between requests. A young collection walks every young
  object still alive, and a request's are alive until it answers: the cold month paid two of
  ~8 ms each, one of them while Hubstaff's first pages were waiting to be read.
- Freeing waits too (``release_when_idle``): what a request is done with but that is large
  (a finished listing's merge, a connector's decoded pages) is kept until the process is idle,
  and freed then. Freeing is not free either: the cold month's last page dropped ~530,000
  memory blocks before it answered, ~20 ms of its critical path (``sys.getallocatedblocks``
  around its steps).
- Memory is touched once, at start (``reserve``), and kept: a fresh process's heap grows page
  by page as requests first need it, and each new page is a page fault, which the kernel
  serves by zeroing a page (and, on a virtual machine, the host by backing it). A cold month
  report grew the gateway by ~21,000 pages (~85 MB): 40-120 ms of system time on the bench
  machine, as its host allowed, inside the report's wall time. The JVM's ``AlwaysPreTouch``
  does the same for the same reason.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import platform
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("hourglass.heap")

THRESHOLDS = (50_000, 20, 20)  # young, middle, old (CPython's defaults: 700, 10, 10)
# The youngest generation's threshold while requests are in flight. The cold month holds
# ~140,000 young tracked objects as it answers: twice that, so that one such query is never
# interrupted. It also bounds a process that is never idle: it still collects, at most this
# many live objects at a time (~13 ms for 300,000 live dicts and lists here, ~64 ms for a
# million).
BUSY_YOUNG = 300_000
# No request in flight for this long is idle. A client following cursors asks for the next
# page within milliseconds of the last (the bench's month: ~5 ms), and that page's entries are
# the ones a collection would walk.
IDLE_DELAY = 0.05
# What ``release_when_idle`` keeps at most: a process that is never idle frees the oldest as it
# parks one more (paying for that freeing inside a request, as it would have without parking).
PARKED_MAX = 8

# ``reserve``: glibc's ``mallopt`` parameters (malloc.h), and the sizes it touches memory in.
_M_TRIM_THRESHOLD, _M_TOP_PAD, _M_MMAP_THRESHOLD = -1, -2, -3
_MMAP_THRESHOLD = 32 * 2**20  # glibc's own ceiling for its adaptive threshold
_HEAP_CHUNK = 8 * 2**20  # under ``_MMAP_THRESHOLD``: the chunks come from the heap
_SMALL_BLOCK = 470  # bytes(470) is a 503-byte object: pymalloc's largest size class (512)
_ARENA_BUCKET_BITS = 18  # one kept object per 256 KiB of addresses keeps every 1 MiB arena

_reserved: list[bytes] = []  # what keeps ``reserve``'s pymalloc arenas alive
_parked: deque[object] = deque(maxlen=PARKED_MAX)
_parking = False  # a request is in flight under ``IdleCollections``: idle time will come
_serving: IdleCollections | None = None  # the serving process's (``serving``)


def release_when_idle(value: object) -> None:
    """Keep ``value`` (and all that only it holds) alive until the process is next idle, so
    that freeing it happens between requests, not in the one that drops it.

    Only in a serving process with a request in flight (``IdleCollections``); anywhere else
    this does nothing and the caller's last reference frees ``value`` as usual."""
    if _parking:
        _parked.append(value)


@contextmanager
def in_flight() -> Iterator[None]:
    """Count the block as a request in flight under the process's ``IdleCollections``: work
    done for a request after it has answered (the next page computed ahead) allocates as
    much as a request does. Outside a serving process, nothing changes."""
    serving = _serving
    if serving is None:
        yield
        return
    serving._started()
    try:
        yield
    finally:
        serving._finished()


def serving(app: ASGIApp) -> IdleCollections:
    """``app`` in the serving process's ``IdleCollections``, the one ``in_flight`` counts in."""
    global _serving
    _serving = IdleCollections(app)
    return _serving


def available_memory() -> int | None:
    """Bytes the kernel says are available (``MemAvailable`` in ``/proc/meminfo``); None where
    it cannot be read (not Linux)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def reserve(megabytes: int, available: Callable[[], int | None] = available_memory) -> int:
    """Touch ``megabytes`` of memory now and keep it for the process to allocate from, half
    for each of CPython's two allocators; where one is not in use, its half is skipped.

    - glibc's ``malloc`` (objects over 512 bytes: a vendor's response body, a page's list of
      entries): freed memory is kept at the top of its heap up to ``M_TOP_PAD`` instead of
      going back to the kernel, and blocks under 32 MiB come from that heap, not from a
      ``mmap`` of their own each. Then a half's worth of heap is allocated, written and freed.
    - pymalloc (smaller objects: most of a decoded page) takes its memory in 1 MiB arenas,
      each unmapped once none of its blocks is in use. A half's worth of 512-byte blocks is
      allocated and written, and one block per 256 KiB of addresses is kept for good: every
      arena then stays mapped, its other pools free for objects of any size.

    The process's resident memory is then at least this much from the start (a server's
    trade: the first large query pays no page faults). 0: nothing is reserved. It takes at
    most half the memory ``available`` (the kernel's ``MemAvailable`` by default): a reserve
    the machine cannot hold would get the process killed at start, or set it swapping; a
    warning then says what was reserved instead. Returns the megabytes reserved."""
    free = available()
    if free is not None and megabytes * 2**20 > free // 2:
        capped = free // 2 // 2**20
        log.warning(
            "heap reserve reduced to half the memory available",
            extra={"fields": {"heap_reserve_mb": megabytes, "reserved_mb": capped}},
        )
        megabytes = capped
    half = megabytes * 2**20 // 2
    if half <= 0:
        return 0
    if _set_malloc_to_keep(half):
        touched = [bytearray(_HEAP_CHUNK) for _ in range(half // _HEAP_CHUNK)]
        del touched  # freed into the heap's top, which now stays
    if _pymalloc_in_use():
        # ``id`` is an object's address in CPython: the blocks are grouped by where they lie.
        blocks = [bytes(_SMALL_BLOCK) for _ in range(half // sys.getsizeof(bytes(_SMALL_BLOCK)))]
        _reserved.extend({id(b) >> _ARENA_BUCKET_BITS: b for b in blocks}.values())
    return megabytes


def _set_malloc_to_keep(size: int) -> bool:
    """Have glibc keep ``size`` bytes of freed heap, and serve blocks under 32 MiB from its
    heap; False where the C library is not glibc (its ``malloc`` is left as it is)."""
    if platform.libc_ver()[0] != "glibc":  # asks the C library itself (os.confstr) first
        return False
    mallopt = ctypes.CDLL(None).mallopt
    return all(
        mallopt(param, value)
        for param, value in (
            (_M_MMAP_THRESHOLD, _MMAP_THRESHOLD),
            (_M_TRIM_THRESHOLD, size),
            (_M_TOP_PAD, size),
        )
    )


def _pymalloc_in_use() -> bool:
    return sys.implementation.name == "cpython" and os.environ.get("PYTHONMALLOC", "") not in (
        "malloc",
        "malloc_debug",
    )


def settle() -> None:
    """Collect what start-up left behind, freeze the rest, and widen the generations."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


class IdleCollections:
    """ASGI middleware deferring the youngest generation's collections, and the freeing of
    what ``release_when_idle`` parks, to idle time (see the module's docstring): what a
    request allocates is walked and freed between requests, not during one.

    For the serving process only, like ``settle``: the thresholds are the process's."""

    def __init__(self, app: ASGIApp, *, idle_delay: float = IDLE_DELAY) -> None:
        self.app = app
        self._idle_delay = idle_delay
        self._in_flight = 0
        self._idle: asyncio.TimerHandle | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._started()
        try:
            await self.app(scope, receive, send)
        finally:
            self._finished()

    def _started(self) -> None:
        global _parking
        self._in_flight += 1
        if self._idle is not None:
            self._idle.cancel()
            self._idle = None
        elif self._in_flight == 1:
            gc.set_threshold(BUSY_YOUNG, *THRESHOLDS[1:])
            _parking = True

    def _finished(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self._idle = asyncio.get_running_loop().call_later(self._idle_delay, self._rest)

    def _rest(self) -> None:
        """Idle: the usual thresholds, under which CPython collects at the next allocation
        whatever generation is due (this callback's own allocations included); and what was
        parked is freed."""
        global _parking
        self._idle = None
        gc.set_threshold(*THRESHOLDS)
        _parking = False
        _parked.clear()

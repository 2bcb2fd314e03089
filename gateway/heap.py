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
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)  # young, middle, old (CPython's defaults: 700, 10, 10)


def settle() -> None:
    """Collect what start-up left behind, freeze the rest, and widen the generations."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

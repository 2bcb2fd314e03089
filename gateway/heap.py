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
- The youngest generation is collected after 10,000 allocations instead of 700: a month of
  entries allocates about a million objects, and each young collection is a pause; ~10% of the
  month report's CPU went to them. Memory held by cyclic garbage is bounded by the same count.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Collect what start-up left behind, freeze the rest, and widen the young generation."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)

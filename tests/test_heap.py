"""The serving process's collector settings (gateway.heap), in a child process of its own:
freezing is for the life of a process and must not leak into the test run."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import gc, json, weakref
import gateway.app  # what a serving process has built by then: schema, models, modules
from gateway import heap
class Node: ...
gc.disable()  # so that only settle() can collect the cycle below
garbage = Node()
garbage.me = garbage  # a cycle start-up left behind: collected, not frozen
alive = weakref.ref(garbage)
del garbage
before = gc.get_freeze_count()
heap.settle()
print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold(), gc.get_count()[0],
                  alive() is None]))
"""


def test_settle_freezes_what_start_up_built_and_widens_the_generations() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    before, frozen, thresholds, pending, collected = json.loads(out)
    assert before == 0 and frozen > 50_000  # the schema's and the modules' objects
    assert thresholds == [50_000, 20, 20]
    assert pending < 100  # collected first: nothing young was frozen with it
    assert collected  # the leftover cycle was collected, not frozen for the process's life


def test_serving_settles_the_heap_once_the_app_is_built() -> None:
    probe = """
import gc, sys
import uvicorn
from gateway import cli
seen = []
uvicorn.run = lambda app, **kw: seen.append(gc.get_freeze_count())
cli.main(["demo", "--port", "0"])
print(seen[0])
"""
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert int(out.strip().splitlines()[-1]) > 50_000

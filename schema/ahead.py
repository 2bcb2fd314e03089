"""A root listing's items completed ahead: rendered into their response dicts as the listing
reads them, while the query still waits on its slowest source, not once it has answered.

A month report waits ~0.5 s on Hubstaff's chain of pages while the other sources' entries,
most of the 5,000 its first page shows, have been in for ~0.4 s. Completing the page's
``nodes`` took ~14 ms after the last answer here (2.3 us an entry, with compiled plans); the
entries already read are now completed while waiting, each by the same plan that would
complete it at the end (``RenderAhead``), and the list's completion takes their dicts. A
source that maps entries long before it yields them (Hubstaff: each page's closed sessions)
hands them over then (``TimeEntryQuery.ahead``); when the listing reads them later, they are
not completed again.

Only where that cannot change a byte of the response: the list's plan must read nothing but
its items and the gateway (``PlanCompiler.compile``), the items are frozen domain
objects, and completion uses a dict only if it was made by the very plan completion runs. An
item the plan cannot complete ahead is completed at the end, the normal way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # plans imports the schema's types, which import the context, which us
    from schema.execution.plans import Plan

# The plan for a root connection's ``nodes`` list, by the connection's response path, when
# it may run ahead (``CompiledExecutor.plan_ahead``).
FindPlan = Callable[[tuple[str, ...]], "Plan | None"]

_SKIPPED = object()  # an item the plan stopped at: completed at the end instead


@dataclass(frozen=True, slots=True)
class _GatewayOnly:
    """The context a plan that may run ahead reads: the gateway (the same for every request),
    so that a listing kept for its next page keeps no request's state."""

    gateway: Any


class RenderAhead:
    """A listing's ``prepare`` (``gateway.listing.Merge``): completes each group of items with
    the connection's ``nodes`` plan as it is read, and keeps the dicts until that list is
    completed (``feed``). A listing resumed for its next page keeps its ``RenderAhead``, so the
    entries read ahead for that page are completed already too."""

    __slots__ = ("_find", "_path", "_ready", "context", "plan")

    def __init__(self, find: FindPlan, path: tuple[str, ...], gateway: Any) -> None:
        self._find: FindPlan | None = find
        self._path = path
        self.plan: Plan | None = None
        self.context = _GatewayOnly(gateway)
        # Completed items by id(), each with the item itself: alive, so the id stays its own.
        self._ready: dict[int, tuple[Any, dict[str, Any]]] = {}

    def __call__(self, items: list[Any]) -> None:
        if self._find is not None:
            # Looked up once, at the first group: by then the plan is compiled (the executor
            # does it while the sources are asked); the request's executor is let go of.
            self.plan, self._find = self._find(self._path), None
        plan = self.plan
        if plan is None:
            return
        ready = self._ready
        # A source may have had its items completed before it yielded them (``TimeEntryQuery.
        # ahead``): those are not completed again. An id in ``ready`` is its item's: held alive.
        if ready:
            items = [item for item in items if id(item) not in ready]
        done: list[Any] = []
        left = iter(items)
        while len(done) < len(items):
            try:
                plan(left, self.context, None, done)
                break
            except Exception:  # it stopped at an item, taken but not completed: skip it
                done.append(_SKIPPED)
        if len(done) != len(items):  # not one dict per item: whose is which is not certain
            return
        for item, value in zip(items, done, strict=True):
            if value is not _SKIPPED:
                ready[id(item)] = (item, value)

    def feed(self, items: list[Any], out: list[Any]) -> Iterator[Any]:
        """``items`` for ``plan`` to complete into ``out``: those completed ahead go straight
        to ``out``, in their place, and only the others are handed over."""
        ready = self._ready
        for item in items:
            hit = ready.pop(id(item), None)
            if hit is not None:  # its item is this one: held alive, its id was no other's
                out.append(hit[1])
            else:
                yield item

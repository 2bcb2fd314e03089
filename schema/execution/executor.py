"""The executor that completes lists of plain objects with compiled plans.

graphql-core completes a list item by item and every item field by field (a resolve info, a
path and a few calls per field: ~3.5 us a field). For a list whose items' selection is plain
(see ``plans``) this executor builds the items' dicts with one compiled loop instead.
Any item the plan cannot complete with certainty goes, alone, through graphql-core's own
``complete_list_item_value`` at its own index, so what the response holds for it (data,
errors, paths, null propagation) is what graphql-core makes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterator, Sequence
from functools import partial
from typing import Any

from cachetools import LRUCache
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    get_nullable_type,
    is_list_type,
    is_object_type,
)
from graphql.execution.collect_fields import DeferUsage, FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import collect_iterator_awaitables
from graphql.pyutils import AwaitableOrValue, Path, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.context import Context
from schema.execution.plans import Plan, PlanCompiler

log = logging.getLogger(__name__)

PlanKey = tuple[GraphQLObjectType, int]
# Seconds after the root resolvers start that the plans are compiled (``_precompile``): after
# the requests they send are on their way (a cold query's connects and sends take ~10 ms
# here), long before a vendor answers (50-500 ms).
PRECOMPILE_DELAY = 0.015
# Plans by selection signature, across requests; each entry keeps its AST nodes alive, and
# says whether the plan may run ahead (``schema.ahead``).
_SHARED: LRUCache[tuple[Any, ...], tuple[list[Any], Plan | None, bool]] = LRUCache(maxsize=512)
# The list a root connection's items are completed in, rendered ahead (``RenderAhead``).
NODES = "nodes"


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with compiled completion for lists of plain objects.

    Used only where nothing can observe the difference: no schema extension wraps resolvers
    (a ``resolve`` hook would be skipped for compiled fields) and no ``@stream``/``@defer``.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        self._compiling = (
            (manager is None or not manager.middlewares)
            and self.schema.get_directive("stream") is None
            and self.schema.get_directive("defer") is None
        )
        # The equivalents of Context.reference and Context.held_reference read ``prefetched``
        # and ``embedded``: only for a context whose methods are the ones they mirror.
        ctx = self.context_value
        self._context_ok = (
            isinstance(ctx, Context)
            and type(ctx).reference is Context.reference
            and type(ctx).held_reference is Context.held_reference
        )
        self._compiler = PlanCompiler(
            self.schema, self.collect_subfields, context_ok=self._context_ok
        )
        # Keyed like graphql-core's collect_subfields memo: the list is kept alive with its plan.
        self._plans: dict[PlanKey, tuple[FieldDetailsList, Plan | None, bool]] = {}

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> AwaitableOrValue[dict[str, Any]]:
        if self._compiling and self._context_ok:
            # Before the root resolvers run: their listings look their plans up (RenderAhead).
            self.context_value.plans_ahead = partial(self.plan_ahead, root_type, grouped_field_set)
        result = super().execute_collected_root_fields(
            root_type, root_value, grouped_field_set, serially, new_defer_usages
        )
        if not (self._compiling and self.is_awaitable(result)):
            return result
        # The root fields wait on the sources: compile the lists' plans meanwhile, instead of
        # once their data is in (~2 ms for the dashboard's, on its critical path).
        timer = asyncio.get_running_loop().call_later(
            PRECOMPILE_DELAY, self._precompile, root_type, grouped_field_set
        )
        return self._then_cancel(result, timer)

    @staticmethod
    async def _then_cancel(result: Awaitable[Any], timer: asyncio.TimerHandle) -> Any:
        try:
            return await result
        finally:
            timer.cancel()

    def _precompile(self, parent: GraphQLObjectType, grouped: GroupedFieldSet) -> None:
        """The plans of the lists under ``grouped``, as completing them would compile them:
        through the same memoized ``collect_subfields``, so completion finds them in
        ``_plans``. Down object fields and the items of lists that have no plan."""
        try:
            for details in grouped.values():
                field = self.schema.get_field(parent, details[0].node.name.value)
                if field is None:
                    continue
                nullable = get_nullable_type(field.type)
                if is_list_type(nullable):
                    item = get_nullable_type(nullable.of_type)
                    if is_object_type(item) and self._plan(item, details) is None:
                        self._precompile(item, self.collect_subfields(item, details)[0])
                elif is_object_type(nullable):
                    self._precompile(nullable, self.collect_subfields(nullable, details)[0])
        except Exception:  # a bug here must cost the head start, never a response
            log.exception("compiling plans ahead of completion failed")

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        item_type = return_type.of_type
        obj_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (
            self._compiling
            and position_context is None
            and isinstance(obj_type, GraphQLObjectType)
            and (result.__class__ is list or result.__class__ is tuple)
        ):
            plan = self._plan(obj_type, field_details_list)
            if plan is not None:
                return self._complete_with_plan(
                    plan, item_type, field_details_list, info, path, result
                )
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _plan(self, obj_type: GraphQLObjectType, fields: FieldDetailsList) -> Plan | None:
        return self._plan_and_scope(obj_type, fields)[0]

    def _plan_and_scope(
        self, obj_type: GraphQLObjectType, fields: FieldDetailsList
    ) -> tuple[Plan | None, bool]:
        """The plan, and whether it may run ahead (it reads only its items and the gateway)."""
        key = (obj_type, id(fields))
        cached = self._plans.get(key)
        if cached is None:
            cached = (fields, *self._shared_plan(obj_type, fields))
            self._plans[key] = cached
        return cached[1], cached[2]

    def _shared_plan(
        self, obj_type: GraphQLObjectType, fields: FieldDetailsList
    ) -> tuple[Plan | None, bool]:
        """From the process-wide cache when an earlier request compiled the same selection
        (the parsed document is cached across requests, so its AST nodes are the same)."""
        keep: list[Any] = []
        signature = (obj_type, self._context_ok, self._compiler.signature(obj_type, fields, keep))
        shared = _SHARED.get(signature)
        if shared is None:
            compiled = self._compiler.compile(obj_type, fields)
            shared = (keep, None, False) if compiled is None else (keep, *compiled)
            _SHARED[signature] = shared
        return shared[1], shared[2]

    def plan_ahead(
        self, root_type: GraphQLObjectType, grouped: GroupedFieldSet, path: tuple[str, ...]
    ) -> Plan | None:
        """The plan of ``nodes`` under the root connection at response ``path``, when it may
        run ahead: the plan completion will find (through the same memoized
        ``collect_subfields`` from the root), selected once, reading only items and gateway."""
        parent, fields = root_type, grouped
        for name in path:
            details = fields.get(name)
            found = self._field_type(parent, details[0].node.name.value) if details else None
            if not details or not isinstance(found, GraphQLObjectType):
                return None
            parent, fields = found, self.collect_subfields(found, details)[0]
        nodes = [d for d in fields.values() if d[0].node.name.value == NODES]
        found = self._field_type(parent, NODES)
        if len(nodes) != 1 or not isinstance(found, GraphQLList):
            return None
        item = get_nullable_type(found.of_type)
        if not isinstance(item, GraphQLObjectType):
            return None
        plan, ahead = self._plan_and_scope(item, nodes[0])
        return plan if ahead else None

    def _field_type(self, parent: GraphQLObjectType, name: str) -> Any:
        field = self.schema.get_field(parent, name)
        return None if field is None else get_nullable_type(field.type)

    def _complete_with_plan(
        self,
        plan: Plan,
        item_type: GraphQLOutputType,
        fields: FieldDetailsList,
        info: Any,
        path: Path,
        items: list[Any] | tuple[Any, ...],
    ) -> AwaitableOrValue[list[Any]]:
        ctx = self.context_value
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        iterator: Iterator[Any] = iter(items)
        ahead = ctx.rendered_ahead.get(id(items)) if self._context_ok else None
        if ahead is not None and ahead[1].plan is plan:
            iterator = ahead[1].feed(items, completed)
        try:
            while True:
                try:
                    plan(iterator, ctx, info, completed)
                    break
                except Exception:
                    # The plan stopped at the item after those it completed; on from the
                    # next one.
                    index = len(completed)
                    if self._complete_normally(
                        index, items[index], completed, item_type, fields, info, path
                    ):
                        awaitable_indices.append(index)
        except Exception:
            # An error propagating out of an item (a null in a non-null item): as graphql-core
            # does, settle the awaitables already started and those the list still holds.
            pending = [completed[i] for i in awaitable_indices]
            pending.extend(collect_iterator_awaitables(iterator, self.is_awaitable))
            if pending:
                self.settle_in_background(pending)
            raise
        if not awaitable_indices:
            return completed
        return self._await_items(completed, awaitable_indices)

    def _complete_normally(
        self,
        index: int,
        item: Any,
        completed: list[Any],
        item_type: GraphQLOutputType,
        fields: FieldDetailsList,
        info: Any,
        path: Path,
    ) -> bool:
        """graphql-core's per-item step of ``complete_iterable_value``; True if awaitable."""
        item_path = path.add_key(index, None)
        if self.is_awaitable(item):
            completed.append(
                self.complete_awaitable_list_item_value(
                    item, item_type, fields, info, item_path, None
                )
            )
            return True
        return self.complete_list_item_value(
            item, completed, item_type, fields, info, item_path, None
        )

    @staticmethod
    async def _await_items(completed: list[Any], indices: list[int]) -> list[Any]:
        if len(indices) == 1:
            completed[indices[0]] = await completed[indices[0]]
            return completed
        values = await gather_with_cancel(*(completed[i] for i in indices))
        for index, value in zip(indices, values, strict=True):
            completed[index] = value
        return completed

"""A compiled execution path for plain GraphQL subtrees (fields that only read attributes).

``CompiledExecutor`` is passed to Strawberry as ``execution_context_class``; ``plans`` compiles
selections, ``equivalents`` lists the resolvers it may replace and why that is exact.
"""

from schema.execution.equivalents import stale_equivalents
from schema.execution.executor import CompiledExecutor

__all__ = ["CompiledExecutor", "stale_equivalents"]

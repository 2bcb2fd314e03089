"""Sources: the configured vendor accounts and what each can do."""

from __future__ import annotations

from typing import Any

import strawberry

from gateway.service import SourceRuntime
from schema.context import Info


@strawberry.type(description="What a source's vendor supports.")
class Capabilities:
    kinds: list[str] = strawberry.field(
        description="Object types the vendor has: TimeEntry, Project, User, Client, Task."
    )
    filters_pushed_down: list[str] = strawberry.field(
        description="Time-entry filters the vendor applies itself (Hourglass applies the rest)."
    )
    writes: bool = strawberry.field(description="Whether time entries can be created or changed.")
    timers: bool = strawberry.field(description="Whether timers can be started and stopped.")
    webhooks: bool = strawberry.field(description="Whether the vendor can push changes.")


@strawberry.type(description="One configured account of one vendor.")
class Source:
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, SourceRuntime)

    @strawberry.field(description="The source's configured name (unique).")
    def name(self) -> str:
        return _rt(self).name

    @strawberry.field(description="The vendor: harvest, hubstaff, toggl, ...")
    def vendor(self) -> str:
        return _rt(self).config.vendor

    @strawberry.field(description="What this source supports.")
    def capabilities(self) -> Capabilities:
        caps = _rt(self).connector.capabilities
        return Capabilities(
            kinds=sorted(k.value for k in caps.kinds),
            filters_pushed_down=sorted(caps.pushed_filters),
            writes=caps.writes,
            timers=caps.timers,
            webhooks=caps.webhooks,
        )

    @strawberry.field(description="Health as Hourglass sees it: OK, or why not.")
    def status(self) -> str:
        return "OK"


def _rt(obj: object) -> SourceRuntime:
    assert isinstance(obj, SourceRuntime)
    return obj


def resolve_sources(info: Info) -> list[Source]:
    return list(info.context.gateway.sources.values())  # type: ignore[arg-type]

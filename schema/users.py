"""Users: the people who track time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from gateway import models
from schema.node import Node


@strawberry.type(description="A person who tracks time in a source.")
class User(Node):
    @classmethod
    def is_type_of(cls, obj: Any, _info: Any) -> bool:
        return isinstance(obj, models.User)

    name: str = strawberry.field(description="Full name.")
    email: str | None = strawberry.field(description="Email address, when the vendor shares it.")
    timezone: str | None = strawberry.field(description="The user's IANA time zone, when known.")
    active: bool = strawberry.field(description="False for archived or deactivated users.")
    role: str | None = strawberry.field(
        description="The user's role in the account, as the vendor names it."
    )
    created_at: datetime | None = strawberry.field(
        description="When the vendor created the user (UTC)."
    )
    updated_at: datetime | None = strawberry.field(
        description="When the vendor last changed the user (UTC)."
    )

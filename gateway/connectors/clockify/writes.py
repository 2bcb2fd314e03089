"""Clockify writes and timers (``TimeEntryWriter``, ``TimerControl``).

- create: ``POST /workspaces/{ws}/time-entries`` (201); without ``end`` it starts a timer,
  stopping the user's running one (Clockify allows one running timer per user).
- update: ``PUT /workspaces/{ws}/time-entries/{id}`` replaces the whole entry (``start`` is
  required), so the current entry is read first and the draft laid over it.
- delete: ``DELETE /workspaces/{ws}/time-entries/{id}`` (204).
- stop: ``PATCH /workspaces/{ws}/user/{userId}/time-entries {"end": ...}`` stops that user's
  running timer; 404 when none runs.

Entries are created for the API key's own user; ``draft.user_id`` naming someone else uses
the spec's ``POST /workspaces/{ws}/user/{userId}/time-entries`` (admins only).
Nothing here is retried blindly: POST and PATCH are not idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from gateway import errors
from gateway.connectors.base import TimeEntryDraft
from gateway.connectors.clockify import mapping
from gateway.http import Upstream
from gateway.models import TimeEntry


class ClockifyWrites:
    source: str
    _zone: ZoneInfo
    _upstream: Upstream
    _lookups: Upstream
    _ws: str
    _now: Callable[[], datetime]
    _me: str | None

    async def _raw_entry(self, native_id: str) -> Any: ...

    async def create_time_entry(self, draft: TimeEntryDraft) -> TimeEntry:
        return await self._create(draft, timer=False)

    async def start_timer(self, draft: TimeEntryDraft) -> TimeEntry:
        return await self._create(draft, timer=True)

    async def _create(self, draft: TimeEntryDraft, *, timer: bool) -> TimeEntry:
        body = mapping.create_body(draft, zone=self._zone, timer=timer, now=self._now())
        path = f"{self._ws}/time-entries"
        if draft.user_id is not None and draft.user_id != await self._my_id():
            path = f"{self._ws}/user/{draft.user_id}/time-entries"
        response = await self._upstream.request("POST", path, json=body, idempotent=False)
        return self._entry(response.body)

    async def update_time_entry(self, native_id: str, draft: TimeEntryDraft) -> TimeEntry:
        current = await self._existing(native_id)
        if draft.user_id is not None and draft.user_id != current.get("userId"):
            raise errors.UserInputError("Clockify cannot move a time entry to another user")
        body = mapping.update_body(current, draft)
        response = await self._upstream.request(
            "PUT", f"{self._ws}/time-entries/{native_id}", json=body
        )
        return self._entry(response.body)

    async def delete_time_entry(self, native_id: str) -> None:
        await self._lookups.request(
            "DELETE", f"{self._ws}/time-entries/{native_id}", expect_json=False
        )

    async def stop_timer(
        self, native_id: str | None = None, *, user_id: str | None = None
    ) -> TimeEntry:
        if native_id is not None:
            current = await self._existing(native_id)
            if (current.get("timeInterval") or {}).get("end") is not None:
                raise errors.UserInputError("that time entry is not running")
            user_id = current.get("userId")
        user_id = user_id or await self._my_id()
        try:
            response = await self._lookups.request(
                "PATCH",
                f"{self._ws}/user/{user_id}/time-entries",
                json={"end": mapping.instant(self._now())},
                idempotent=False,
            )
        except errors.UpstreamNotFound as exc:  # 404: nothing running; 400: no such user
            raise errors.UserInputError("no timer is running for that user") from exc
        return self._entry(response.body)

    async def _existing(self, native_id: str) -> Any:
        raw = await self._raw_entry(native_id)
        if raw is None:
            raise errors.UpstreamNotFound(
                self.source, f"source {self.source!r} has no such time entry"
            )
        return raw

    async def _my_id(self) -> str:
        if self._me is None:
            self._me = str((await self._upstream.get("user")).body["id"])
        return self._me

    def _entry(self, raw: Any) -> TimeEntry:
        return mapping.time_entry(self.source, raw, self._zone, self._now())

"""Toggl's statuses and plain-string error bodies, judged safely.

Toggl answers errors with a bare string (``text/plain`` or a JSON-encoded string) such as
``Invalid start_date`` or ``Time entry already stopped``. The body is never shown: a table of
phrases picks one of our own fixed reasons, so a caller learns *what* was refused without any
upstream text reaching them. Bad credentials are 403 (not 401), an exhausted hourly quota is
402 (shared/vendors/toggl.md).
"""

from __future__ import annotations

import httpx
import orjson

from gateway import errors
from gateway.http import StatusTable


class TogglConflict(errors.UpstreamBadResponse):
    """409: the object's state forbids the operation (stopping a stopped entry)."""


STATUSES: StatusTable = {
    402: errors.UpstreamRateLimited,
    403: errors.UpstreamAuthError,
    409: TogglConflict,
}

# (phrase in the lower-cased body, the reason we show). First match wins: specific first.
_REASONS: tuple[tuple[str, str], ...] = (
    ("already stopped", "the time entry is already stopped"),
    ("quota", "the hourly request quota is used up"),
    ("username", "the API token was not accepted"),
    ("password", "the API token was not accepted"),
    ("date range", "the date range is too long"),
    ("start", "the start was not accepted"),
    ("end_date", "the end date was not accepted"),
    ("end date", "the end date was not accepted"),
    ("stop", "the stop time was not accepted"),
    ("duration", "the duration was not accepted"),
    ("date", "a date was not accepted"),
    ("project", "the project was not accepted"),
    ("task", "the task was not accepted"),
    ("tag", "a tag was not accepted"),
    ("workspace", "the workspace was not accepted"),
    ("user", "the user was not accepted"),
    ("not found", "the object does not exist"),
    ("json", "the request body was not accepted"),
)


def body_text(content: bytes) -> str:
    """The error string of a body: a JSON-encoded string, or the text itself."""
    try:
        decoded = orjson.loads(content)
    except orjson.JSONDecodeError:
        return content.decode("utf-8", "replace")
    return decoded if isinstance(decoded, str) else ""


def safe_reason(content: bytes) -> str | None:
    """Our fixed wording for a Toggl error body, or ``None`` when no phrase is recognised."""
    text = body_text(content[:2048]).lower()
    return next((reason for phrase, reason in _REASONS if phrase in text), None)


def reason_of(response: httpx.Response) -> str | None:
    """``Upstream``'s safe-reason hook for Toggl's string bodies."""
    return safe_reason(response.content)

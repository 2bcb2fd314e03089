"""A Clockify ``[[sources]]`` entry."""

from __future__ import annotations

import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.clockify.me/api/v1"
DEFAULT_REPORTS_URL = "https://reports.api.clockify.me/v1"

_OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")


class ClockifySource(SourceConfig):
    """``base_url`` and ``reports_url`` are per region (``https://euc1.clockify.me/api/v1``...)."""

    vendor: Literal["clockify"]
    api_key: SecretStr
    workspace_id: str
    reports_url: str = DEFAULT_REPORTS_URL
    # The zone whose calendar days entries count for (``TimeEntry.date``, ``from``/``to``).
    timezone: str = "UTC"

    @field_validator("workspace_id", mode="before")
    @classmethod
    def _workspace_id(cls, value: object) -> str:
        text = str(value).strip().lower()
        if not _OBJECT_ID.match(text):
            raise ValueError("must be the 24-character hexadecimal Clockify workspace id")
        return text

    @field_validator("reports_url")
    @classmethod
    def _reports_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://reports.api.clockify.me/v1")
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name") from None
        return value

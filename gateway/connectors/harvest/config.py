"""A Harvest ``[[sources]]`` entry."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.harvestapp.com/v2"


class HarvestSource(SourceConfig):
    vendor: Literal["harvest"]
    token: SecretStr
    account_id: str
    # The account's zone: ``started_time``/``ended_time`` ("3:00pm") are wall-clock times in it.
    timezone: str = "UTC"

    @field_validator("account_id", mode="before")
    @classmethod
    def _account_id(cls, value: object) -> str:
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError("must be the numeric Harvest account id")
        return text

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name") from None
        return value

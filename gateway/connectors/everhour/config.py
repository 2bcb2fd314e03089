"""An Everhour ``[[sources]]`` entry."""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.everhour.com"


class EverhourSource(SourceConfig):
    vendor: Literal["everhour"]
    base_url: str | None = DEFAULT_BASE_URL
    # One key per user, acting with that user's permissions (``X-Api-Key``).
    api_key: SecretStr
    # Everhour's datetimes ("2024-10-18 13:58:23") carry no zone: they are wall times in the
    # account's zone, which the API does not state, so the source must.
    timezone: str

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, value: SecretStr) -> SecretStr:
        key = value.get_secret_value().strip()
        if not key:
            raise ValueError("must be the Everhour API key (Settings > Profile), not empty")
        if any(c.isspace() for c in key):
            raise ValueError("must not contain whitespace: an Everhour API key is one token")
        return SecretStr(key)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone name (like 'Europe/Berlin'): it is the zone "
                "Everhour's zone-less times are read in"
            ) from None
        return value

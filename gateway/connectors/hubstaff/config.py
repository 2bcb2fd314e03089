"""A Hubstaff ``[[sources]]`` entry.

The personal access token (``refresh_token``) is a 90-day *rotating* refresh token: every
exchange returns a new one and invalidates the old. The newest one therefore lives in the
``token_store`` file, not in this configuration; the configured value only seeds the chain
(see ``auth.py``). Default store: ``~/.hourglass/tokens/<source name>.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.hubstaff.com/v2"
DEFAULT_TOKEN_URL = "https://account.hubstaff.com/access_tokens"
DEFAULT_STATE_DIR = Path("~/.hourglass/tokens")


class HubstaffSource(SourceConfig):
    vendor: Literal["hubstaff"]
    refresh_token: SecretStr
    organization_id: int = Field(gt=0)
    token_url: str = DEFAULT_TOKEN_URL
    # Where the newest rotated refresh token is written (atomically) before it is used.
    token_store: Path | None = None
    # The organization's time zone: activities' ``date`` is the organization's day, so a
    # query for days is turned into a UTC ``time_slot`` range in this zone.
    timezone: str = "UTC"

    @field_validator("refresh_token")
    @classmethod
    def _refresh_token(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must be a Hubstaff personal access token (it is empty)")
        return value

    @field_validator("organization_id", mode="before")
    @classmethod
    def _organization_id(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().isdigit():
            raise ValueError("must be the numeric Hubstaff organization id")
        return value

    @field_validator("token_url")
    @classmethod
    def _token_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL of Hubstaff's token endpoint")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone name") from None
        return value

    def token_store_path(self) -> Path:
        return (self.token_store or DEFAULT_STATE_DIR / f"{self.name}.json").expanduser()

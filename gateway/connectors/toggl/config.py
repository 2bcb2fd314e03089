"""A Toggl Track ``[[sources]]`` entry."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.track.toggl.com/api/v9"
DEFAULT_REPORTS_URL = "https://api.track.toggl.com/reports/api/v3"


class TogglSource(SourceConfig):
    vendor: Literal["toggl"]
    # The Reports API lives beside the Track API, not under it.
    reports_url: str = DEFAULT_REPORTS_URL
    # Sent as HTTP Basic ``<api_token>:api_token`` (the password is the literal word).
    api_token: SecretStr
    workspace_id: int = Field(gt=0)

    @field_validator("api_token")
    @classmethod
    def _api_token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if not token or token != token.strip() or ":" in token:
            raise ValueError("must be the Toggl API token from the profile page (no spaces or ':')")
        return value

    @field_validator("reports_url", "base_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        if parts.username or parts.password or parts.query:
            raise ValueError("must not carry credentials or a query string")
        return value.rstrip("/")

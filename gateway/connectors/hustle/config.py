"""A Hustle ``[[sources]]`` entry."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.hustle.com/v3"

# Hustle blocks the caller's IP after 100 failed token requests in 24 h (and the account after
# 10 in a row): retrying bad credentials more often than every 864 s could reach that alone.
MIN_AUTH_FAILURE_COOLDOWN = 900.0


class HustleSource(SourceConfig):
    vendor: Literal["hustle"]
    # The OAuth client id Hustle issues is an e-mail address (the token endpoint's schema says so).
    client_id: str
    client_secret: SecretStr
    # Items per list page: the vendor's maximum, so a directory is as few calls as possible.
    page_size: int = Field(default=1000, ge=1, le=1000)
    # After Hustle rejects the credentials, ask for a token again only after this many seconds;
    # ``None``: never, until the configuration changes.
    auth_failure_cooldown: float | None = None

    @field_validator("client_id")
    @classmethod
    def _client_id(cls, value: str) -> str:
        text = value.strip()
        if "@" not in text.strip("@"):
            raise ValueError("must be the e-mail-like client id Hustle issued (name@domain)")
        return text

    @field_validator("client_secret")
    @classmethod
    def _client_secret(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must not be empty")
        return value

    @field_validator("auth_failure_cooldown")
    @classmethod
    def _cooldown(cls, value: float | None) -> float | None:
        if value is not None and value < MIN_AUTH_FAILURE_COOLDOWN:
            raise ValueError(
                f"must be at least {MIN_AUTH_FAILURE_COOLDOWN:.0f} seconds: Hustle blocks the "
                "IP after 100 failed token requests in 24 hours (omit it to retry only after "
                "the configuration changes)"
            )
        return value

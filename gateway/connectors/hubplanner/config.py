"""A Hub Planner ``[[sources]]`` entry."""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr, field_validator

from gateway.connectors.base import SourceConfig

DEFAULT_BASE_URL = "https://api.hubplanner.com/v1"
MAX_PAGE_SIZE = 1000  # the vendor's maximum ``limit``; 0 or more -> 400 (newer README)


class HubPlannerSource(SourceConfig):
    vendor: Literal["hubplanner"]
    # Sent raw in ``Authorization`` (no ``Bearer``); account-wide, Read Only or Read & Write.
    api_key: SecretStr
    # Items per page; the maximum by default (fewest calls against a 2 rps budget).
    page_size: int = MAX_PAGE_SIZE

    @field_validator("api_key")
    @classmethod
    def _api_key(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("must be a Hub Planner API key (Settings -> API in Hub Planner)")
        return value

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: int) -> int:
        if not 1 <= value <= MAX_PAGE_SIZE:
            raise ValueError(f"must be between 1 and {MAX_PAGE_SIZE} (Hub Planner's page limit)")
        return value

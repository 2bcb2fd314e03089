"""The compiled path's shortcuts hold where plans.py says they do."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest


@pytest.mark.parametrize("microsecond", [0, 1, 999_999])
def test_orjson_writes_a_utc_datetime_as_isoformat_does(microsecond: int) -> None:
    """plans._ISO_UTC serializes an aware UTC datetime with orjson instead of isoformat()."""
    for year in range(1, 10_000):
        moment = datetime(year, 12, 31, 23, 59, 59, microsecond, tzinfo=UTC)
        assert orjson.dumps(moment)[1:-1].decode() == moment.isoformat(), moment

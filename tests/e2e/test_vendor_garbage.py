"""A vendor answering garbage: a precise UPSTREAM_BAD_RESPONSE for that source, nothing leaked."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from gateway.settings import settings_from_dict
from tests.conftest import app_client, gql

ENTRY = {
    "id": 1,
    "spent_date": "2026-03-02",
    "hours": 1.5,
    "user": {"id": 7, "name": "A"},
    "project": {"id": 9, "name": "P"},
    "client": None,
    "task": None,
}
ENVELOPE = {"next_page": None, "page": 1, "total_pages": 1}


def vendor(time_entries: Callable[[], httpx.Response]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/time_entries"):
            return time_entries()
        return httpx.Response(
            200,
            json={
                "users": [{"id": 7, "first_name": "Ann", "last_name": "Lee"}],
                "links": {"next": None},
            },
        )

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            lambda: httpx.Response(200, text="<html><body>Bad gateway</body></html>"), id="html"
        ),
        pytest.param(
            lambda: httpx.Response(200, text='{"time_entries": [{"id": 1,'), id="truncated-json"
        ),
        pytest.param(lambda: httpx.Response(200, json={"entries": []}), id="wrong-envelope"),
        pytest.param(
            lambda: httpx.Response(200, json={"time_entries": [{"id": 1}], **ENVELOPE}),
            id="missing-fields",
        ),
        pytest.param(
            lambda: httpx.Response(
                200, json={"time_entries": [{**ENTRY, "spent_date": "yesterday"}], **ENVELOPE}
            ),
            id="unparseable-date",
        ),
    ],
)
async def test_garbage_is_one_bad_response_error_for_that_source(
    answer: Callable[[], httpx.Response],
) -> None:
    settings = settings_from_dict(
        {
            "sources": [
                {"name": "acme", "vendor": "harvest", "token": "t0ken-for-tests", "account_id": "1"}
            ]
        },
        environ={},
    )
    async with app_client(settings, {"acme": vendor(answer)}) as client:
        body = await gql(
            client,
            "{ timeEntries(first: 5) { nodes { id } sourceResults { complete problem { code } } } }",
        )
    assert body["data"]["timeEntries"]["sourceResults"] == [
        {"complete": False, "problem": {"code": "UPSTREAM_BAD_RESPONSE"}}
    ]
    [error] = body["errors"]
    assert error["extensions"] == {"code": "UPSTREAM_BAD_RESPONSE", "source": "acme"}
    assert "html" not in error["message"].lower() and "t0ken" not in str(body)

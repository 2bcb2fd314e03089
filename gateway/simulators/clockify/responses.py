"""orjson responses; list endpoints answer bare arrays with a ``Last-Page`` header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

import orjson
from starlette.responses import Response

T = TypeVar("T")


def json(body: object, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def page(items: Sequence[object], last: bool) -> Response:
    response = json(items)
    response.headers["Last-Page"] = "true" if last else "false"
    return response


def slice_page(items: Sequence[T], number: int, size: int) -> tuple[Sequence[T], bool]:
    """Page ``number`` (from 1) of ``items`` and whether nothing follows it."""
    return items[(number - 1) * size : number * size], number * size >= len(items)

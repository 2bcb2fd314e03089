"""The circuit-breaker layer: admit or refuse each logical request, judge its final outcome.

It sits above the retries (``CoalescingTransport -> BreakerTransport -> RetryTransport``), so
it sees one outcome per logical request, after its retries: five 503s answered to one request
are one failure, not five. The table below is the judgement; messages are our own words,
safe to show API users.
"""

from __future__ import annotations

import httpx

from gateway.errors import UpstreamUnavailable
from gateway.http.breaker import CircuitBreaker, LastError, Outcome
from gateway.http.timeouts import VENDOR_FAILED, AttemptTimedOut

# What a failure is reported as: the error code of the GraphQL errors it causes.
UNAVAILABLE = UpstreamUnavailable.code


class BreakerTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, breaker: CircuitBreaker) -> None:
        self._inner = inner
        self._breaker = breaker

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        ticket = self._breaker.admit()  # raises CircuitOpenError: nothing is sent
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException as exc:
            self._breaker.record(ticket, *judge_failure(exc, request, self._breaker.source))
            raise
        self._breaker.record(ticket, *judge_response(response, self._breaker.source))
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def judge_response(response: httpx.Response, source: str) -> tuple[Outcome, LastError | None]:
    """Any answer below 500 (4xx, auth, 429 included) shows the vendor is up."""
    status = response.status_code
    if status < 500:
        return Outcome.SUCCESS, None
    return Outcome.FAILURE, LastError(
        UNAVAILABLE, f"source {source!r} is unavailable (HTTP {status})"
    )


def judge_failure(
    exc: BaseException, request: httpx.Request, source: str
) -> tuple[Outcome, LastError | None]:
    """Timeouts and connection errors fail; anything else (cancellation, a refused rate-limit
    slot, an error of our own) says nothing about the vendor."""
    if isinstance(exc, AttemptTimedOut) and not request.extensions.get(VENDOR_FAILED):
        return Outcome.NEUTRAL, None  # the request's own deadline ended it early
    if isinstance(exc, httpx.TimeoutException):
        return Outcome.FAILURE, LastError(UNAVAILABLE, f"source {source!r} did not answer in time")
    if isinstance(exc, httpx.TransportError):
        return Outcome.FAILURE, LastError(UNAVAILABLE, f"source {source!r} could not be reached")
    return Outcome.NEUTRAL, None

"""Each attempt's time limit: the source's timeout, clipped to what is left of the deadline.

httpx hands the timeouts to the network transport, but in-process transports ignore them
(``httpx.ASGITransport`` for the demo's simulators, ``MockTransport`` in tests), so every
attempt is also bounded with ``asyncio.timeout``: a vendor that hangs cannot hold a GraphQL
request past its deadline, whatever carries the request. Either way the attempt ends with an
``httpx`` timeout, which ``Upstream`` reports as "did not answer in time".

This layer also notes on the request whether the *vendor* failed an attempt (5xx, connection
error, or no answer within a fair wait), for the circuit breaker above the retries: an attempt
that the request's own deadline cut short says nothing about the vendor, unless the vendor had
already failed that request before.
"""

from __future__ import annotations

import asyncio

import httpx

from gateway.http.deadline import remaining

# Vendors drop requests that run longer than 30 s (Hubstaff answers blank): never wait longer.
VENDOR_REQUEST_CAP = 30.0
# A vendor that does not answer within this long (or within the source's whole timeout, if
# shorter) has failed, even when it was our deadline that ended the wait.
FAIR_WAIT = 5.0
# Request extension set when the vendor failed one of the request's attempts.
VENDOR_FAILED = "hourglass.vendor_failed"


class AttemptTimedOut(httpx.ReadTimeout):
    """An attempt got no answer within its budget (the source's timeout or the deadline)."""


class DeadlineTimeouts(httpx.AsyncBaseTransport):
    """Clip each attempt's timeouts to what is left of the request's deadline, and enforce
    them on the event loop too."""

    def __init__(self, inner: httpx.AsyncBaseTransport, timeout: float) -> None:
        self._inner = inner
        self._timeout = min(timeout, VENDOR_REQUEST_CAP)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        left = remaining()
        budget = self._timeout if left is None else max(0.001, min(self._timeout, left))
        request.extensions["timeout"] = dict.fromkeys(("connect", "read", "write", "pool"), budget)
        try:
            async with asyncio.timeout(budget) as scope:
                response = await self._inner.handle_async_request(request)
        except httpx.TimeoutException as exc:
            raise self._timed_out(request, budget) from exc
        except TimeoutError as exc:
            if not scope.expired():
                raise
            raise self._timed_out(request, budget) from exc
        except httpx.TransportError:
            request.extensions[VENDOR_FAILED] = True
            raise
        if response.status_code >= 500:
            request.extensions[VENDOR_FAILED] = True
        return response

    def _timed_out(self, request: httpx.Request, budget: float) -> AttemptTimedOut:
        if budget >= min(self._timeout, FAIR_WAIT):
            request.extensions[VENDOR_FAILED] = True
        return AttemptTimedOut(f"no answer within {budget:.2f}s", request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()

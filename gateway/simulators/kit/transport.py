"""The client side of the kit: reaching a simulator in process, and setting its fault plan.

``httpx.ASGITransport`` re-raises whatever the app raises, so a ``drop`` fault would surface
as the kit's own :class:`ConnectionDropped`; :class:`SimulatorTransport` turns it into the
``httpx.RemoteProtocolError`` a client gets when a server cuts a real connection mid-response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from gateway.simulators.kit.fault_responses import ConnectionDropped
from gateway.simulators.kit.faults import FaultPlan

FAULTS_PATH = "/_simulator/faults"


class SimulatorTransport(httpx.ASGITransport):
    """``httpx.ASGITransport`` for simulator apps, with dropped connections as transport errors."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except Exception as exc:
            if not _is_drop(exc):
                raise
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            ) from exc


def _is_drop(exc: BaseException) -> bool:
    # Middleware running the app in a task group may wrap the exception in a group.
    if isinstance(exc, BaseExceptionGroup):
        return exc.subgroup(ConnectionDropped) is not None
    return isinstance(exc, ConnectionDropped)


async def set_faults(
    client: httpx.AsyncClient, plan: FaultPlan | Mapping[str, Any], path: str = FAULTS_PATH
) -> dict[str, Any]:
    """Replace the fault plan of the simulator at ``client``'s base URL; returns its snapshot.

    ``path`` is joined to ``client.base_url`` (pass an absolute URL if the base URL is
    a vendor API root such as ``http://sim/v2``). Raises ``ValueError`` with the simulator's
    precise message if it rejects the plan.
    """
    body = (
        plan.model_dump(mode="json", exclude_none=True)
        if isinstance(plan, FaultPlan)
        else dict(plan)
    )
    response = await client.post(path, json=body)
    if response.status_code == 422:
        raise ValueError(response.json()["message"])
    response.raise_for_status()
    snapshot: dict[str, Any] = response.json()
    return snapshot


async def clear_faults(client: httpx.AsyncClient, path: str = FAULTS_PATH) -> None:
    """Remove every fault rule of the simulator at ``client``'s base URL."""
    (await client.delete(path)).raise_for_status()

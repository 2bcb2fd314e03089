"""Ending tasks a caller started and no longer wants."""

from __future__ import annotations

import asyncio
from typing import Any


async def cancel_and_wait(*tasks: asyncio.Future[Any]) -> None:
    """Cancel ``tasks`` and wait until each has ended.

    Waiting, not only cancelling: a cancelled task runs on until its next ``await`` (its
    cleanup may await too) and would outlive what started it (a page fetch its listing's
    close, a connect the client's); and a task that fails on its way out, with nobody awaiting
    it, is logged as "exception was never retrieved". That failure, or the cancellation, is
    dropped here: the caller has stopped wanting the task's result. A task already done is
    only looked at."""
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

"""``cancel_and_wait``: tasks a caller no longer wants end before it goes on."""

from __future__ import annotations

import asyncio
import gc

import pytest

from gateway.tasks import cancel_and_wait


async def test_a_running_task_has_ended_when_it_returns() -> None:
    cleaned: list[str] = []

    async def fetch() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            await asyncio.sleep(0)  # its own cleanup awaits too
            cleaned.append("fetch")

    task = asyncio.ensure_future(fetch())
    await asyncio.sleep(0)  # started, waiting
    await cancel_and_wait(task)
    assert task.cancelled()
    assert cleaned == ["fetch"]


async def test_a_failure_in_a_tasks_cleanup_is_retrieved_and_not_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def fails_to_clean_up() -> None:
        try:
            await asyncio.sleep(60)
        finally:
            raise RuntimeError("closing the connection failed")

    failing = asyncio.ensure_future(fails_to_clean_up())
    finished = asyncio.get_running_loop().create_future()
    finished.set_result("kept")
    await asyncio.sleep(0)  # the first waiting, the second done
    await cancel_and_wait(failing, finished)
    assert finished.result() == "kept"
    del failing
    gc.collect()
    await asyncio.sleep(0)
    # A failure nobody read is logged when its task is collected; this one was read here.
    assert "never retrieved" not in caplog.text


async def test_the_caller_cancelled_while_waiting_still_ends_its_tasks() -> None:
    async def stubborn() -> None:
        await asyncio.sleep(60)

    inner = asyncio.ensure_future(stubborn())
    outer = asyncio.ensure_future(cancel_and_wait(inner))
    await asyncio.sleep(0)
    outer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await outer
    assert inner.cancelled()

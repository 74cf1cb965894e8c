"""``blocksstate.eager.start``: a coroutine run at once, a task only from its first wait."""

from __future__ import annotations

import asyncio
import contextvars
import sys

import pytest

from blocksstate import eager

var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="caller's")


async def test_a_coroutine_that_never_waits_runs_at_once_in_a_context_of_its_own():
    ran = []

    async def short() -> None:
        var.set("its own")
        ran.append(var.get())

    assert eager.start(short()) is None
    assert ran == ["its own"]
    assert var.get() == "caller's"  # as in a task: its context is a copy


async def test_one_that_waits_goes_on_as_a_task_in_the_same_context():
    gate = asyncio.get_running_loop().create_future()
    seen = []

    async def waits() -> None:
        token = var.set("its own")
        seen.append(await gate)
        seen.append(var.get())
        await asyncio.sleep(0)  # a bare yield too
        var.reset(token)  # the token of the first part is good in the second
        seen.append(var.get())

    task = eager.start(waits())
    assert isinstance(task, asyncio.Task) and not task.done()
    assert var.get() == "caller's"
    gate.set_result("woken")
    await task
    assert seen == ["woken", "its own", "caller's"]


async def test_cancelling_the_task_cancels_the_coroutine_where_it_waits():
    cleaned = []

    async def waits() -> None:
        try:
            await asyncio.sleep(10)
        finally:
            cleaned.append(True)

    task = eager.start(waits())
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cleaned == [True]


async def test_errors_reach_the_caller_before_a_wait_and_the_task_after():
    async def fails_at_once() -> None:
        raise KeyError("now")

    async def fails_later() -> None:
        await asyncio.sleep(0)
        raise KeyError("later")

    with pytest.raises(KeyError, match="now"):
        eager.start(fails_at_once())
    task = eager.start(fails_later())
    with pytest.raises(KeyError, match="later"):
        await task


async def test_a_failed_future_is_raised_where_the_coroutine_awaits_it():
    gate = asyncio.get_running_loop().create_future()

    async def waits() -> str:
        try:
            await gate
        except ValueError as exc:
            return f"caught {exc}"
        return "not reached"

    task = eager.start(waits())
    gate.set_exception(ValueError("bad"))
    assert await task == "caught bad"


async def test_a_resumed_coroutine_may_also_be_awaited():
    async def waits() -> str:
        await asyncio.sleep(0)
        return "done"

    coro = waits()
    resumed = eager._Resumed(coro, coro.send(None))
    assert await resumed == "done"


async def test_leave_hands_the_rest_to_a_task_of_its_own():
    caller = asyncio.current_task()
    tasks = []

    async def keeps_its_task() -> None:
        tasks.append(asyncio.current_task())
        await eager.leave()
        tasks.append(asyncio.current_task())
        await eager.leave()  # in its own task already: nothing to do
        tasks.append(asyncio.current_task())

    task = eager.start(keeps_its_task())
    if task is not None:
        await task
    # From leave() on it runs in a task of its own, never the caller's.
    assert tasks[1] is not caller and tasks[2] is tasks[1]
    if sys.version_info < (3, 12):
        assert tasks[0] is caller and task is tasks[1]  # the caller's task until leave()
    else:
        assert tasks[0] is tasks[1]  # an eager task of its own from the start


async def test_an_async_handler_times_out_in_its_own_task_not_the_callers():
    async def handler() -> None:
        async with asyncio.timeout(0.01):
            await asyncio.sleep(10)

    async def work() -> None:
        await eager.leave()  # what handlers.results does before an async handler
        await handler()

    task = eager.start(work())
    with pytest.raises(TimeoutError):
        await task
    assert not asyncio.current_task().cancelling()

"""Start a coroutine now, as an eager task would: a task only if it has to wait.

A connection's worker handles the page's items one after another in a task of its
own, so the consumer's receive loop goes on reading pings, acknowledgements and
``cancels=`` events while an event runs. Most events (a short handler run inline,
the session in this process's memory, frames handed to the server without waiting)
end without ever waiting: for them the task was a context copy, a loop turn and a
frame for nothing. ``start`` runs the coroutine at once, in a context of its own (a
copy of the caller's, as a task's), up to its first wait; only then does it go on in
a task, in that same context. Python 3.12's eager tasks do this; this is the same on
3.11, with one difference: before its first wait the coroutine runs in the caller's
task (``asyncio.current_task()`` is the consumer's). Code that keeps the current
task to cancel it later (``asyncio.timeout``, ``TaskGroup``, a Redis client's
connect timeout) must not start there: it first awaits ``leave()``, which hands the
rest to the task at once. So only what is known never to do so starts eagerly: an
event on a store in this process's memory; an ``async`` handler leaves first.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import types
from collections.abc import Coroutine, Generator
from typing import Any


def start(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run ``coro`` until it first waits, then as a task; None if it ended without waiting.

    An exception it raises before waiting propagates to the caller.
    """
    loop = asyncio.get_running_loop()
    if sys.version_info >= (3, 12):  # CI's second environment (3.12) runs this; the bench, 3.11
        task = asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg]
        if task.done():
            task.result()
            return None
        return task
    global _before_first_wait
    context = contextvars.copy_context()
    outer, _before_first_wait = _before_first_wait, True
    try:
        waiting = context.run(coro.send, None)
    except StopIteration:
        return None
    finally:
        _before_first_wait = outer
    return loop.create_task(_Resumed(coro, waiting), context=context)


def step(coro: Coroutine[Any, Any, None]) -> Coroutine[Any, Any, None] | None:
    """Run ``coro`` until it first waits, in the caller's task and context; None if it
    ended, else the rest of it, to await or run as a task. Its exception propagates."""
    try:
        waiting = coro.send(None)
    except StopIteration:
        return None
    return _Resumed(coro, waiting)


# Whether a coroutine started by ``start`` runs now, before its first wait (in the caller's task).
_before_first_wait = False


@types.coroutine
def _yield() -> Generator[None, None, None]:
    yield  # a bare yield: the task steps again at the next turn of the loop


async def leave() -> None:
    """Go on in a task of its own, if this runs in ``start`` before its first wait.

    Await it before code that keeps ``asyncio.current_task()`` (a user's ``async``
    handler may use ``asyncio.timeout``): on 3.11, before the first wait, that is the
    caller's task.
    """
    if _before_first_wait and sys.version_info < (3, 12):
        await _yield()


_NOTHING: Any = object()


class _Resumed(Coroutine[Any, Any, None]):
    """A started coroutine as a task takes it: its first step gives the future it waits on.

    Every later step (a value sent, an exception thrown: the future's result, or the
    task cancelled, even before its first step) goes to the coroutine itself.
    """

    __slots__ = ("coro", "waiting")

    def __init__(self, coro: Coroutine[Any, Any, None], waiting: Any) -> None:
        self.coro, self.waiting = coro, waiting

    def send(self, value: Any) -> Any:
        waiting = self.waiting
        if waiting is _NOTHING:
            return self.coro.send(value)
        self.waiting = _NOTHING
        return waiting

    def throw(self, *exc: Any) -> Any:
        self.waiting = _NOTHING
        return self.coro.throw(*exc)

    def close(self) -> None:
        self.coro.close()

    def __await__(self) -> Generator[Any, Any, None]:
        step: Any = self.send
        value: Any = None
        while True:
            try:
                waiting = step(value)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            try:
                value, step = (yield waiting), self.send
            except BaseException as exc:
                value, step = exc, self.throw

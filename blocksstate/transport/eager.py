"""Start a coroutine now, as an eager task would: a task only if it has to wait.

A connection's worker handles the page's items one after another in a task of its
own, so the consumer's receive loop goes on reading pings, acknowledgements and
``cancels=`` events while an event runs. Most events (a short handler run inline,
the session in this process's memory, frames handed to the server without waiting)
end without ever waiting: for them the task was a context copy, a loop turn and a
frame for nothing. ``start`` runs the coroutine at once, in a context of its own (a
copy of the caller's, as a task's), up to its first wait; only then does it go on in
a task, in that same context. Python 3.12's eager tasks do this; this is the same on
3.11.
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
from collections.abc import Coroutine, Generator
from typing import Any


def start(coro: Coroutine[Any, Any, None]) -> asyncio.Task[None] | None:
    """Run ``coro`` until it first waits, then as a task; None if it ended without waiting.

    An exception it raises before waiting propagates to the caller.
    """
    loop = asyncio.get_running_loop()
    if sys.version_info >= (3, 12):  # pragma: no cover - the bench and CI run 3.11
        task = asyncio.Task(coro, loop=loop, eager_start=True)  # type: ignore[call-arg]
        if task.done():
            task.result()
            return None
        return task
    context = contextvars.copy_context()
    try:
        waiting = context.run(coro.send, None)
    except StopIteration:
        return None
    return loop.create_task(_Resumed(coro, waiting), context=context)


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

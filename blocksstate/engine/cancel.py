"""Stopping a running event: ``cancels=`` and ``time_limit``.

Once any listener of the process has ``cancels=`` (``used``), the connection that runs
a page's items makes one ``Stop`` per item and sets it in ``current_stop`` while the
engine runs it; until then an event's chain makes one only for a step that can be cut
short (``time_limit``). A listener with ``cancels=[...]`` asks it
to stop those listeners (``Stop.cancel``): a step of theirs that is running stops at
once (a generator between two yields, a coroutine where it awaits; a synchronous
function's thread finishes its current call, whose result is dropped), keeps what it
already showed and stored, and the steps chained after it do not run. ``time_limit``
stops a step the same way when its time is up.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app.events import Dependency


#: Set once any listener of this process has ``cancels=``: until then a page's event frames
#: are not looked at on receipt (the common case costs nothing).
used = False


class Stop:
    """What the event being run is asked to stop: listeners, by id."""

    def __init__(self, on_cancel: Callable[[set[int]], None] | None = None) -> None:
        self.cancelled: set[int] = set()
        # Listeners whose step was cut short in this event: what follows them does not run.
        self.cut: set[int] = set()
        # Made when a step waits on it (``guard``): most events never do.
        self._asked: asyncio.Event | None = None
        self._on_cancel = on_cancel

    def cancel(self, dependency_ids: Iterable[int]) -> None:
        """Stop the runs of these listeners: this event's, and (through the connection) queued ones."""
        ids = set(dependency_ids)
        if not ids:
            return
        self.cancelled |= ids
        if self._asked is not None:
            self._asked.set()
        if self._on_cancel is not None:
            self._on_cancel(ids)

    def forget(self) -> None:
        """The item is over: let go of whoever asked to hear of cancels."""
        self._on_cancel = None

    def stops(self, dependency: Dependency) -> bool:
        return dependency.id in self.cancelled

    async def guard(
        self, dependency: Dependency, results: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        """Yield ``results`` until they end, or the step is cancelled or out of time."""
        loop = asyncio.get_running_loop()
        if self._asked is None:
            self._asked = asyncio.Event()
        asked_event = self._asked
        deadline = None if dependency.time_limit is None else loop.time() + dependency.time_limit
        try:
            while not self.stops(dependency):
                following = asyncio.ensure_future(anext(results))
                while not following.done():
                    asked = asyncio.ensure_future(asked_event.wait())
                    timeout = None if deadline is None else max(0.0, deadline - loop.time())
                    done, _ = await asyncio.wait(
                        {following, asked}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                    )
                    asked.cancel()
                    if following in done:
                        break
                    asked_event.clear()  # one step runs at a time: the request was read here
                    if not done or self.stops(dependency):  # out of time, or cancelled
                        following.cancel()
                        with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                            await following
                        break
                if following.cancelled():
                    break
                try:
                    item = following.result()
                except StopAsyncIteration:
                    return
                yield item
            self.cut.add(dependency.id)
        finally:
            await results.aclose()  # type: ignore[attr-defined]


current_stop: contextvars.ContextVar[Stop | None] = contextvars.ContextVar(
    "blocksstate_stop", default=None
)

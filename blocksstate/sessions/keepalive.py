"""The keepalive of connected sessions: their keys kept from expiring, timed-out values
expired, and a heartbeat, once per period while their page is connected.

The beats of a process share one timer per event loop and period (``_Beats``), not one
per session: an idle page then holds no timer, task or context of its own
(docs/performance.md, "Issue 20, item 5").
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .. import activity
from . import lifecycle
from .base import Superseded

if TYPE_CHECKING:
    from ..engine.runner import Engine
    from .hold import Hold

logger = logging.getLogger("blocksstate")


def period_of(engine: Engine) -> float:
    """Seconds between two beats of a session of this app."""
    period = max(1.0, min(60.0, lifecycle.keep_time(engine) / 4))
    ttls = [s.time_to_live for s in engine.tracker.ttl_states]
    if ttls:
        period = max(0.05, min(period, min(ttls) / 2))  # type: ignore[type-var]
    return period


class Keepalive:
    """While a page is connected: keep its keys from expiring, expire timed-out values, beat.

    One beat per period, each a short task started by its loop's shared timer. A beat
    that fails is logged; the next one still comes. The session is ``hold.session``
    (it follows a reload); ``superseded()`` is awaited when another connection resumed it.
    """

    __slots__ = ("hold", "period", "_superseded", "_beats", "_running")

    def __init__(self, hold: Hold, superseded: Callable[[], Awaitable[None]]) -> None:
        self.hold, self._superseded = hold, superseded
        self.period = period_of(hold.engine)
        self._beats: _Beats | None = None
        self._running: asyncio.Task[None] | None = None  # a beat under way

    def start(self) -> None:
        """Beat now (the first beat only schedules the session's end), then every period.

        In a context of its own: started while the ``hello`` is handled, a copy of that
        context (its ``Stop``, the file viewer, the language) would be kept by every
        beat for as long as the page stays connected (docs/performance.md).
        """
        self._beats = _Beats.of(asyncio.get_running_loop(), self.period)
        self._beats.run(self, first=True)

    def stop(self) -> None:
        if self._beats is not None:
            self._beats.remove(self)
            self._beats = None
        if self._running is not None:
            self._running.cancel()
            self._running = None

    async def beat(self, first: bool = False) -> None:
        hold = self.hold
        session = hold.session
        if session is None:
            return
        engine, store = hold.engine, hold.store
        try:
            if not first:
                await store.touch(engine.blocks, session.id, lifecycle.key_timeout(engine))
                if engine.tracker.ttl_states:
                    async with hold.transaction(session) as session:
                        await engine.expire_values(session)
            await lifecycle.heartbeat(store, session, self.period)
            activity.session_seen(session)
        except Superseded:
            self._running = None  # this very task: not to be cancelled while it closes
            self.stop()
            await self._superseded()
            return
        except Exception:
            logger.exception(
                "Keepalive of session %s failed; retrying in %g s", session.id, self.period
            )
        self._running = None
        if self._beats is not None and hold.session is not None:
            self._beats.add(self)


class _Beats:
    """The keepalives of one event loop and period waiting for their next beat, in due order.

    All wait the same period, so each one added is due last: an insertion-ordered dict
    is the queue, and removing a stopped one is one ``del``.
    """

    _all: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[float, _Beats]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, period: float) -> None:
        self.period = period
        self.due: dict[Keepalive, float] = {}
        self.timer: asyncio.TimerHandle | None = None
        # Beats read no context variable: none of their callers' must be kept by the timer.
        self.context = contextvars.Context()

    @classmethod
    def of(cls, loop: asyncio.AbstractEventLoop, period: float) -> _Beats:
        by_period = cls._all.setdefault(loop, {})
        beats = by_period.get(period)
        if beats is None:
            beats = by_period[period] = cls(period)  # not holding the loop: a weak key
        return beats

    def add(self, keepalive: Keepalive) -> None:
        """Beat ``keepalive`` one period from now."""
        loop = asyncio.get_running_loop()
        when = self.due[keepalive] = loop.time() + self.period
        if self.timer is None:
            self.timer = loop.call_at(when, self._fire, context=self.context)

    def remove(self, keepalive: Keepalive) -> None:
        self.due.pop(keepalive, None)
        if not self.due and self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def run(self, keepalive: Keepalive, first: bool = False) -> None:
        """Start a beat of ``keepalive`` now, as a task in a context of its own."""
        beat = keepalive.beat(first)
        keepalive._running = asyncio.create_task(beat, context=contextvars.Context())

    def _fire(self) -> None:
        self.timer = None
        loop = asyncio.get_running_loop()
        now = loop.time()
        due = self.due
        while due:
            keepalive, when = next(iter(due.items()))
            if when > now:
                self.timer = loop.call_at(when, self._fire, context=self.context)
                return
            del due[keepalive]
            self.run(keepalive)

"""A connected page's hold on its session: one transaction at a time, the keepalive while
it is connected, and the grace period once it has gone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..conf import setting
from . import lifecycle
from .base import SessionStore
from .keepalive import Keepalive
from .session import Session
from .sweep import sweeper

if TYPE_CHECKING:
    from ..engine.runner import Engine


class Hold:
    """The session a page holds (None before its ``hello`` and after it let go)."""

    __slots__ = ("engine", "store", "session", "_keepalive")

    def __init__(self, engine: Engine, store: SessionStore) -> None:
        self.engine, self.store = engine, store
        self.session: Session | None = None
        self._keepalive: Keepalive | None = None

    @property
    def key_timeout(self) -> float:
        return lifecycle.key_timeout(self.engine)

    def transaction(self, session: Session) -> contextlib.AbstractAsyncContextManager[Session]:
        """Hold the session's lock and yield it up to date; save what changed before letting go."""
        return self.store.transaction(  # type: ignore[return-value]  (given a session: never None)
            self.engine.blocks, session, self.key_timeout, self._entered
        )

    def _entered(self, session: Session) -> None:
        self.session = session

    def keep_alive(self, superseded: Callable[[], Awaitable[None]]) -> None:
        """The session has started: keep its keys alive while the page is connected.

        ``superseded()`` is awaited if the keepalive finds another page resumed it.
        """
        self._keepalive = Keepalive(self, superseded)
        self._keepalive.start()
        sweeper.ensure_running()

    def stop_keepalive(self) -> None:
        if self._keepalive is not None:
            self._keepalive.stop()
            self._keepalive = None

    def lost(self, last_sign: float, running: asyncio.Task[None] | None) -> None:
        """The page is gone: end the session ``RESUME_GRACE`` after ``last_sign``, unless it
        resumes (after ``running``, the event the page left behind, if any)."""
        self.stop_keepalive()
        if self.session is not None:
            deadline = last_sign + setting("RESUME_GRACE")
            lifecycle.grace_timers.start(
                self.engine, self.store, self.session, deadline, running, lambda: self.session
            )

    async def end(self, reason: str) -> None:
        """End the session now (the page closed): once across workers, ``unload`` included."""
        self.stop_keepalive()
        session, self.session = self.session, None
        if session is not None:
            await lifecycle.end_session(
                self.engine, self.store, session, epoch=session.epoch, reason=reason
            )

"""A connected page's hold on its session: one transaction at a time, the keepalive while
it is connected, and the grace period once it has gone."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

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
        return _Transaction(self, session)

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


class _Transaction:
    """``Hold.transaction``: the store's, noting the session it yields (a class: every event)."""

    __slots__ = ("hold", "session", "inner")

    def __init__(self, hold: Hold, session: Session) -> None:
        self.hold, self.session = hold, session
        self.inner: contextlib.AbstractAsyncContextManager[Session | None] | None = None

    async def __aenter__(self) -> Session:
        hold = self.hold
        self.inner = hold.store.transaction(hold.engine.blocks, self.session, hold.key_timeout)
        current = await self.inner.__aenter__()
        assert current is not None  # given a session, never None
        hold.session = current
        return current

    async def __aexit__(self, *exc: Any) -> bool | None:
        assert self.inner is not None
        return await self.inner.__aexit__(*exc)

"""A connected page's hold on its session: one transaction at a time, its lease on the lock
between events, the keepalive while it is connected, and the grace period once it has gone."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..conf import setting
from . import lifecycle
from .base import SessionStore
from .keepalive import Keepalive
from .lease import Lease
from .session import Session
from .sweep import sweeper

logger = logging.getLogger("blocksstate")

# Releases of a gone page's lease under way (a task is kept alive by a reference).
_letting_go: set[asyncio.Task[None]] = set()

if TYPE_CHECKING:
    from ..engine.runner import Engine


class Hold:
    """The session a page holds (None before its ``hello`` and after it let go)."""

    __slots__ = ("engine", "store", "session", "lease", "_keepalive")

    def __init__(self, engine: Engine, store: SessionStore) -> None:
        self.engine, self.store = engine, store
        self.session: Session | None = None
        seconds = setting("SESSION_LEASE")
        self.lease = Lease(seconds) if store.leases and seconds > 0 else None
        self._keepalive: Keepalive | None = None

    @property
    def key_timeout(self) -> float:
        return lifecycle.key_timeout(self.engine)

    def transaction(self, session: Session) -> contextlib.AbstractAsyncContextManager[Session]:
        """Hold the session's lock and yield it up to date; save what changed before letting go."""
        return self.store.transaction(  # type: ignore[return-value]  (given a session: never None)
            self.engine.blocks, session, self.key_timeout, self._entered, self.lease
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

    def let_go(self) -> None:
        """The page is going: no more leases; the lock is let go of now (in a task), or by
        the commit of the transaction running on it."""
        held = self._end_lease()
        if held is not None:
            task = asyncio.get_running_loop().create_task(self._release(*held))
            _letting_go.add(task)
            task.add_done_callback(_letting_go.discard)

    def _end_lease(self) -> tuple[str, str] | None:
        """End the page's lease; return the lock left to let go of (session id, owner), if any."""
        lease = self.lease
        if lease is None:
            return None
        lease.ending = True
        if lease.in_use or not lease.held():
            return None  # nothing kept, or the running transaction's commit lets go
        lease.lost()
        return lease.session_id, lease.owner

    async def _release(self, session_id: str, owner: str) -> None:
        try:
            await self.store.release(session_id, owner)
        except Exception:  # it expires by itself within SESSION_LEASE
            logger.warning("Could not let go of a session's lease", exc_info=True)

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
        if (held := self._end_lease()) is not None:
            await self._release(*held)
        session, self.session = self.session, None
        if session is not None:
            await lifecycle.end_session(
                self.engine, self.store, session, epoch=session.epoch, reason=reason
            )

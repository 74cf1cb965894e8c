"""The sweep: what a cache timeout cannot do, for sessions no connection will end or expire.

It pops the due entries of the store's expiry index: "end" entries of sessions
whose worker stopped beating (their unload listeners run), and "expire" entries
of ended sessions past their ``age`` (each State's ``delete_callback`` is called,
then the keys and the session's stored files are deleted). It touches only what is due, never scans the cache.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .. import activity
from ..app.registry import AppNotFound, get_engine, registered
from ..components.state import State
from ..files.store import Owner, delete_owner
from ..state.tracking import call_delete_callback
from .backends import get_store
from .lifecycle import end_session

if TYPE_CHECKING:
    from ..engine.runner import Engine
    from .base import SessionStore

logger = logging.getLogger("blocksstate")

# Most entries one sweep handles; a full batch means more may be due.
BATCH = 1000


async def expire_session(engine: Engine, store: SessionStore, session_id: str) -> None:
    """Delete an ended session: call each State's ``delete_callback``, then remove the keys."""
    session = await store.load(engine.blocks, session_id)
    if session is not None:
        for component in engine.blocks.components.values():
            if isinstance(component, State) and component.delete_callback is not None:
                await call_delete_callback(component, session.values.get(component.id))
    await store.delete(engine.blocks, session_id)
    await delete_files(engine.blocks.name or "", session_id)


async def delete_files(app: str, session_id: str) -> None:
    """Delete a session's stored files (in a thread: the storage may be remote)."""
    try:
        await asyncio.to_thread(delete_owner, Owner(app, session_id))
    except Exception:  # left to ``manage.py blocksstate_cleanup``
        logger.exception("deleting the files of session %s... failed", session_id[:8])


async def sweep(now: float | None = None, limit: int = BATCH) -> dict[str, int]:
    """Handle every due entry of the expiry index (at most ``limit``); return counts."""
    now = time.time() if now is None else now
    store = get_store()
    counts = {"ended": 0, "expired": 0, "skipped": 0}
    for member in await store.pop_due(now, limit):
        kind, app, session_id = member.split("|", 2)
        try:
            engine = get_engine(app)
        except AppNotFound:
            counts["skipped"] += 1
            continue
        try:
            if kind == "end":
                session = await store.load(engine.blocks, session_id)
                if session is not None and await end_session(
                    engine, store, session, reason="its worker stopped"
                ):
                    counts["ended"] += 1
                else:
                    counts["skipped"] += 1
            elif kind == "expire":
                await expire_session(engine, store, session_id)
                counts["expired"] += 1
        except Exception:
            logger.exception("sweeping %s failed", member)
    return counts


class Sweeper:
    """This process's sweep loop, at the shortest ``frequency`` of the apps."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._paused = False

    def ensure_running(self) -> None:
        """Start the loop (once per process), unless paused."""
        if self._paused or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(self.run_forever())

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Start no loop meanwhile (a test that calls ``sweep(now=...)`` itself)."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False

    async def run_forever(self) -> None:
        while True:
            apps = registered().values()
            frequency = min((blocks.delete_cache[0] for blocks in apps), default=3600)
            await asyncio.sleep(frequency)
            try:
                while sum((await sweep()).values()) >= BATCH:  # more may be due: keep going
                    pass
            except Exception:
                logger.exception("the sweep failed")
            await activity.purge_if_due()  # old admin records; in a thread, at most hourly


# This process's sweeper.
sweeper = Sweeper()

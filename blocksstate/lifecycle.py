"""The end of a session, and the sweep that catches what a cache timeout cannot.

A session ends once: when its page closes, or when its connection dropped and
was not resumed within ``RESUME_GRACE`` seconds. Then its ``unload``
listeners run, and its values are kept ``age`` seconds more
(``Blocks(delete_cache=(frequency, age))``). At expiry the sweep calls the
``delete_callback`` of every State (read or written) and deletes the keys.

Every connected session keeps an "end" entry in the expiry index a little in
the future, pushed back by its worker's keepalive. If the worker dies, the
entry falls due and any other worker's sweep ends the session: unload handlers
are not lost with the process.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from . import activity
from .components.state import State
from .conf import setting
from .registry import AppNotFound, get_engine, registered
from .state.expiry import index_for
from .state.session import SessionStore

if TYPE_CHECKING:
    from .engine import Engine
    from .state.session import Session

logger = logging.getLogger("blocksstate")


def end_member(app: str, session_id: str) -> str:
    return f"end|{app}|{session_id}"


def expire_member(app: str, session_id: str) -> str:
    return f"expire|{app}|{session_id}"


def keep_time(engine: Engine) -> float:
    """Seconds an ended session's values are kept (the ``age`` of ``delete_cache``)."""
    return float(engine.blocks.delete_cache[1])


def key_timeout(engine: Engine) -> float:
    """Cache timeout of a session's keys: past the sweep that will delete them, as a safety net."""
    frequency, age = engine.blocks.delete_cache
    return float(age + 2 * frequency + setting("RESUME_GRACE"))


async def heartbeat(engine: Engine, session: Session, period: float) -> None:
    """Say the session is alive: its end falls due only if no heartbeat follows."""
    index = index_for()
    due = time.time() + 3 * period + setting("RESUME_GRACE")
    await asyncio.to_thread(index.schedule, end_member(session.app, session.id), due)


async def end_session(
    engine: Engine,
    store: SessionStore,
    session: Session,
    epoch: int | None = None,
    reason: str = "",
) -> bool:
    """End a session once across all workers: run unload listeners, schedule expiry.

    Returns False if it had already ended, or, given the ``epoch`` of a dropped
    connection, if the page resumed since. Holds the session's lock, so the end is
    written over the latest stored session, never over a stale copy. ``reason``
    is what the admin shows (see ``activity``).
    """
    async with store.locked(session.id) as version:
        if version != session.version:
            # Another connection wrote since this copy was read: end the stored session.
            latest = await store.load(engine.blocks, session.id)
            if latest is None:
                return False
            latest.request = session.request
            session = latest
        if session.ended or (epoch is not None and session.epoch != epoch):
            return False
        if not await store.claim_end(session.id, key_timeout(engine)):
            return False
        index = index_for()
        await asyncio.to_thread(index.cancel, end_member(session.app, session.id))
        session.ended = True
        session.meta_dirty = True
        try:
            await engine.run_unload(session)
        finally:
            await store.save(session, key_timeout(engine))
            await store.touch(engine.blocks, session, key_timeout(engine))
            due = time.time() + keep_time(engine)
            await asyncio.to_thread(index.schedule, expire_member(session.app, session.id), due)
            activity.session_ended(session, reason)
    return True


async def expire_session(engine: Engine, store: SessionStore, session_id: str) -> None:
    """Delete an ended session: call each State's ``delete_callback``, then remove the keys."""
    session = await store.load(engine.blocks, session_id)
    if session is not None:
        for component in engine.blocks.components.values():
            if isinstance(component, State) and component.delete_callback is not None:
                await call_delete_callback(component, session.values.get(component.id))
    await store.delete(engine.blocks, session_id)


async def call_delete_callback(state: State, value: Any) -> None:
    """Run a State's ``delete_callback`` in a thread; its errors are logged, never raised."""
    try:
        await asyncio.to_thread(state.delete_callback, value)  # type: ignore[arg-type]
    except Exception:
        logger.exception("delete_callback of %r failed", state)


async def sweep(now: float | None = None, limit: int = 1000) -> dict[str, int]:
    """Handle every due entry of the expiry index (at most ``limit``); return counts."""
    now = time.time() if now is None else now
    index = index_for()
    counts = {"ended": 0, "expired": 0, "skipped": 0}
    members = await asyncio.to_thread(index.pop_due, now, limit)
    store = SessionStore()
    for member in members:
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


_sweeper: asyncio.Task[None] | None = None


def ensure_sweeper() -> None:
    """Start this process's sweep loop (once), at the shortest ``frequency`` of the apps."""
    global _sweeper
    if _sweeper is not None and not _sweeper.done():
        return
    _sweeper = asyncio.get_running_loop().create_task(_sweep_forever())


async def _sweep_forever() -> None:
    while True:
        apps = registered().values()
        frequency = min((blocks.delete_cache[0] for blocks in apps), default=3600)
        await asyncio.sleep(frequency)
        try:
            while sum((await sweep()).values()) >= 1000:  # more may be due: keep going
                pass
        except Exception:
            logger.exception("the sweep failed")
        await activity.purge_if_due()  # old admin records; in a thread, at most hourly

"""A session's life on a worker: resume, heartbeat, the grace after a drop, and the end.

A session ends once: when its page closes, or when its connection dropped and
was not resumed within ``RESUME_GRACE`` seconds. Then its ``unload`` listeners
run, and its values are kept ``age`` seconds more
(``Blocks(delete_cache=(frequency, age))``) before the sweep expires them.

Every connected session keeps an "end" entry in the expiry index a little in
the future, pushed back by its worker's keepalive (``keepalive.py``). If the worker dies, the
entry falls due and any other worker's sweep ends the session: unload handlers
are not lost with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from .. import activity
from ..conf import setting
from .base import SessionBusy, SessionStore, Superseded
from .resume import ResumeRefused, UserChanged, read_resume_token
from .session import Session

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..engine.runner import Engine


def end_member(app: str, session_id: str) -> str:
    """The expiry index's entry that ends a session whose heartbeats stopped."""
    return f"end|{app}|{session_id}"


def expire_member(app: str, session_id: str) -> str:
    """The expiry index's entry that deletes an ended session's values."""
    return f"expire|{app}|{session_id}"


def keep_time(engine: Engine) -> float:
    """Seconds an ended session's values are kept (the ``age`` of ``delete_cache``)."""
    return float(engine.blocks.delete_cache[1])


def key_timeout(engine: Engine) -> float:
    """Cache timeout of a session's keys: past the sweep that will delete them, as a safety net."""
    frequency, age = engine.blocks.delete_cache
    return float(age + 2 * frequency + setting("RESUME_GRACE"))


async def resume(
    store: SessionStore,
    blocks: Blocks,
    token: str,
    user_id: str | None,
    lock: contextlib.AsyncExitStack,
) -> tuple[Session | None, str | None]:
    """Take a session back with a page's resume token; return it, or None and why not.

    Raises ``UserChanged`` for a token of another user than ``user_id``: that page is
    refused, not given a new session.

    The session's lock is entered on ``lock`` and held until the caller closes it:
    the resume waits for an event the dropped connection may still be running (here
    or on another worker), and keeps other connections of the session out until
    the session is taken over.
    """
    try:
        session_id, epoch = read_resume_token(token, blocks.name or "", user_id)
    except UserChanged:
        raise  # not a new session: the page is refused (``transport.hello``)
    except ResumeRefused as exc:
        why = {"reason": exc}
        return None, gettext(
            "Could not resume your session (%(reason)s); a new one was started."
        ) % why
    try:
        await lock.enter_async_context(store.locked(session_id))
    except SessionBusy:
        return None, gettext("Your session is busy elsewhere; a new one was started.")
    session = await store.load(blocks, session_id)
    if session is None or session.ended:
        return None, gettext("Your session had ended; a new one was started.")
    if not session.proven_epoch <= epoch <= session.epoch:
        return None, gettext(
            "Could not resume your session (its resume token was already used); "
            "a new one was started."
        )
    grace_timers.cancel(session_id)
    session.resumed_with(epoch)  # whoever resumes with it holds it: older tokens are void
    return session, None


async def heartbeat(store: SessionStore, session: Session, period: float) -> None:
    """Say the session is alive: its end falls due only if no heartbeat follows."""
    due = time.time() + 3 * period + setting("RESUME_GRACE")
    await store.schedule(end_member(session.app, session.id), due)


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
    timeout = key_timeout(engine)
    # Given an epoch, the copy in hand must still be the stored one; else end the stored one.
    target = session if epoch is not None else session.id
    try:
        async with store.transaction(engine.blocks, target, timeout) as current:
            if current is None or current.ended:
                return False
            if current.request is None:
                current.request = session.request
            if not await store.claim_end(current.id, timeout):
                return False
            await store.cancel(end_member(current.app, current.id))
            current.end()
            try:
                await engine.run_unload(current)
            finally:
                await store.save(current, timeout)
                await store.touch(engine.blocks, current.id, timeout)
                due = time.time() + keep_time(engine)
                await store.schedule(expire_member(current.app, current.id), due)
                activity.session_ended(current, reason)
    except Superseded:
        return False
    return True


class GraceTimers:
    """Sessions whose connection dropped, each waiting out ``RESUME_GRACE`` in this process.

    A resume on this worker cancels the session's timer; on another worker it cannot,
    so the timer checks the stored epoch before it ends anything.
    """

    def __init__(self) -> None:
        self._timers: dict[str, asyncio.Task[None]] = {}

    def start(
        self,
        engine: Engine,
        store: SessionStore,
        session: Session,
        deadline: float,
        running: asyncio.Task[None] | None = None,
        latest: Callable[[], Session | None] = lambda: None,
    ) -> asyncio.Task[None]:
        """End ``session`` at ``deadline`` (monotonic time) unless it is resumed by then.

        ``running``: the event the connection was running, waited for first;
        ``latest()``: the connection's copy of the session once it is done.
        """
        task = asyncio.create_task(
            self._end_after(engine, store, session, deadline, running, latest)
        )
        self._timers[session.id] = task
        return task

    def get(self, session_id: str) -> asyncio.Task[None] | None:
        """The grace timer of a session in this process, if any."""
        return self._timers.get(session_id)

    def cancel(self, session_id: str) -> bool:
        """Stop a session's grace timer (it resumed here); return whether there was one."""
        timer = self._timers.pop(session_id, None)
        if timer is None:
            return False
        timer.cancel()
        return True

    def forget(self, session_id: str) -> asyncio.Task[None] | None:
        """Let a timer run without being cancelled by a resume here (as on another worker)."""
        return self._timers.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._timers)

    async def _end_after(
        self,
        engine: Engine,
        store: SessionStore,
        session: Session,
        deadline: float,
        running: asyncio.Task[None] | None,
        latest: Callable[[], Session | None],
    ) -> None:
        session_id = session.id
        try:
            # Shielded: a resume cancels this timer, never the event the connection was running.
            if running is not None:
                await asyncio.shield(running)
            session = latest() or session  # the event may have reloaded it
            await asyncio.sleep(max(0.0, deadline - time.monotonic()))
            meta = await store.read_meta(session.id)
            if meta and meta.get("epoch") == session.epoch and not meta.get("ended"):
                # Once begun, an end runs to completion; it checks the epoch again under the lock.
                await asyncio.shield(
                    end_session(
                        engine, store, session, epoch=session.epoch, reason="connection lost"
                    )
                )
        except asyncio.CancelledError:
            pass
        finally:
            if self._timers.get(session_id) is asyncio.current_task():
                del self._timers[session_id]


# This process's grace timers (a resume here stops the session's own).
grace_timers = GraceTimers()

"""The session store's contract, and one transaction over it.

Every change to a ``Session`` (``session.py``) is written to the store before
the event is answered, so any worker can resume the session.

A backend (``backends/``) provides the primitives: take and release the lock,
load, write with a fencing version, touch, delete, claim the end, and the
expiry index (schedule, cancel, pop due). ``SessionStore.transaction`` is the
one place that takes the lock, reloads a copy another worker made stale, and
saves what changed (``holding.py``: the lock held, and the transaction over it).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

from ..components.base import DYNAMIC_ID_BASE
from ..conf import setting
from .holding import Held, Holding, Transaction
from .session import STORE_VERSION, Session

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from .lease import Lease


class SessionBusy(Exception):
    """Another worker held the session's lock for longer than ``LOCK_WAIT``."""


class SessionConflict(Exception):
    """Another worker wrote the session while this one held an expired lock."""


class Superseded(Exception):
    """Another connection resumed the session since this copy of it was read."""


class SessionStore:
    """Where sessions live between events; a backend provides the methods that raise here.

    Every method may be called from the event loop: a backend whose storage blocks
    runs its calls in a thread.
    """

    # Whether a held lock expires by itself (and so is renewed while a long event runs).
    lock_expires = True
    # Whether an event may start before its worker's task exists (``blocksstate.eager``),
    # and a transaction take, write and release with plain calls (``take_now``, below):
    # only if the store's calls never keep the current task (a connect timeout does).
    eager = False
    # Whether a commit can keep the lock for the page's next event (``write_and_keep``).
    leases = False

    def __init__(self, cache_alias: str | None = None, prefix: str | None = None) -> None:
        self.cache_alias = cache_alias or setting("CACHE_ALIAS")
        self.key_prefix = prefix or setting("KEY_PREFIX")
        self.prefix = f"{self.key_prefix}:v{STORE_VERSION}"

    def key(self, session_id: str, part: int | str) -> str:
        """The name of one part of a session in the store (a component id, "meta", "lock"...).

        The session id is a Redis hash tag (``{...}``): on Redis Cluster every key of a
        session is in one slot, so one script can read and write them together.
        """
        return f"{self.prefix}:{{{session_id}}}:{part}"

    # -- the contract ----------------------------------------------------------------------------

    async def take(self, session_id: str, owner: str) -> int | None:
        """Take the session's lock for ``owner``; return the stored version, or None if held."""
        raise NotImplementedError("subclasses of SessionStore must provide a take() method")

    async def renew(self, session_id: str) -> None:
        """Push back the expiry of a held lock."""
        raise NotImplementedError("subclasses of SessionStore must provide a renew() method")

    async def release(self, session_id: str, owner: str) -> None:
        """Let go of the lock if ``owner`` still holds it."""
        raise NotImplementedError("subclasses of SessionStore must provide a release() method")

    # ``take``, ``release`` and ``write_and_release`` as plain calls, which a store that is
    # ``eager`` provides: the transaction of every event makes them without a coroutine each.

    def take_now(self, session_id: str, owner: str) -> int | None:
        """``take``, for an ``eager`` store."""
        raise NotImplementedError("an eager SessionStore must provide take_now()")

    def release_now(self, session_id: str, owner: str) -> None:
        """``release``, for an ``eager`` store."""
        raise NotImplementedError("an eager SessionStore must provide release_now()")

    def write_and_release_now(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
    ) -> int | None:
        """``write_and_release``, for an ``eager`` store."""
        raise NotImplementedError("an eager SessionStore must provide write_and_release_now()")

    async def load(self, blocks: Blocks, session_id: str) -> Session | None:
        """Read a stored session back, or None if it is unknown, expired or another app's."""
        raise NotImplementedError("subclasses of SessionStore must provide a load() method")

    async def read_meta(self, session_id: str) -> dict[str, Any] | None:
        """Read a session's metadata only (epoch, ended...), or None."""
        raise NotImplementedError("subclasses of SessionStore must provide a read_meta() method")

    async def stored_sizes(self, blocks: Blocks, session_id: str) -> dict[int | str, int]:
        """Bytes each part of a session takes in the store now, as the store keeps it.

        Parts are component ids (a State's value and any other component's alike), "meta"
        and "ran". A value never written is not stored: its id is absent.
        """
        raise NotImplementedError("subclasses of SessionStore must provide a stored_sizes() method")

    async def write_versioned(
        self, session_id: str, read: int, data: dict[str | int, Any], timeout: float | None
    ) -> int | None:
        """Store ``data`` (by part) and version ``read + 1`` if the stored version is still ``read``.

        Return the new version, or None, writing nothing, when another worker wrote meanwhile.
        """
        raise NotImplementedError(
            "subclasses of SessionStore must provide a write_versioned() method"
        )

    async def write_and_release(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
    ) -> int | None:
        """``write_versioned`` (if there is ``data``), then ``release``, whatever the write did.

        A backend that can do both in one round trip overrides this.
        """
        try:
            return await self.write_versioned(session_id, read, data, timeout) if data else read
        finally:
            await self.release(session_id, owner)

    async def write_and_keep(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
        lease: float,
    ) -> tuple[int | None, bool]:
        """``write_and_release``, but keep the lock ``lease`` seconds more if the write was done
        and nobody waits for it (0: let go, as ``write_and_release``); return the new version
        (or None) and whether it was kept.

        A store that sets ``leases`` overrides this; this one always lets go.
        """
        return await self.write_and_release(session_id, owner, read, data, timeout), False

    async def touch(self, blocks: Blocks, session_id: str, timeout: float) -> None:
        """Push back the expiry of all of a session's keys."""
        raise NotImplementedError("subclasses of SessionStore must provide a touch() method")

    async def delete(self, blocks: Blocks, session_id: str) -> None:
        """Remove a session from the store."""
        raise NotImplementedError("subclasses of SessionStore must provide a delete() method")

    async def claim_end(self, session_id: str, timeout: float) -> bool:
        """Return True to exactly one caller, across workers, for each session."""
        raise NotImplementedError("subclasses of SessionStore must provide a claim_end() method")

    async def schedule(self, member: str, due: float) -> None:
        """Put ``member`` in the expiry index, due at ``due`` (moving it if already there)."""
        raise NotImplementedError("subclasses of SessionStore must provide a schedule() method")

    async def cancel(self, member: str) -> None:
        """Take ``member`` out of the expiry index."""
        raise NotImplementedError("subclasses of SessionStore must provide a cancel() method")

    async def pop_due(self, now: float, limit: int) -> list[str]:
        """Remove and return up to ``limit`` members due by ``now``, earliest first.

        Two workers popping at once never get the same member.
        """
        raise NotImplementedError("subclasses of SessionStore must provide a pop_due() method")

    # -- built on it -----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def locked(self, session_id: str) -> AsyncIterator[int]:
        """Hold a session's lock, whichever worker asks; yield its stored version.

        Events of one session are applied one at a time across all workers. A lock
        that expires (``LOCK_TIMEOUT``) cannot be left behind by a dead worker; it is
        renewed while held, and the version (checked again in ``save``) fences off a
        worker whose lock expired while it worked.
        """
        async with self._held(session_id) as held:
            yield held.version

    def _held(self, session_id: str) -> contextlib.AbstractAsyncContextManager[Held]:
        """``locked``, yielding the hold itself: ``save`` may let go with its write."""
        return Holding(self, session_id, None)

    async def _take_waiting(self, session_id: str, owner: str) -> int:
        """Take the session's lock for ``owner``, which a first try found held: retry until
        ``LOCK_WAIT`` has passed; return its stored version."""
        deadline = time.monotonic() + setting("LOCK_WAIT")
        delay = 0.001
        while True:
            if time.monotonic() > deadline:
                raise SessionBusy(f"session {session_id[:8]}... is busy in another worker")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
            if (version := await self.take(session_id, owner)) is not None:
                return version

    @contextlib.contextmanager
    def _renewed(self, session_id: str, first: float | None = None) -> Any:
        """Renew the lock every third of ``LOCK_TIMEOUT`` while a long event runs (the first
        time after ``first`` seconds, if given: a lease's lock has less time left).

        A timer, not a task per event: most events end long before it fires.
        """
        loop = asyncio.get_running_loop()
        period = setting("LOCK_TIMEOUT") / 3
        timer: asyncio.TimerHandle | None = None
        renewal: asyncio.Task[None] | None = None

        async def renew() -> None:
            nonlocal timer
            await self.renew(session_id)
            timer = loop.call_later(period, start)

        def start() -> None:
            nonlocal renewal
            renewal = loop.create_task(renew())

        timer = loop.call_later(period if first is None else min(first, period), start)
        try:
            yield
        finally:
            timer.cancel()
            if renewal is not None:
                renewal.cancel()

    async def save(self, session: Session, timeout: float | None, held: Held | None = None) -> None:
        """Write what changed since the last save, if no other worker wrote in between.

        Raises SessionConflict, writing nothing, when the stored version moved on.
        ``held``: the lock this save lets go of, in the same step as the write.
        """
        data: dict[str | int, Any] = {}
        for component_id in session.dirty:
            if component_id >= DYNAMIC_ID_BASE:
                continue  # kept in its region's record (engine/regions.py)
            data[component_id] = session.pickled.get(component_id, session.values[component_id])
        if session.meta_dirty:
            data["meta"] = session.meta()
        if session.ran_dirty:
            data["ran"] = session.ran
        if held is not None:
            held.released = True
            lease = held.lease
            if lease is None and self.eager:
                written = self.write_and_release_now(
                    session.id, held.owner, session.version, data, timeout
                )
            elif lease is None:
                written = await self.write_and_release(
                    session.id, held.owner, session.version, data, timeout
                )
            else:
                written = await self._write_on_lease(session, lease, data, timeout)
        elif data:
            written = await self.write_versioned(session.id, session.version, data, timeout)
        else:
            written = session.version
        if written is None:
            raise SessionConflict(f"session {session.id[:8]}... was changed by another worker")
        session.saved(written)

    async def _write_on_lease(
        self, session: Session, lease: Lease, data: dict[str | int, Any], timeout: float | None
    ) -> int | None:
        """Commit, keeping the lock for the page's next event unless the page is going."""
        lease.lost()  # until the store says it kept it
        sent = time.monotonic()
        keep = 0.0 if lease.ending else lease.seconds
        written, kept = await self.write_and_keep(
            session.id, lease.owner, session.version, data, timeout, keep
        )
        if kept:
            lease.kept(session.id, sent)
        return written

    async def reload(self, blocks: Blocks, session: Session) -> Session:
        """The stored session in place of a copy another worker made stale (its request kept).

        The copy itself if the store lost it; raises Superseded if the stored one was
        resumed since the copy was read.
        """
        stored = await self.load(blocks, session.id)
        if stored is None:
            return session
        if stored.epoch != session.epoch:
            raise Superseded(session.id)
        stored.request = session.request
        return stored

    def transaction(
        self,
        blocks: Blocks,
        session: Session | str,
        timeout: float | None,
        entered: Callable[[Session], None] | None = None,
        lease: Lease | None = None,
    ) -> contextlib.AbstractAsyncContextManager[Session | None]:
        """Hold a session's lock and yield it as stored now; save what changed before letting go.

        Given a ``Session`` copy, yield it as is unless another worker wrote since it
        was read: then ``reload``'s. Given an id, yield the stored session, or None if
        there is none. ``entered`` is called with the session yielded (not None), once held.
        ``lease``: the page's (given with its own copy), used instead of taking the lock
        if the last commit kept it, and kept by this one if it can (``lease.py``).
        """
        return Transaction(self, blocks, session, timeout, entered, lease)

"""The session store's contract, and one transaction over it.

Every change to a ``Session`` (``session.py``) is written to the store before
the event is answered, so any worker can resume the session.

A backend (``backends/``) provides the primitives: take and release the lock,
load, write with a fencing version, touch, delete, claim the end, and the
expiry index (schedule, cancel, pop due). ``SessionStore.transaction`` is the
one place that takes the lock, reloads a copy another worker made stale, and
saves what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..components.base import DYNAMIC_ID_BASE
from ..conf import setting
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


_owner_prefix = secrets.token_hex(6)
_owner_numbers = itertools.count()


def new_owner() -> str:
    """A lock owner unique across processes: a random prefix per process, then a counter."""
    return f"{_owner_prefix}:{next(_owner_numbers)}"


def _after_fork() -> None:
    global _owner_prefix
    _owner_prefix = secrets.token_hex(6)


os.register_at_fork(after_in_child=_after_fork)


@dataclass
class Held:
    """A session's lock as held by one owner: the version it read, and whether it let go.

    ``lease``: the page's lease the commit may keep the lock for (``lease.py``);
    ``leased``: the lock was not taken, the lease was used (the version is the copy's).
    """

    owner: str
    version: int
    released: bool = False
    lease: Lease | None = None
    leased: bool = False


class SessionStore:
    """Where sessions live between events; a backend provides the methods that raise here.

    Every method may be called from the event loop: a backend whose storage blocks
    runs its calls in a thread.
    """

    # Whether a held lock expires by itself (and so is renewed while a long event runs).
    lock_expires = True
    # Whether an event may start before its worker's task exists (``blocksstate.eager``):
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
        and nobody waits for it; return the new version (or None) and whether it was kept.

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
        return _Holding(self, session_id, None)

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
            if lease is None:
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
        if lease.ending:
            return await self.write_and_release(
                session.id, lease.owner, session.version, data, timeout
            )
        sent = time.monotonic()
        written, kept = await self.write_and_keep(
            session.id, lease.owner, session.version, data, timeout, lease.seconds
        )
        if kept:
            lease.kept(sent)
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
        return _Transaction(self, blocks, session, timeout, entered, lease)


class _Holding:
    """``SessionStore._held``: a class, not a generator, as it is entered on every event.

    Takes the lock on entering (renewed meanwhile if it expires) and releases it on
    leaving, unless ``save`` let go of it with its write. Given a page's lease that is
    free, it takes the lock with the lease's owner, or uses the lease the last commit
    kept without taking anything.
    """

    __slots__ = ("store", "session_id", "lease", "held", "renewal")

    def __init__(self, store: SessionStore, session_id: str, lease: Lease | None) -> None:
        self.store, self.session_id = store, session_id
        # A lease another transaction runs on is not this one's: it takes the lock as usual.
        self.lease = lease if lease is not None and not lease.in_use else None
        self.held: Held | None = None
        self.renewal: contextlib.AbstractContextManager[Any] | None = None

    async def __aenter__(self) -> Held:
        store, lease = self.store, self.lease
        first_renewal = None
        if lease is None:
            owner = new_owner()
        else:
            owner = lease.owner
            if lease.usable():
                self.held = Held(owner, -1, lease=lease, leased=True)
                first_renewal = lease.first_renewal
            lease.in_use = True
        if self.held is None:
            try:
                version = await store.take(self.session_id, owner)  # free, mostly: no wait
                if version is None:
                    version = await store._take_waiting(self.session_id, owner)
            except BaseException:
                if lease is not None:
                    lease.in_use = False
                raise
            self.held = Held(owner, version, lease=lease)
        if store.lock_expires:
            self.renewal = store._renewed(self.session_id, first_renewal)
            self.renewal.__enter__()
        return self.held

    async def __aexit__(self, *exc: Any) -> None:
        held = self.held
        assert held is not None
        try:
            if self.renewal is not None:
                self.renewal.__exit__(*exc)
        finally:
            if held.lease is not None:
                held.lease.in_use = False
            if not held.released:
                if held.lease is not None:
                    held.lease.lost()
                await self.store.release(self.session_id, held.owner)


class _Transaction:
    """``SessionStore.transaction``: a class, not a generator, as it is entered on every event."""

    __slots__ = ("store", "blocks", "session", "timeout", "entered", "holding", "current")

    def __init__(
        self,
        store: SessionStore,
        blocks: Blocks,
        session: Session | str,
        timeout: float | None,
        entered: Callable[[Session], None] | None,
        lease: Lease | None = None,
    ) -> None:
        self.store, self.blocks, self.session = store, blocks, session
        self.timeout, self.entered = timeout, entered
        if isinstance(session, str):
            self.holding = _Holding(store, session, None)
        else:
            self.holding = _Holding(store, session.id, lease)
        self.current: Session | None = None

    async def __aenter__(self) -> Session | None:
        store, session, holding = self.store, self.session, self.holding
        held = await holding.__aenter__()
        try:
            if isinstance(session, str):
                current = await store.load(self.blocks, session)
            elif held.leased or held.version == session.version:
                current = session  # (on a lease, nothing else can have written it)
            else:
                current = await store.reload(self.blocks, session)
        except BaseException as exc:
            await holding.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        self.current = current
        if current is not None and self.entered is not None:
            self.entered(current)
        return current

    async def __aexit__(self, *exc: Any) -> None:
        holding, current = self.holding, self.current
        if exc[0] is None and current is not None:
            try:
                await self.store.save(current, self.timeout, holding.held)
            except BaseException as failed:
                await holding.__aexit__(type(failed), failed, failed.__traceback__)
                raise
        await holding.__aexit__(*exc)

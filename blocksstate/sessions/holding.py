"""A session's lock as one owner holds it, and the transaction over it (``SessionStore``'s).

Both are classes, not generators: they are entered on every event.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import contextlib

    from ..app.blocks import Blocks
    from .base import SessionStore
    from .lease import Lease
    from .session import Session


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


class Holding:
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
            if lease.usable(self.session_id):
                self.held = Held(owner, -1, lease=lease, leased=True)
                first_renewal = lease.first_renewal
            lease.in_use = True
        if self.held is None:
            try:
                if store.eager:  # a plain call (``eager``): no coroutine for it
                    version = store.take_now(self.session_id, owner)
                else:
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
                if self.store.eager:
                    self.store.release_now(self.session_id, held.owner)
                else:
                    await self.store.release(self.session_id, held.owner)


class Transaction:
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
            self.holding = Holding(store, session, None)
        else:
            self.holding = Holding(store, session.id, lease)
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

"""The session store's contract, one transaction over it, and ``Session``, the values it keeps.

A session is one page view. Its id is issued by the server and never chosen by
the browser. While a worker serves it, the values live in ``Session.values``;
every change is written to the store (one key per component, so a big State
that did not change is not rewritten) before the event is answered, so any
worker can resume the session.

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
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..components.state import State
from ..conf import setting
from ..state import serializers

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..engine.request import Request

STORE_VERSION = 1
# Events whose outcome a session remembers, so that one re-sent after a resume is not run again.
RAN_SEQS_KEPT = 64


def new_session_id() -> str:
    """Return a fresh session id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Unsaved:
    """What a session has changed since its last save (to put back after a failed step)."""

    dirty: frozenset[int]
    meta: bool
    written: dict[int, float | None]


@dataclass(eq=False)
class Session:
    """One page view's values, held in memory by the worker serving it.

    Only its methods change ``dirty`` and ``meta_dirty``, the record of what the
    next save must write.
    """

    id: str
    app: str
    values: dict[int, Any]
    pickled: dict[int, bytes] = field(default_factory=dict)
    props: dict[int, dict[str, Any]] = field(default_factory=dict)
    user_id: str | None = None
    created: float = field(default_factory=time.time)
    # One more at every resume; a resume token carries the epoch it was issued at.
    epoch: int = 1
    # The oldest epoch whose resume token is still accepted: the newest one the page has
    # proven it holds (tokens issued since may have been lost with their connection).
    proven_epoch: int = 1
    ended: bool = False
    # Outcome (ok or failed) of the last events that ran, by the page's seq.
    ran: dict[int, bool] = field(default_factory=dict)
    ran_dirty: bool = False
    # The store's version of this session when it was last read or written (the fencing number).
    version: int = 0
    # BrowserState tokens the page sent that did not verify.
    rejected_tokens: int = 0
    # When each State with a time_to_live was last written (None: expired, holds its default).
    written: dict[int, float | None] = field(default_factory=dict)
    dirty: set[int] = field(default_factory=set)
    meta_dirty: bool = True
    request: Request | None = None

    @classmethod
    def new(cls, blocks: Blocks, user_id: str | None = None) -> Session:
        """Start a session with each component's initial value (State defaults deep-copied)."""
        session = cls(id=new_session_id(), app=blocks.name or "", values={}, user_id=user_id)
        for component in blocks.components.values():
            if component.shared:
                continue  # a GlobalState belongs to no session
            if isinstance(component, State):
                value, pickled = component.initial()
                session.values[component.id] = value
                session.pickled[component.id] = pickled
            else:
                session.values[component.id] = component.initial_value()
            if callable(component.value):
                session.dirty.add(component.id)  # per-session values must reach the store
        return session

    @classmethod
    def from_stored(
        cls,
        blocks: Blocks,
        session_id: str,
        meta: Any,
        stored: dict[int, Any],
        ran: Any,
        version: Any,
    ) -> Session | None:
        """Rebuild a session from what a store read, or None if it is not one of this app's.

        ``stored`` maps component ids to what was found for them (absent: never saved).
        """
        if not meta or meta.get("v") != STORE_VERSION or meta.get("app") != blocks.name:
            return None
        session = cls(
            id=session_id,
            app=blocks.name or "",
            values={},
            user_id=meta.get("user"),
            created=meta.get("created", time.time()),
            epoch=meta.get("epoch", 1),
            proven_epoch=meta.get("proven_epoch", 1),
            ended=bool(meta.get("ended")),
            ran=dict(ran or {}),
            props={int(k): v for k, v in meta.get("props", {}).items()},
            written=dict(meta.get("written", {})),
            rejected_tokens=int(meta.get("rejected_tokens", 0)),
            meta_dirty=False,
            version=int(version or 0),
        )
        for component_id, component in blocks.components.items():
            if component.shared:
                continue
            value = stored.get(component_id)
            if isinstance(component, State):
                if isinstance(value, bytes):
                    session.values[component_id] = serializers.loads(value)
                    session.pickled[component_id] = value
                else:
                    session.values[component_id], session.pickled[component_id] = (
                        component.initial()
                    )
            elif component_id in stored:
                session.values[component_id] = value
            else:
                session.values[component_id] = component.initial_value()
        return session

    def meta(self) -> dict[str, Any]:
        return {
            "v": STORE_VERSION,
            "app": self.app,
            "user": self.user_id,
            "created": self.created,
            "epoch": self.epoch,
            "proven_epoch": self.proven_epoch,
            "ended": self.ended,
            "props": self.props,
            "written": self.written,
            "rejected_tokens": self.rejected_tokens,
        }

    # -- changes, each noted for the next save -----------------------------------------------

    def set_value(self, component_id: int, value: Any) -> bool:
        """Give a (non-State) component a value; return whether it changed."""
        changed = self.values.get(component_id) != value
        self.values[component_id] = value
        if changed:
            self.dirty.add(component_id)
        return changed

    def set_props(self, component_id: int, props: dict[str, Any]) -> None:
        """Change some of a component's properties (label, choices, visible...)."""
        self.props.setdefault(component_id, {}).update(props)
        self.meta_dirty = True

    def set_state(
        self, component_id: int, value: Any, pickled: bytes, written: float | None = None
    ) -> None:
        """Keep a State's new value and its stored form; ``written``: when, for a time_to_live."""
        self.values[component_id] = value
        self.state_changed(component_id, pickled, written)

    def state_changed(
        self, component_id: int, pickled: bytes, written: float | None = None
    ) -> None:
        """A State's value (already in ``values``) changed: keep its new stored form."""
        self.pickled[component_id] = pickled
        self.dirty.add(component_id)
        if written is not None:
            self.written[component_id] = written
            self.meta_dirty = True

    def reset_state(self, state: State) -> bool:
        """Put a State back to its default; return whether its value changed."""
        value, pickled = state.initial()
        changed = self.pickled.get(state.id) != pickled
        self.values[state.id], self.pickled[state.id] = value, pickled
        self.dirty.add(state.id)
        if state.time_to_live:
            self.written[state.id] = None  # holds its default: nothing to expire
            self.meta_dirty = True
        return changed

    def reject_token(self) -> None:
        """Count a BrowserState token the page sent that did not verify."""
        self.rejected_tokens += 1
        self.meta_dirty = True

    def note_ran(self, seq: int, ok: bool) -> None:
        """Remember that event ``seq`` ran (saved with what it changed)."""
        self.ran[seq] = ok
        while len(self.ran) > RAN_SEQS_KEPT:
            del self.ran[next(iter(self.ran))]
        self.ran_dirty = True

    def resumed_with(self, epoch: int) -> None:
        """A page resumed with the token of ``epoch``: older tokens are void, a new epoch begins."""
        self.proven_epoch = epoch
        self.epoch += 1
        self.meta_dirty = True

    def prove_token(self) -> None:
        """The page holds this epoch's token: the older ones are refused from now on."""
        if self.proven_epoch < self.epoch:
            self.proven_epoch = self.epoch
            self.meta_dirty = True

    def end(self) -> None:
        """Mark the session ended (it can no longer be resumed)."""
        self.ended = True
        self.meta_dirty = True

    def unsaved(self) -> Unsaved:
        """What the next save would write, as of now (for ``restore_unsaved``)."""
        return Unsaved(frozenset(self.dirty), self.meta_dirty, dict(self.written))

    def restore_unsaved(self, unsaved: Unsaved) -> None:
        """Forget changes noted since ``unsaved`` was taken (a failed step's)."""
        self.dirty = set(unsaved.dirty)
        self.meta_dirty = unsaved.meta
        self.written = dict(unsaved.written)

    def saved(self, version: int) -> None:
        """Everything noted is in the store now, at ``version``."""
        self.version = version
        self.dirty.clear()
        self.meta_dirty = self.ran_dirty = False

    def size(self) -> int:
        """Bytes of State this session holds, as stored."""
        return sum(len(data) for data in self.pickled.values())


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


class SessionStore:
    """Where sessions live between events; a backend provides the methods that raise here.

    Every method may be called from the event loop: a backend whose storage blocks
    runs its calls in a thread.
    """

    # Whether a held lock expires by itself (and so is renewed while a long event runs).
    lock_expires = True

    def __init__(self, cache_alias: str | None = None, prefix: str | None = None) -> None:
        self.cache_alias = cache_alias or setting("CACHE_ALIAS")
        self.key_prefix = prefix or setting("KEY_PREFIX")
        self.prefix = f"{self.key_prefix}:v{STORE_VERSION}"

    def key(self, session_id: str, part: int | str) -> str:
        """The name of one part of a session in the store (a component id, "meta", "lock"...)."""
        return f"{self.prefix}:{session_id}:{part}"

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

    async def write_versioned(
        self, session_id: str, read: int, data: dict[str | int, Any], timeout: float | None
    ) -> int | None:
        """Store ``data`` (by part) and version ``read + 1`` if the stored version is still ``read``.

        Return the new version, or None, writing nothing, when another worker wrote meanwhile.
        """
        raise NotImplementedError(
            "subclasses of SessionStore must provide a write_versioned() method"
        )

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
        deadline = time.monotonic() + setting("LOCK_WAIT")
        delay = 0.001
        owner = new_owner()
        while (version := await self.take(session_id, owner)) is None:
            if time.monotonic() > deadline:
                raise SessionBusy(f"session {session_id[:8]}... is busy in another worker")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
        try:
            if self.lock_expires:
                with self._renewed(session_id):
                    yield version
            else:
                yield version
        finally:
            await self.release(session_id, owner)

    @contextlib.contextmanager
    def _renewed(self, session_id: str) -> Any:
        """Renew the lock every third of ``LOCK_TIMEOUT`` while a long event runs.

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

        timer = loop.call_later(period, start)
        try:
            yield
        finally:
            timer.cancel()
            if renewal is not None:
                renewal.cancel()

    async def save(self, session: Session, timeout: float | None) -> None:
        """Write what changed since the last save, if no other worker wrote in between.

        Raises SessionConflict, writing nothing, when the stored version moved on.
        """
        data: dict[str | int, Any] = {}
        for component_id in session.dirty:
            data[component_id] = session.pickled.get(component_id, session.values[component_id])
        if session.meta_dirty:
            data["meta"] = session.meta()
        if session.ran_dirty:
            data["ran"] = session.ran
        version = session.version
        if data:
            written = await self.write_versioned(session.id, session.version, data, timeout)
            if written is None:
                raise SessionConflict(f"session {session.id[:8]}... was changed by another worker")
            version = written
        session.saved(version)

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

    @contextlib.asynccontextmanager
    async def transaction(
        self, blocks: Blocks, session: Session | str, timeout: float | None
    ) -> AsyncIterator[Session | None]:
        """Hold a session's lock and yield it as stored now; save what changed before letting go.

        Given a ``Session`` copy, yield it as is unless another worker wrote since it
        was read: then ``reload``'s. Given an id, yield the stored session, or None if
        there is none.
        """
        async with self.locked(session if isinstance(session, str) else session.id) as version:
            current: Session | None
            if isinstance(session, str):
                current = await self.load(blocks, session)
            elif version == session.version:
                current = session
            else:
                current = await self.reload(blocks, session)
            yield current
            if current is not None:
                await self.save(current, timeout)

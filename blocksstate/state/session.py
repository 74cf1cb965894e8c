"""Session tier: a live session's values, and their store in a Django cache.

A session is one page view. Its id is issued by the server and never chosen by
the browser. While a worker serves it, the values live in ``Session.values``;
every change is written to the cache (one key per component, so a big State
that did not change is not rewritten) before the event is answered, so any
worker can resume the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core import signing

from ..components.state import State
from ..conf import setting
from . import serializers
from .io import cache_call, cache_for
from .locks import lock_for, new_owner, write_versioned

if TYPE_CHECKING:
    from django.core.cache.backends.base import BaseCache

    from ..blocks import Blocks
    from ..request import Request

STORE_VERSION = 1
RESUME_SALT = "blocksstate.resume"
# Events whose outcome a session remembers, so that one re-sent after a resume is not run again.
RAN_SEQS_KEPT = 64
T = TypeVar("T")


def new_session_id() -> str:
    """Return a fresh session id: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


@dataclass(eq=False)
class Session:
    """One page view's values, held in memory by the worker serving it."""

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
    # Tokens of BrowserState values changed by the running step, for the page to store.
    browser_tokens: dict[str, str] = field(default_factory=dict)
    # GlobalStates this session's events changed, for other sessions to hear about.
    globals_changed: set[int] = field(default_factory=set)
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

    def note_ran(self, seq: int, ok: bool) -> None:
        """Remember that event ``seq`` ran (saved with what it changed)."""
        self.ran[seq] = ok
        while len(self.ran) > RAN_SEQS_KEPT:
            del self.ran[next(iter(self.ran))]
        self.ran_dirty = True

    def size(self) -> int:
        """Bytes of State this session holds, as stored."""
        return sum(len(data) for data in self.pickled.values())


class SessionStore:
    """Reads and writes sessions in the Django cache named by ``CACHE_ALIAS``."""

    def __init__(self, cache_alias: str | None = None, prefix: str | None = None) -> None:
        self.cache_alias = cache_alias or setting("CACHE_ALIAS")
        self.prefix = f"{prefix or setting('KEY_PREFIX')}:v{STORE_VERSION}"

    @property
    def cache(self) -> BaseCache:
        return cache_for(self.cache_alias)

    def key(self, session_id: str, part: int | str) -> str:
        return f"{self.prefix}:{session_id}:{part}"

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await cache_call(self.cache, fn, *args)

    @contextlib.asynccontextmanager
    async def locked(self, session_id: str) -> AsyncIterator[int]:
        """Hold a session's lock, whichever worker asks; yield its stored version.

        Events of one session are applied one at a time across all workers. The
        lock expires by itself after ``LOCK_TIMEOUT`` seconds, so a dead worker
        cannot block a session; the version (checked again in ``save``) fences
        off a worker whose lock expired while it worked. With a per-process cache
        (one worker by definition) the lock is held in this process's memory.
        """
        lock = lock_for(self.cache, self.key(session_id, "lock"), self.key(session_id, "version"))
        deadline = time.monotonic() + setting("LOCK_WAIT")
        delay = 0.001
        owner = new_owner()
        # ``_run`` calls a local cache (and so the in-memory lock) at once, others in a thread.
        while (version := await self._run(lock.take, owner)) is None:
            if time.monotonic() > deadline:
                raise SessionBusy(f"session {session_id[:8]}... is busy in another worker")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
        try:
            with lock.renewed(self._run):
                yield version
        finally:
            await self._run(lock.release, owner)

    async def save(self, session: Session, timeout: float | None) -> None:
        """Write what changed since the last save, if no other worker wrote in between.

        Raises SessionConflict, writing nothing, when the stored version moved on.
        """
        data: dict[str, Any] = {}
        for component_id in session.dirty:
            if component_id in session.pickled:
                data[self.key(session.id, component_id)] = session.pickled[component_id]
            else:
                data[self.key(session.id, component_id)] = session.values[component_id]
        if session.meta_dirty:
            data[self.key(session.id, "meta")] = session.meta()
        if session.ran_dirty:
            data[self.key(session.id, "ran")] = session.ran
        if data:
            session.version = await self._run(self._write, session, data, timeout)
        session.dirty.clear()
        session.meta_dirty = session.ran_dirty = False

    def _write(self, session: Session, data: dict[str, Any], timeout: float | None) -> int:
        version = write_versioned(
            self.cache, self.key(session.id, "version"), session.version, data, timeout
        )
        if version is None:
            raise SessionConflict(f"session {session.id[:8]}... was changed by another worker")
        return version

    async def load(self, blocks: Blocks, session_id: str) -> Session | None:
        """Read a stored session back, or None if it is unknown, expired or another app's."""
        ids = list(blocks.components)
        keys = (
            [self.key(session_id, "meta")]
            + [self.key(session_id, i) for i in ids]
            + [self.key(session_id, "ran"), self.key(session_id, "version")]
        )
        found = await self._run(self.cache.get_many, keys)
        meta = found.get(keys[0])
        if not meta or meta.get("v") != STORE_VERSION or meta.get("app") != blocks.name:
            return None
        session = Session(
            id=session_id,
            app=blocks.name or "",
            values={},
            user_id=meta.get("user"),
            created=meta.get("created", time.time()),
            epoch=meta.get("epoch", 1),
            proven_epoch=meta.get("proven_epoch", 1),
            ended=bool(meta.get("ended")),
            ran=dict(found.get(keys[-2]) or {}),
            props={int(k): v for k, v in meta.get("props", {}).items()},
            written=dict(meta.get("written", {})),
            rejected_tokens=int(meta.get("rejected_tokens", 0)),
            meta_dirty=False,
        )
        session.version = int(found.get(keys[-1], 0))
        for component_id, key in zip(ids, keys[1:-2], strict=True):
            component = blocks.components[component_id]
            if component.shared:
                continue
            stored = found.get(key)
            if isinstance(component, State):
                if isinstance(stored, bytes):
                    session.values[component_id] = serializers.loads(stored)
                    session.pickled[component_id] = stored
                else:
                    session.values[component_id], session.pickled[component_id] = (
                        component.initial()
                    )
            elif key in found:
                session.values[component_id] = stored
            else:
                session.values[component_id] = component.initial_value()
        return session

    async def claim_end(self, session_id: str, timeout: float) -> bool:
        """Return True to exactly one caller, across workers, for each session."""
        return await self._run(self.cache.add, self.key(session_id, "ended"), 1, timeout)

    async def read_meta(self, session_id: str) -> dict[str, Any] | None:
        return await self._run(self.cache.get, self.key(session_id, "meta"))

    def keys(self, blocks: Blocks, session_id: str) -> list[str]:
        """Every key a session may have in the cache."""
        return [
            self.key(session_id, "meta"),
            self.key(session_id, "version"),
            self.key(session_id, "ended"),
            self.key(session_id, "ran"),
        ] + [self.key(session_id, i) for i in blocks.components]

    async def touch(self, blocks: Blocks, session: Session, timeout: float) -> None:
        """Push back the expiry of all of a session's keys."""
        keys = self.keys(blocks, session.id)

        def touch_all() -> None:
            for key in keys:
                self.cache.touch(key, timeout)

        await self._run(touch_all)

    async def delete(self, blocks: Blocks, session_id: str) -> None:
        """Remove a session's values from the cache."""
        await self._run(self.cache.delete_many, self.keys(blocks, session_id))


def resume_token(session: Session) -> str:
    """Return a signed token that lets this page (and only it) resume ``session`` once."""
    return signing.dumps(
        [session.id, session.app, session.user_id, session.epoch], salt=RESUME_SALT, compress=False
    )


class SessionBusy(Exception):
    """Another worker held the session's lock for longer than ``LOCK_WAIT``."""


class SessionConflict(Exception):
    """Another worker wrote the session while this one held an expired lock."""


class ResumeRefused(Exception):
    """A resume token is invalid, expired, or for another session, app or user."""


def read_resume_token(token: Any, app: str, user_id: str | None) -> tuple[str, int]:
    """Return the session id and epoch a resume token names, after checking it fits this app and user.

    Whether that epoch's token is still good is the stored session's to say (``proven_epoch``).
    """
    if not isinstance(token, str) or len(token) > 512:
        raise ResumeRefused("malformed resume token")
    try:
        session_id, token_app, token_user, epoch = signing.loads(
            token, salt=RESUME_SALT, max_age=setting("RESUME_MAX_AGE")
        )
    except signing.SignatureExpired:
        raise ResumeRefused("the resume token has expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ResumeRefused("the resume token is not valid") from None
    if token_app != app:
        raise ResumeRefused("the resume token is for another app")
    if token_user != user_id:
        raise ResumeRefused("the resume token is for another user")
    if not isinstance(epoch, int) or isinstance(epoch, bool):
        raise ResumeRefused("the resume token is not valid")
    return session_id, epoch

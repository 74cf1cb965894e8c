"""Session tier: a live session's values, and their store in a Django cache.

A session is one page view. Its id is issued by the server and never chosen by
the browser. While a worker serves it, the values live in ``Session.values``;
every change is written to the cache (one key per component, so a big State
that did not change is not rewritten) before the event is answered, so any
worker can resume the session.
"""

from __future__ import annotations

import asyncio
import pickle
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core import signing

from ..components.state import State
from ..conf import setting

if TYPE_CHECKING:
    from django.core.cache.backends.base import BaseCache

    from ..blocks import Blocks
    from ..request import Request

STORE_VERSION = 1
RESUME_SALT = "blocksstate.resume"
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
    epoch: int = 1
    ended: bool = False
    dirty: set[int] = field(default_factory=set)
    meta_dirty: bool = True
    request: Request | None = None

    @classmethod
    def new(cls, blocks: Blocks, user_id: str | None = None) -> Session:
        """Start a session with each component's initial value (State defaults deep-copied)."""
        session = cls(id=new_session_id(), app=blocks.name or "", values={}, user_id=user_id)
        for component in blocks.components.values():
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
        return {"v": STORE_VERSION, "app": self.app, "user": self.user_id, "created": self.created, "epoch": self.epoch, "ended": self.ended, "props": self.props}


class SessionStore:
    """Reads and writes sessions in the Django cache named by ``CACHE_ALIAS``."""

    def __init__(self, cache_alias: str | None = None, prefix: str | None = None) -> None:
        self.cache_alias = cache_alias or setting("CACHE_ALIAS")
        self.prefix = f"{prefix or setting('KEY_PREFIX')}:v{STORE_VERSION}"

    @property
    def cache(self) -> BaseCache:
        from django.core.cache import caches

        return caches[self.cache_alias]

    def key(self, session_id: str, part: int | str) -> str:
        return f"{self.prefix}:{session_id}:{part}"

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        # A local-memory cache answers at once; anything else is I/O, kept off the event loop.
        cache = self.cache
        if type(cache).__name__ == "LocMemCache":
            return fn(*args)
        return await asyncio.to_thread(fn, *args)

    async def save(self, session: Session, timeout: float | None) -> None:
        """Write what changed since the last save (values, then the meta record)."""
        data: dict[str, Any] = {}
        for component_id in session.dirty:
            if component_id in session.pickled:
                data[self.key(session.id, component_id)] = session.pickled[component_id]
            else:
                data[self.key(session.id, component_id)] = session.values[component_id]
        if session.meta_dirty:
            data[self.key(session.id, "meta")] = session.meta()
        if data:
            await self._run(self.cache.set_many, data, timeout)
        session.dirty.clear()
        session.meta_dirty = False

    async def load(self, blocks: Blocks, session_id: str) -> Session | None:
        """Read a stored session back, or None if it is unknown, expired or another app's."""
        ids = list(blocks.components)
        keys = [self.key(session_id, "meta")] + [self.key(session_id, i) for i in ids]
        found = await self._run(self.cache.get_many, keys)
        meta = found.get(keys[0])
        if not meta or meta.get("v") != STORE_VERSION or meta.get("app") != blocks.name:
            return None
        session = Session(id=session_id, app=blocks.name or "", values={}, user_id=meta.get("user"), created=meta.get("created", time.time()), epoch=meta.get("epoch", 1), ended=bool(meta.get("ended")), props={int(k): v for k, v in meta.get("props", {}).items()}, meta_dirty=False)
        for component_id, key in zip(ids, keys[1:], strict=True):
            component = blocks.components[component_id]
            stored = found.get(key)
            if isinstance(component, State):
                if isinstance(stored, bytes):
                    session.values[component_id] = pickle.loads(stored)
                    session.pickled[component_id] = stored
                else:
                    session.values[component_id], session.pickled[component_id] = component.initial()
            elif key in found:
                session.values[component_id] = stored
            else:
                session.values[component_id] = component.initial_value()
        return session

    async def read_meta(self, session_id: str) -> dict[str, Any] | None:
        return await self._run(self.cache.get, self.key(session_id, "meta"))

    async def touch(self, blocks: Blocks, session: Session, timeout: float) -> None:
        """Push back the expiry of all of a session's keys."""
        keys = [self.key(session.id, "meta")] + [self.key(session.id, i) for i in blocks.components]

        def touch_all() -> None:
            for key in keys:
                self.cache.touch(key, timeout)

        await self._run(touch_all)

    async def delete(self, blocks: Blocks, session_id: str) -> None:
        """Remove a session's values from the cache."""
        keys = [self.key(session_id, "meta")] + [self.key(session_id, i) for i in blocks.components]
        await self._run(self.cache.delete_many, keys)


def resume_token(session: Session) -> str:
    """Return a signed token that lets this page (and only it) resume ``session``."""
    return signing.dumps([session.id, session.app, session.user_id], salt=RESUME_SALT, compress=False)


class ResumeRefused(Exception):
    """A resume token is invalid, expired, or for another session, app or user."""


def read_resume_token(token: Any, app: str, user_id: str | None) -> str:
    """Return the session id a resume token names, after checking it fits this app and user."""
    if not isinstance(token, str) or len(token) > 512:
        raise ResumeRefused("malformed resume token")
    try:
        session_id, token_app, token_user = signing.loads(token, salt=RESUME_SALT, max_age=setting("RESUME_MAX_AGE"))
    except signing.SignatureExpired:
        raise ResumeRefused("the resume token has expired") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ResumeRefused("the resume token is not valid") from None
    if token_app != app:
        raise ResumeRefused("the resume token is for another app")
    if token_user != user_id:
        raise ResumeRefused("the resume token is for another user")
    return session_id

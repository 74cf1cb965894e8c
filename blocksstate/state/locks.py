"""The lock and fencing version that make a session's events apply one at a time, on any worker.

Three kinds, picked for a cache by ``lock_for``: in this process's memory for
a per-process cache (one worker by definition); ``add`` with an expiry in any shared
cache; one Lua script per step in django-redis (``redis_lock``). Each ``take`` also
reads the session's stored version, the fencing number ``write_versioned`` checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from ..conf import setting
from . import redis_lock
from .io import is_local

if TYPE_CHECKING:
    from django.core.cache.backends.base import BaseCache

    from .redis_lock import RedisLock

_local_held: dict[str, str] = {}
_local_guard = threading.Lock()


class LocalLock:
    """A session lock of a per-process cache, held in this process's memory (no expiry needed)."""

    def __init__(self, cache: BaseCache, key: str, version_key: str) -> None:
        self.cache, self.key, self.version_key = cache, key, version_key

    def take(self, owner: str) -> int | None:
        """Take the lock and return the session's stored version; None if another holds it."""
        return int(self.cache.get(self.version_key, 0)) if self.acquire(owner) else None

    def acquire(self, owner: str) -> bool:
        with _local_guard:
            return _local_held.setdefault(self.key, owner) == owner

    def release(self, owner: str) -> None:
        with _local_guard:
            if _local_held.get(self.key) == owner:
                del _local_held[self.key]

    def renewed(self, run: Callable[..., Any]) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()


class CacheLock(LocalLock):
    """A session lock in a shared cache: ``add`` takes it, it expires after ``LOCK_TIMEOUT``."""

    def acquire(self, owner: str) -> bool:
        return bool(self.cache.add(self.key, owner, setting("LOCK_TIMEOUT")))

    def release(self, owner: str) -> None:
        if self.cache.get(self.key) == owner:
            self.cache.delete(self.key)

    @contextlib.contextmanager
    def renewed(self, run: Callable[..., Any]) -> Iterator[None]:
        """Push the expiry back every third of ``LOCK_TIMEOUT`` while a long event runs.

        A timer, not a task per event: most events end long before it fires.
        """
        loop = asyncio.get_running_loop()
        timeout = setting("LOCK_TIMEOUT")
        timer: asyncio.TimerHandle | None = None
        renewal: asyncio.Task[None] | None = None

        async def renew() -> None:
            nonlocal timer
            await run(self.cache.touch, self.key, timeout)
            timer = loop.call_later(timeout / 3, start)

        def start() -> None:
            nonlocal renewal
            renewal = loop.create_task(renew())

        timer = loop.call_later(timeout / 3, start)
        try:
            yield
        finally:
            timer.cancel()
            if renewal is not None:
                renewal.cancel()


class ScriptLock(CacheLock):
    """The same lock in django-redis, one Lua script per step (see ``redis_lock``)."""

    def __init__(self, cache: BaseCache, key: str, version_key: str, scripts: RedisLock) -> None:
        super().__init__(cache, key, version_key)
        self.scripts = scripts

    def take(self, owner: str) -> int | None:
        return self.scripts.take(self.key, self.version_key, owner, setting("LOCK_TIMEOUT"))

    def release(self, owner: str) -> None:
        self.scripts.release(self.key, owner)


_owner_prefix = secrets.token_hex(6)
_owner_numbers = itertools.count()


def new_owner() -> str:
    """A lock owner unique across processes: a random prefix per process, then a counter."""
    return f"{_owner_prefix}:{next(_owner_numbers)}"


def _after_fork() -> None:
    global _owner_prefix
    _owner_prefix = secrets.token_hex(6)


os.register_at_fork(after_in_child=_after_fork)


def lock_for(cache: BaseCache, key: str, version_key: str) -> LocalLock:
    """The lock of one session (``key``) in ``cache``, of the kind that cache allows."""
    if is_local(cache):
        return LocalLock(cache, key, version_key)
    scripts = redis_lock.for_cache(cache)
    if scripts is not None:
        return ScriptLock(cache, key, version_key, scripts)
    return CacheLock(cache, key, version_key)


def write_versioned(
    cache: BaseCache, version_key: str, read: int, data: dict[str, Any], timeout: float | None
) -> int | None:
    """Store ``data`` and version ``read + 1`` if the stored version is still ``read``.

    Return the new version, or None when another worker wrote meanwhile (then
    ``data`` is not written).
    """
    scripts = None if is_local(cache) else redis_lock.for_cache(cache)
    if scripts is not None:
        return scripts.write(version_key, read, data, timeout)
    try:
        version = cache.incr(version_key)
    except ValueError:  # no version stored yet (new session, or expired)
        version = read + 1 if cache.add(version_key, read + 1, timeout) else cache.incr(version_key)
    if version != read + 1:
        return None
    cache.set_many(data, timeout)
    return version

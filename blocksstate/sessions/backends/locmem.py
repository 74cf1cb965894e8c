"""Sessions in a cache that lives in this process's memory (``LocMemCache``): one worker only.

Its calls never wait on I/O, so they run on the event loop itself; the lock is
held in this process's memory and never needs to expire. The two calls of every
event (the version read with the lock, the versioned write) go to the cache's
storage directly (``locmem_storage.py``): same keys, same pickled values, same
expiry and culling, without the cache API's five calls and key checks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from . import cache
from .locmem_storage import LocMemStorage

T = TypeVar("T")

# Held session locks of this process, by lock key: the owner holding each.
_held: dict[str, str] = {}
_held_lock = threading.Lock()


class SessionStore(cache.SessionStore):
    """Sessions in a per-process cache, locked in this process's memory."""

    lock_expires = False
    eager = True  # its calls are plain calls on this process's memory
    _storage: LocMemStorage | None = None

    @property
    def storage(self) -> LocMemStorage | None:
        """The cache's storage, or None for a cache this store does not know inside."""
        backend = self.cache
        storage = self._storage
        if storage is None or storage.cache is not backend:
            storage = self._storage = LocMemStorage.of(backend)
        return storage

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(*args)

    def _acquire(self, session_id: str, owner: str) -> bool:
        with _held_lock:
            return _held.setdefault(self.key(session_id, "lock"), owner) == owner

    def _release(self, session_id: str, owner: str) -> None:
        key = self.key(session_id, "lock")
        with _held_lock:
            if _held.get(key) == owner:
                del _held[key]

    def _take(self, session_id: str, owner: str) -> int | None:
        storage = self.storage
        if storage is None:
            return super()._take(session_id, owner)
        if not self._acquire(session_id, owner):
            return None
        return int(storage.get(self.key(session_id, "version"), 0))

    async def take(self, session_id: str, owner: str) -> int | None:
        return self._take(session_id, owner)

    take_now = _take  # (``eager``: the base class's plain calls)

    async def renew(self, session_id: str) -> None:
        """Nothing to renew: the lock does not expire."""

    async def release(self, session_id: str, owner: str) -> None:
        self._release(session_id, owner)

    release_now = _release

    def write_and_release_now(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
    ) -> int | None:
        """``write_and_release`` (the end of every event) as one plain call: both are, here."""
        try:
            if not data:
                return read
            return self._write_versioned(session_id, read, self._keyed(session_id, data), timeout)
        finally:
            self._release(session_id, owner)

    def _write_versioned(
        self, session_id: str, read: int, data: dict[str, Any], timeout: float | None
    ) -> int | None:
        storage = self.storage
        if storage is None:
            return super()._write_versioned(session_id, read, data, timeout)
        return storage.write_versioned(self.key(session_id, "version"), read, data, timeout)

"""Sessions in a cache that lives in this process's memory (``LocMemCache``): one worker only.

Its calls never wait on I/O, so they run on the event loop itself; the lock is
held in this process's memory and never needs to expire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from . import cache

T = TypeVar("T")

# Held session locks of this process, by lock key: the owner holding each.
_held: dict[str, str] = {}
_held_lock = threading.Lock()


class SessionStore(cache.SessionStore):
    """Sessions in a per-process cache, locked in this process's memory."""

    lock_expires = False

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

    async def renew(self, session_id: str) -> None:
        """Nothing to renew: the lock does not expire."""

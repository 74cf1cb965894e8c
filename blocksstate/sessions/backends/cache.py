"""Sessions in any Django cache: the lock is an ``add`` with an expiry, the version an ``incr``.

Calls run in a thread, so a cache on the network never blocks the event loop.
The expiry index is a heap in this process's memory: with a cache other than
Redis the sweep of one worker sees only the sessions it served.
"""

from __future__ import annotations

import asyncio
import heapq
import pickle
import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from ...conf import setting
from ...state.caches import cache_for
from ..base import Session
from ..base import SessionStore as BaseStore

if TYPE_CHECKING:
    from django.core.cache.backends.base import BaseCache

    from ...app.blocks import Blocks

T = TypeVar("T")


class ExpiryHeap:
    """Members with a due time, in a heap; stale entries of moved members are skipped."""

    def __init__(self) -> None:
        self._due: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def schedule(self, member: str, due: float) -> None:
        with self._lock:
            self._due[member] = due
            heapq.heappush(self._heap, (due, member))

    def cancel(self, member: str) -> None:
        with self._lock:
            self._due.pop(member, None)

    def pop_due(self, now: float, limit: int) -> list[str]:
        popped: list[str] = []
        with self._lock:
            while self._heap and self._heap[0][0] <= now and len(popped) < limit:
                due, member = heapq.heappop(self._heap)
                if self._due.get(member) == due:
                    del self._due[member]
                    popped.append(member)
        return popped

    def __len__(self) -> int:
        return len(self._due)


# One heap per cache alias and process, as LocMemCache keeps one dict per name.
_heaps: dict[str, ExpiryHeap] = {}
_heaps_lock = threading.Lock()


def forget_expiry_heaps() -> None:
    """Empty this process's expiry heaps (a new process, for a test)."""
    with _heaps_lock:
        _heaps.clear()


class SessionStore(BaseStore):
    """Sessions in the Django cache named by ``CACHE_ALIAS``, one key per component."""

    @property
    def cache(self) -> BaseCache:
        return cache_for(self.cache_alias)

    @property
    def expiry_heap(self) -> ExpiryHeap:
        with _heaps_lock:
            return _heaps.setdefault(self.cache_alias, ExpiryHeap())

    @property
    def reads(self) -> dict[str, Any]:
        """Keyword arguments of every ``get`` and ``get_many`` (where a read must go)."""
        return {}

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Call the cache (``fn(*args)``) without blocking the event loop."""
        return await asyncio.to_thread(fn, *args)

    def keys(self, blocks: Blocks, session_id: str) -> list[str]:
        """Every key a session may have in the cache."""
        return [
            self.key(session_id, "meta"),
            self.key(session_id, "version"),
            self.key(session_id, "ended"),
            self.key(session_id, "ran"),
        ] + [self.key(session_id, i) for i in blocks.components]

    # -- the lock ---------------------------------------------------------------------------------

    def _take(self, session_id: str, owner: str) -> int | None:
        if not self._acquire(session_id, owner):
            return None
        return int(self.cache.get(self.key(session_id, "version"), 0, **self.reads))

    def _acquire(self, session_id: str, owner: str) -> bool:
        return bool(self.cache.add(self.key(session_id, "lock"), owner, setting("LOCK_TIMEOUT")))

    def _release(self, session_id: str, owner: str) -> None:
        key = self.key(session_id, "lock")
        if self.cache.get(key, **self.reads) == owner:
            self.cache.delete(key)

    async def take(self, session_id: str, owner: str) -> int | None:
        return await self.run(self._take, session_id, owner)

    async def renew(self, session_id: str) -> None:
        await self.run(self.cache.touch, self.key(session_id, "lock"), setting("LOCK_TIMEOUT"))

    async def release(self, session_id: str, owner: str) -> None:
        await self.run(self._release, session_id, owner)

    # -- values -----------------------------------------------------------------------------------

    async def load(self, blocks: Blocks, session_id: str) -> Session | None:
        ids = list(blocks.components)
        keys = {self.key(session_id, part): part for part in ["meta", "ran", "version", *ids]}
        found = await self.run(partial(self.cache.get_many, list(keys), **self.reads))
        parts = {keys[key]: value for key, value in found.items()}
        stored = {i: parts[i] for i in ids if i in parts}
        return Session.from_stored(
            blocks, session_id, parts.get("meta"), stored, parts.get("ran"), parts.get("version")
        )

    async def read_meta(self, session_id: str) -> dict[str, Any] | None:
        return await self.run(partial(self.cache.get, self.key(session_id, "meta"), **self.reads))

    async def stored_sizes(self, blocks: Blocks, session_id: str) -> dict[int | str, int]:
        keys = {self.key(session_id, part): part for part in ["meta", "ran", *blocks.components]}
        sizes = await self.run(self._stored_sizes, list(keys))
        return {keys[key]: size for key, size in sizes.items()}

    def _stored_sizes(self, keys: list[str]) -> dict[str, int]:
        """Bytes of each key's value that is stored, by key.

        Django's caches keep a value pickled at the highest protocol (LocMemCache and
        RedisCache as is; the database cache base64-encodes it, the file cache compresses it).
        """
        found = self.cache.get_many(keys, **self.reads)
        return {
            key: len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL)) for key, value in found.items()
        }

    def _write_versioned(
        self, session_id: str, read: int, data: dict[str, Any], timeout: float | None
    ) -> int | None:
        cache, version_key = self.cache, self.key(session_id, "version")
        try:
            version = cache.incr(version_key)
        except ValueError:  # no version stored yet (new session, or expired)
            version = (
                read + 1 if cache.add(version_key, read + 1, timeout) else cache.incr(version_key)
            )
        if version != read + 1:
            return None
        cache.set_many(data, timeout)
        return version

    async def write_versioned(
        self, session_id: str, read: int, data: dict[str | int, Any], timeout: float | None
    ) -> int | None:
        return await self.run(
            self._write_versioned, session_id, read, self._keyed(session_id, data), timeout
        )

    def _keyed(self, session_id: str, data: dict[str | int, Any]) -> dict[str, Any]:
        """``data``'s parts by their cache keys."""
        return {self.key(session_id, part): value for part, value in data.items()}

    async def touch(self, blocks: Blocks, session_id: str, timeout: float) -> None:
        keys = self.keys(blocks, session_id)

        def touch_all() -> None:
            for key in keys:
                self.cache.touch(key, timeout)

        await self.run(touch_all)

    async def delete(self, blocks: Blocks, session_id: str) -> None:
        await self.run(self.cache.delete_many, self.keys(blocks, session_id))

    async def claim_end(self, session_id: str, timeout: float) -> bool:
        return await self.run(self.cache.add, self.key(session_id, "ended"), 1, timeout)

    # -- the expiry index -------------------------------------------------------------------------

    async def schedule(self, member: str, due: float) -> None:
        self.expiry_heap.schedule(member, due)

    async def cancel(self, member: str) -> None:
        self.expiry_heap.cancel(member)

    async def pop_due(self, now: float, limit: int) -> list[str]:
        return self.expiry_heap.pop_due(now, limit)

    def index_size(self) -> int:
        """Members in the expiry index (for benchmarks and checks)."""
        return len(self.expiry_heap)

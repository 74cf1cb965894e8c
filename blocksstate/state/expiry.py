"""The expiry index: sessions due for attention, ordered by when.

A sweep must touch only what is due, never scan every key. With Redis
(django-redis, or Django's own Redis backend) the index is a sorted set
(score = due time) shared by every worker, and popping due members is one
atomic script, so two workers never handle the same one. With a per-process
cache (LocMemCache) the index is a per-process heap, which matches: such a
cache is only valid with one worker anyway.

Members are strings chosen by the caller (see ``sweep.py``).
"""

from __future__ import annotations

import heapq
import threading
from typing import Any

from ..conf import setting

_POP_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""


class ExpiryIndex:
    """Members with a due time; ``pop_due`` removes and returns those whose time has come."""

    def schedule(self, member: str, due: float) -> None:
        raise NotImplementedError("subclasses of ExpiryIndex must provide schedule()")

    def cancel(self, member: str) -> None:
        raise NotImplementedError("subclasses of ExpiryIndex must provide cancel()")

    def pop_due(self, now: float, limit: int) -> list[str]:
        raise NotImplementedError("subclasses of ExpiryIndex must provide pop_due()")

    def __len__(self) -> int:
        raise NotImplementedError("subclasses of ExpiryIndex must provide __len__()")


class LocalExpiryIndex(ExpiryIndex):
    """A heap in this process's memory, for per-process caches."""

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
                # A rescheduled or cancelled member leaves stale heap entries behind; skip them.
                if self._due.get(member) == due:
                    del self._due[member]
                    popped.append(member)
        return popped

    def __len__(self) -> int:
        return len(self._due)


class RedisExpiryIndex(ExpiryIndex):
    """A Redis sorted set, shared by every worker that uses the same Redis."""

    def __init__(self, client: Any, key: str) -> None:
        self.client = client
        self.key = key
        self._pop = client.register_script(_POP_DUE)

    def schedule(self, member: str, due: float) -> None:
        self.client.zadd(self.key, {member: due})

    def cancel(self, member: str) -> None:
        self.client.zrem(self.key, member)

    def pop_due(self, now: float, limit: int) -> list[str]:
        members = self._pop(keys=[self.key], args=[now, limit])
        return [m.decode() if isinstance(m, bytes) else m for m in members]

    def __len__(self) -> int:
        return int(self.client.zcard(self.key))


_local_indexes: dict[str, LocalExpiryIndex] = {}
_lock = threading.Lock()


def index_for(cache_alias: str | None = None) -> ExpiryIndex:
    """Return the index that goes with a cache: Redis' sorted set, or this process's heap."""
    from .io import cache_for

    alias = cache_alias or setting("CACHE_ALIAS")
    cache = cache_for(alias)
    key = f"{setting('KEY_PREFIX')}:expiry"
    if type(cache).__module__.startswith("django_redis"):
        return RedisExpiryIndex(cache.client.get_client(write=True), cache.make_key(key))
    if type(cache).__module__ == "django.core.cache.backends.redis":  # Django's own Redis backend
        return RedisExpiryIndex(cache._cache.get_client(write=True), cache.make_key(key))
    with _lock:
        return _local_indexes.setdefault(alias, LocalExpiryIndex())

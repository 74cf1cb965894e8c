"""Where a GlobalState's value lives: the value and its version, always written together.

Every write of a GlobalState (an event's, a view's, a task's) stores the new value
and one more than its version in a single atomic step, so the versions order the
changes and a page that saw version 7 knows it has not seen 8. On django-redis (its
default client) that step is one Lua script, one round trip; ``incr`` adds in the
script, so concurrent increments from many processes lose nothing. On any other
Django cache the step holds the value's lock (``cache.add``) around a read and a
``set_many``: atomic between every process sharing the cache, one round trip more.

All the Redis code of GlobalState is here (issue 20 may batch it further).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable
from typing import Any

from ..conf import setting
from . import redis_scripts

# KEYS: value, version. ARGV: the value as the cache's client encodes it.
_SET = """
redis.call('SET', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])
"""

# KEYS: value, version. ARGV: n, the default (an integer). Returns {value, version}.
_INCR = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[2]) end
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
return {value, redis.call('INCR', KEYS[2])}
"""


class NotAnInteger(ValueError):
    """``incr`` found a stored value that is not an integer."""


class GlobalLockTimeout(TimeoutError):
    """A GlobalState's lock stayed held for more than ``LOCK_WAIT`` seconds."""


_MISSING = object()


class GlobalStore:
    """A GlobalState's value and version in one Django cache (any backend)."""

    def __init__(self, cache: Any) -> None:
        self.cache = cache

    @staticmethod
    def version_key(key: str) -> str:
        return f"{key}:version"

    # -- reading -------------------------------------------------------------------------------

    def read(self, key: str) -> tuple[Any, int]:
        """The stored value (``_MISSING`` if none yet) and its version (0 if never written)."""
        found = self.cache.get_many([key, self.version_key(key)])
        return found.get(key, _MISSING), int(found.get(self.version_key(key)) or 0)

    def versions(self, keys: Iterable[str]) -> dict[str, int]:
        """The version of each value (0: never written), in one call."""
        keys = list(keys)
        found = self.cache.get_many([self.version_key(k) for k in keys])
        return {k: int(found.get(self.version_key(k)) or 0) for k in keys}

    # -- writing -------------------------------------------------------------------------------

    def write(self, key: str, value: Any, locked: bool = False) -> int:
        """Store ``value`` with the next version; return that version.

        ``locked``: the caller holds the value's lock already (an event's read-modify-write).
        """
        if locked:
            return self._write_held(key, value)
        owner = self.acquire(key)
        try:
            return self._write_held(key, value)
        finally:
            self.release(key, owner)

    def _write_held(self, key: str, value: Any) -> int:
        version = int(self.cache.get(self.version_key(key)) or 0) + 1
        self.cache.set_many({key: value, self.version_key(key): version}, None)
        return version

    def incr(self, key: str, n: int, default: int) -> tuple[int, int]:
        """Add ``n`` (to ``default`` if nothing is stored); return the value and its version."""
        owner = self.acquire(key)
        try:
            value = self.cache.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool):
                raise NotAnInteger(value)
            value += n
            return value, self._write_held(key, value)
        finally:
            self.release(key, owner)

    # -- the value's lock (an event or ``update`` reading, then writing) -------------------------

    def acquire(self, key: str) -> str:
        """Take the value's lock, waiting up to ``LOCK_WAIT`` seconds; return the owner token."""
        lock, owner = f"{key}:lock", secrets.token_hex(8)
        deadline = time.monotonic() + setting("LOCK_WAIT")
        delay = 0.001
        while not self.cache.add(lock, owner, setting("LOCK_TIMEOUT")):
            if time.monotonic() > deadline:
                raise GlobalLockTimeout(setting("LOCK_WAIT"))
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return owner

    def release(self, key: str, owner: str) -> None:
        """Give the lock back, if it is still ours."""
        lock = f"{key}:lock"
        if self.cache.get(lock) == owner:
            self.cache.delete(lock)


class RedisGlobalStore(GlobalStore):
    """django-redis (default client): a write or an increment is one Lua script."""

    def _keys(self, key: str) -> list[str]:
        cache = self.cache
        return [
            redis_scripts.redis_key(cache, key),
            redis_scripts.redis_key(cache, f"{key}:version"),
        ]

    def versions(self, keys: Iterable[str]) -> dict[str, int]:
        """The version of each value, one GET each in one pipeline: on Redis Cluster the keys
        are in several slots, where one MGET would be refused."""
        keys = list(keys)
        pipeline = redis_scripts.client(self.cache).pipeline(transaction=False)
        for key in keys:
            pipeline.get(redis_scripts.redis_key(self.cache, self.version_key(key)))
        return {k: int(v or 0) for k, v in zip(keys, pipeline.execute(), strict=True)}

    def write(self, key: str, value: Any, locked: bool = False) -> int:
        cache = self.cache
        encoded = cache.client.encode(value)
        run = redis_scripts.script(cache, _SET)
        return int(run(keys=self._keys(key), args=[encoded], client=redis_scripts.client(cache)))

    def incr(self, key: str, n: int, default: int) -> tuple[int, int]:
        import redis

        cache = self.cache
        run = redis_scripts.script(cache, _INCR)
        try:
            value, version = run(
                keys=self._keys(key), args=[n, default], client=redis_scripts.client(cache)
            )
        except redis.ResponseError as exc:
            if "not an integer" not in str(exc):
                raise
            raise NotAnInteger(cache.get(key)) from None
        return int(value), int(version)


def store_for(cache: Any) -> GlobalStore:
    """The GlobalStore that fits a cache backend."""
    return RedisGlobalStore(cache) if redis_scripts.runs_scripts(cache) else GlobalStore(cache)


MISSING = _MISSING

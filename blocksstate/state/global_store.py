"""Where a GlobalState's value lives: the value and its version, always written together.

Every write of a GlobalState (an event's, a view's, a task's) stores the new value
and one more than its version in a single atomic step, so the versions order the
changes and a page that saw version 7 knows it has not seen 8. On django-redis (its
default client) that step is one Lua script, one round trip; ``incr`` adds in the
script, so concurrent increments from many processes lose nothing. On any other
Django cache the step holds the value's lock (``cache.add``) around a read and a
``set_many``: atomic between every process sharing the cache, one round trip more.

From the event loop (an event's steps, ``aget``/``aset``/``aincr``) the ``a``-methods
are used. On django-redis they go through the loop's ``redis.asyncio`` client
(``state/redis_async.py``): no thread hop per call, the same keys and the same encoding
(the cache's client encodes and decodes), so ``cache.get``, the synchronous methods and
a worker without that client share the values. Without one they run the synchronous
methods in a thread (``caches.cache_call``).

All the Redis code of GlobalState is here.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterable, Iterator
from typing import Any

from ..conf import setting
from . import redis_async, redis_scripts
from .caches import cache_call

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


# KEYS: the lock. ARGV: the owner. Lets go of the lock if the owner still holds it.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
"""

# KEYS: the lock, value, version. ARGV: the owner, the lock's expiry in ms. Takes the lock
# if free and reads the value and its version: {1, value, version}, or {0} if held.
_TAKE_READ = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3])}
end
return {0}
"""

# KEYS: value, version, the lock. ARGV: the value, the owner. _SET, then _RELEASE.
_SET_RELEASE = """
redis.call('SET', KEYS[1], ARGV[1])
local version = redis.call('INCR', KEYS[2])
if redis.call('GET', KEYS[3]) == ARGV[2] then redis.call('DEL', KEYS[3]) end
return version
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

    @property
    def reads(self) -> dict[str, Any]:
        """Keyword arguments of every ``get`` and ``get_many`` (where a read must go)."""
        return {}

    @staticmethod
    def version_key(key: str) -> str:
        return f"{key}:version"

    @staticmethod
    def lock_key(key: str) -> str:
        return f"{key}:lock"

    # -- reading -------------------------------------------------------------------------------

    def read(self, key: str) -> tuple[Any, int]:
        """The stored value (``_MISSING`` if none yet) and its version (0 if never written)."""
        found = self.cache.get_many([key, self.version_key(key)], **self.reads)
        return found.get(key, _MISSING), int(found.get(self.version_key(key)) or 0)

    def versions(self, keys: Iterable[str]) -> dict[str, int]:
        """The version of each value (0: never written), in one call."""
        keys = list(keys)
        found = self.cache.get_many([self.version_key(k) for k in keys], **self.reads)
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
        version = int(self.cache.get(self.version_key(key), **self.reads) or 0) + 1
        self.cache.set_many({key: value, self.version_key(key): version}, None)
        return version

    def incr(self, key: str, n: int, default: int) -> tuple[int, int]:
        """Add ``n`` (to ``default`` if nothing is stored); return the value and its version."""
        owner = self.acquire(key)
        try:
            value = self.cache.get(key, default, **self.reads)
            if not isinstance(value, int) or isinstance(value, bool):
                raise NotAnInteger(value)
            value += n
            return value, self._write_held(key, value)
        finally:
            self.release(key, owner)

    # -- the value's lock (an event or ``update`` reading, then writing) -------------------------

    def acquire(self, key: str) -> str:
        """Take the value's lock, waiting up to ``LOCK_WAIT`` seconds; return the owner token."""
        owner = secrets.token_hex(8)
        for delay in _waits():
            if self.cache.add(self.lock_key(key), owner, setting("LOCK_TIMEOUT")):
                break
            time.sleep(delay)
        return owner

    def release(self, key: str, owner: str) -> None:
        """Give the lock back, if it is still ours."""
        lock = self.lock_key(key)
        if self.cache.get(lock, **self.reads) == owner:
            self.cache.delete(lock)

    # -- from the event loop: the same, without blocking it ------------------------------------

    async def aread(self, key: str) -> tuple[Any, int]:
        return await cache_call(self.cache, self.read, key)

    async def aversions(self, keys: Iterable[str]) -> dict[str, int]:
        return await cache_call(self.cache, self.versions, list(keys))

    async def awrite(self, key: str, value: Any, locked: bool = False) -> int:
        return await cache_call(self.cache, self.write, key, value, locked)

    async def aincr(self, key: str, n: int, default: int) -> tuple[int, int]:
        return await cache_call(self.cache, self.incr, key, n, default)

    async def aacquire(self, key: str) -> str:
        return await cache_call(self.cache, self.acquire, key)

    async def arelease(self, key: str, owner: str) -> None:
        await cache_call(self.cache, self.release, key, owner)

    # -- an event's read-modify-write: take and read, then write and let go ----------------------

    async def atake_read(self, key: str) -> tuple[str, Any, int, Any]:
        """Take the lock, then read: the owner, the value (``_MISSING`` if none), its
        version, and the stored value as the cache holds it (None: not known here)."""
        owner = await self.aacquire(key)
        try:
            value, version = await self.aread(key)
        except BaseException:
            await self.arelease(key, owner)
            raise
        return owner, value, version, None

    async def awrite_release(self, key: str, value: Any, owner: str, encoded: Any = None) -> int:
        """Store ``value`` (``encoded``: as ``encoded`` gave it) under the lock ``owner``
        holds, then give the lock back."""
        try:
            return await self.awrite(key, value, locked=True)
        finally:
            await self.arelease(key, owner)

    def encoded(self, value: Any) -> Any:
        """``value`` as the store holds it, to compare with what ``atake_read`` returned
        (None: this store does not return it)."""
        return None


def _waits() -> Iterator[float]:
    """The pauses between tries of a lock: 1 ms, doubling up to 50 ms; raises
    ``GlobalLockTimeout`` once ``LOCK_WAIT`` seconds have passed."""
    deadline = time.monotonic() + setting("LOCK_WAIT")
    delay = 0.001
    while True:
        yield delay
        if time.monotonic() > deadline:
            raise GlobalLockTimeout(setting("LOCK_WAIT"))
        delay = min(delay * 2, 0.05)


class RedisGlobalStore(GlobalStore):
    """django-redis (default client): a write or an increment is one Lua script."""

    @property
    def reads(self) -> dict[str, Any]:
        return redis_scripts.primary_reads(self.cache)

    def _keys(self, key: str) -> list[str]:
        cache = self.cache
        return [
            redis_scripts.redis_key(cache, key),
            redis_scripts.redis_key(cache, self.version_key(key)),
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
            raise NotAnInteger(cache.get(key, **self.reads)) from None
        return int(value), int(version)

    # -- from the event loop, on the loop's asyncio client when there is one ---------------------

    async def aread(self, key: str) -> tuple[Any, int]:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().aread(key)
        value, version = await aclient.call("MGET", *self._keys(key))
        return (_MISSING if value is None else self.cache.client.decode(value)), int(version or 0)

    async def aversions(self, keys: Iterable[str]) -> dict[str, int]:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().aversions(keys)
        keys = list(keys)
        # One MGET: the asyncio client is never on Redis Cluster.
        names = [redis_scripts.redis_key(self.cache, self.version_key(k)) for k in keys]
        found = await aclient.call("MGET", *names) if names else []
        return {k: int(v or 0) for k, v in zip(keys, found, strict=True)}

    async def awrite(self, key: str, value: Any, locked: bool = False) -> int:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().awrite(key, value, locked)
        return int(await aclient.run(_SET, self._keys(key), [self.cache.client.encode(value)]))

    async def aincr(self, key: str, n: int, default: int) -> tuple[int, int]:
        import redis

        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().aincr(key, n, default)
        try:
            value, version = await aclient.run(_INCR, self._keys(key), [n, default])
        except redis.ResponseError as exc:
            if "not an integer" not in str(exc):
                raise
            raise NotAnInteger((await self.aread(key))[0]) from None
        return int(value), int(version)

    async def aacquire(self, key: str) -> str:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().aacquire(key)
        owner = secrets.token_hex(8)
        # What ``cache.add`` sends: the owner encoded by the cache's client, the expiry in ms.
        lock = redis_scripts.redis_key(self.cache, self.lock_key(key))
        args = [lock, self.cache.client.encode(owner), "NX", "PX"]
        args.append(int(setting("LOCK_TIMEOUT") * 1000))
        for delay in _waits():
            if await aclient.call("SET", *args):
                break
            await asyncio.sleep(delay)
        return owner

    async def arelease(self, key: str, owner: str) -> None:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().arelease(key, owner)
        lock = redis_scripts.redis_key(self.cache, self.lock_key(key))
        await aclient.run(_RELEASE, [lock], [self.cache.client.encode(owner)])

    async def atake_read(self, key: str) -> tuple[str, Any, int, Any]:
        """One script a try: the lock and the read in one round trip."""
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().atake_read(key)
        owner = secrets.token_hex(8)
        keys = [redis_scripts.redis_key(self.cache, self.lock_key(key)), *self._keys(key)]
        args = [self.cache.client.encode(owner), int(setting("LOCK_TIMEOUT") * 1000)]
        for delay in _waits():
            reply = await aclient.run(_TAKE_READ, keys, args)
            if reply[0]:
                break
            await asyncio.sleep(delay)
        stored, version = reply[1], int(reply[2] or 0)
        value = _MISSING if stored is None else self.cache.client.decode(stored)
        return owner, value, version, stored

    async def awrite_release(self, key: str, value: Any, owner: str, encoded: Any = None) -> int:
        """The write and the release in one script."""
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await super().awrite_release(key, value, owner)
        keys = [*self._keys(key), redis_scripts.redis_key(self.cache, self.lock_key(key))]
        if encoded is None:
            encoded = self.encoded(value)
        owner_encoded = self.cache.client.encode(owner)
        return int(await aclient.run(_SET_RELEASE, keys, [encoded, owner_encoded]))

    def encoded(self, value: Any) -> bytes:
        encoded = self.cache.client.encode(value)
        # django-redis leaves integers unpickled: Redis holds their digits.
        return encoded if isinstance(encoded, bytes) else str(encoded).encode()


def store_for(cache: Any) -> GlobalStore:
    """The GlobalStore that fits a cache backend."""
    return RedisGlobalStore(cache) if redis_scripts.runs_scripts(cache) else GlobalStore(cache)


MISSING = _MISSING

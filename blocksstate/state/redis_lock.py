"""The session lock and versioned write in one round trip each, where the cache is django-redis.

With any Django cache the session store takes a session's lock with ``add``, reads
its version with ``get``, writes with ``incr`` then ``set_many``, and lets go with
``get`` then ``delete``: six round trips per event. With django-redis's default
client the same steps are three Lua scripts, one round trip each:

- ``take``: set the lock if free (with its expiry) and read the version;
- ``write``: if the version is still the one read, store the values and the next
  version (each with the session's expiry); otherwise write nothing;
- ``release``: delete the lock if this owner still holds it. Unlike ``get`` then
  ``delete`` this cannot delete a lock another worker took after this one's expired.

Values and keys are encoded by the cache's own client, so ``cache.get`` reads what
the scripts wrote and the other way round: workers of both kinds can share a cache.
"""

from __future__ import annotations

import contextlib
import weakref
from typing import Any

_TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {1, redis.call('GET', KEYS[2])}
end
return {0}
"""

# KEYS: version, then the values' keys. ARGV: the version read, the expiry in ms
# (0: none), then the values. Returns the new version, or -1 (nothing written).
_WRITE = """
local read = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]) or ARGV[1])
if stored ~= read then return -1 end
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  if ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ttl)
  else
    redis.call('SET', KEYS[i], ARGV[i + 1])
  end
end
if ttl > 0 then
  redis.call('SET', KEYS[1], read + 1, 'PX', ttl)
else
  redis.call('SET', KEYS[1], read + 1)
end
return read + 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
"""


class RedisLock:
    """The three scripts, bound to one django-redis cache (see ``for_cache``)."""

    def __init__(self, cache: Any) -> None:
        self.client = cache.client
        redis = self.client.get_client(write=True)
        self._take = redis.register_script(_TAKE)
        self._write = redis.register_script(_WRITE)
        self._release = redis.register_script(_RELEASE)

    def _redis(self) -> Any:
        return self.client.get_client(write=True)

    def _key(self, key: str) -> str:
        return str(self.client.make_key(key))

    def take(self, lock_key: str, version_key: str, owner: str, timeout: float) -> int | None:
        """Take the lock for ``timeout`` seconds and return the stored version, or None if held."""
        taken = self._take(
            keys=[self._key(lock_key), self._key(version_key)],
            args=[self.client.encode(owner), _ms(timeout)],
            client=self._redis(),
        )
        if not taken[0]:
            return None
        return int(taken[1] or 0)

    def write(
        self, version_key: str, read: int, data: dict[str, Any], timeout: float | None
    ) -> int | None:
        """Store ``data`` and version ``read + 1`` if the version is still ``read``; else None."""
        keys = [self._key(version_key)] + [self._key(k) for k in data]
        args = [read, _ms(timeout) if timeout else 0] + [
            self.client.encode(v) for v in data.values()
        ]
        version = int(self._write(keys=keys, args=args, client=self._redis()))
        return None if version < 0 else version

    def release(self, lock_key: str, owner: str) -> None:
        """Let go of the lock if ``owner`` still holds it."""
        self._release(
            keys=[self._key(lock_key)], args=[self.client.encode(owner)], client=self._redis()
        )


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


_bound: weakref.WeakKeyDictionary[Any, RedisLock | None] = weakref.WeakKeyDictionary()


def for_cache(cache: Any) -> RedisLock | None:
    """The scripts for ``cache`` if it is django-redis with its default client, else None."""
    try:
        return _bound[cache]
    except KeyError:
        pass
    scripts = None
    with contextlib.suppress(ImportError):
        from django_redis.cache import RedisCache
        from django_redis.client import DefaultClient

        if type(cache) is RedisCache and type(cache.client) is DefaultClient:
            scripts = RedisLock(cache)
    _bound[cache] = scripts
    return scripts

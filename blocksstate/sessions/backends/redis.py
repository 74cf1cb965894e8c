"""Sessions in Redis: an expiry index every worker shares, and with django-redis three Lua scripts.

With any Django cache an event takes the session's lock with ``add``, reads its
version with ``get``, writes with ``incr`` then ``set_many``, and lets go with
``get`` then ``delete``: six round trips. With django-redis's default client
an event is two scripts, one round trip each:

- take: set the lock if free (with its expiry) or already this owner's, and read the
  version; if another holds it, mark the session wanted;
- commit: if the version is still the one read, store the values that changed and
  the next version (each with the session's expiry), otherwise write nothing; then
  delete the lock if this owner still holds it. Unlike ``get`` then ``delete`` this
  cannot delete a lock another worker took after this one's expired. Given a lease
  time, it keeps the lock that long instead, unless the write was refused or the
  session is wanted: the page's next event then needs no take (``sessions/lease.py``).

Every key of a session carries its id as a hash tag, so on Redis Cluster a script's
keys are in one slot.

The take and commit scripts, on every event, run through this event loop's
``redis.asyncio`` client (``state/redis_async.py``): no thread hop. So do a session's
other calls on the loop: its keepalive (touch, the expiry index), its end (read the
meta, claim the end, the index, the write) and the lock's renewal and release. Without
one (Sentinel, Cluster, ``REDIS_ASYNCIO`` off) they run on the cache's client in a thread.

Values and keys are encoded by the cache's own client, so ``cache.get`` reads what
the scripts wrote and the other way round: workers with and without the scripts
share a cache. The expiry index is a sorted set (score: due time); popping due
members is one script, so two workers never handle the same one.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ...conf import setting
from ...state import redis_async, redis_scripts
from . import cache

if TYPE_CHECKING:
    from ...app.blocks import Blocks

T = TypeVar("T")

# KEYS: lock, version, wanted. ARGV: the owner, the lock's expiry in ms. The owner may
# hold it already (its page's lease, past the share its worker counts on). A take that
# finds another owner's lock marks the session wanted for a second (each retry renews
# it), so a lease is not kept over a waiter; a take that gets the lock clears the mark.
_TAKE = """
local holder = redis.call('GET', KEYS[1])
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  redis.call('DEL', KEYS[3])
  return {1, redis.call('GET', KEYS[2])}
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, redis.call('GET', KEYS[2])}
end
redis.call('SET', KEYS[3], '1', 'PX', 1000)
return {0}
"""

# KEYS: version, lock, wanted, then the values' keys. ARGV: the lock's owner ("": keep
# the lock), the version read, the expiry in ms (0: none), the lease in ms (0: none),
# then the values. Writes the values and the next version if the stored version is
# still the one read; then, if the owner still holds the lock, keeps it for the lease
# (the write done and the session not wanted) or lets go of it. Returns the new
# version (-1: nothing written) and 1 if the lock was kept.
_COMMIT = """
local written = tonumber(ARGV[2])
if #KEYS > 3 then
  local stored = tonumber(redis.call('GET', KEYS[1]) or ARGV[2])
  if stored ~= written then
    written = -1
  else
    written = written + 1
    local ttl = tonumber(ARGV[3])
    for i = 4, #KEYS do
      if ttl > 0 then
        redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ttl)
      else
        redis.call('SET', KEYS[i], ARGV[i + 1])
      end
    end
    if ttl > 0 then
      redis.call('SET', KEYS[1], written, 'PX', ttl)
    else
      redis.call('SET', KEYS[1], written)
    end
  end
end
local kept = 0
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) == ARGV[1] then
  local lease = tonumber(ARGV[4])
  if lease > 0 and written >= 0 and redis.call('EXISTS', KEYS[3]) == 0 then
    redis.call('PEXPIRE', KEYS[2], lease)
    kept = 1
  else
    redis.call('DEL', KEYS[2])
  end
end
return {written, kept}
"""

# KEYS: a session's keys. ARGV: their expiry in ms. One round trip for all of them.
_TOUCH = """
for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return #KEYS
"""

_POP_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due
"""


class Scripts:
    """The sessions' Lua scripts on one cache's Redis client (see ``state.redis_scripts``)."""

    def __init__(self, backend: Any) -> None:
        self.take = redis_scripts.script(backend, _TAKE)
        self.commit = redis_scripts.script(backend, _COMMIT)
        self.pop_due = redis_scripts.script(backend, _POP_DUE)


_scripts: weakref.WeakKeyDictionary[Any, Scripts] = weakref.WeakKeyDictionary()


class RedisIndexStore(cache.SessionStore):
    """A Redis cache without the scripts (Django's own ``RedisCache``, another django-redis
    client): the cache's own calls, and the expiry index in a sorted set."""

    def redis(self) -> Any:
        """The cache's Redis client, for the calls a Django cache does not offer."""
        return redis_scripts.client(self.cache)

    def _key(self, key: str) -> str:
        """A key as it is named in Redis (with the cache's prefix and version)."""
        return redis_scripts.redis_key(self.cache, key)

    def _stored_sizes(self, keys: list[str]) -> dict[str, int]:
        """The length of each stored value as Redis holds it (encoded by the cache's client)."""
        pipeline = self.redis().pipeline(transaction=False)
        for key in keys:
            pipeline.strlen(self._key(key))
        # A missing key has length 0; a stored value never has (even 0 is stored as "0").
        return {key: size for key, size in zip(keys, pipeline.execute(), strict=True) if size}

    @property
    def scripts(self) -> Scripts:
        backend = self.cache
        found = _scripts.get(backend)
        if found is None:
            found = _scripts[backend] = Scripts(backend)
        return found

    @property
    def index_key(self) -> str:
        return self.cache.make_key(f"{self.key_prefix}:expiry")

    def _schedule(self, member: str, due: float) -> None:
        self.redis().zadd(self.index_key, {member: due})

    def _cancel(self, member: str) -> None:
        self.redis().zrem(self.index_key, member)

    def _pop_due(self, now: float, limit: int) -> list[str]:
        members = self.scripts.pop_due(
            keys=[self.index_key], args=[now, limit], client=self.redis()
        )
        return [m.decode() if isinstance(m, bytes) else m for m in members]

    async def schedule(self, member: str, due: float) -> None:
        await self.run(self._schedule, member, due)

    async def cancel(self, member: str) -> None:
        await self.run(self._cancel, member)

    async def pop_due(self, now: float, limit: int) -> list[str]:
        return await self.run(self._pop_due, now, limit)

    def index_size(self) -> int:
        """Members in the expiry index."""
        return int(self.redis().zcard(self.index_key))


def _on_the_loop(method: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """``method`` given this event loop's Redis client after ``self``; without one (Sentinel,
    Cluster, ``REDIS_ASYNCIO`` off), the version it overrides, on the cache's client in a thread."""
    name = method.__name__

    @functools.wraps(method)
    async def call(self: SessionStore, *args: Any, **kwargs: Any) -> T:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await getattr(super(SessionStore, self), name)(*args, **kwargs)  # type: ignore[no-any-return]
        return await method(self, aclient, *args, **kwargs)

    return call


class SessionStore(RedisIndexStore):
    """django-redis with its default client: lock, versioned write and release as Lua scripts."""

    leases = True

    @property
    def reads(self) -> dict[str, Any]:
        return redis_scripts.primary_reads(self.cache)

    def _take_call(self, session_id: str, owner: str) -> tuple[list[str], list[Any]]:
        """The take script's keys and arguments."""
        backend = self.cache
        name = redis_scripts.key_maker(backend)
        keys = [name(self.key(session_id, part)) for part in ("lock", "version", "wanted")]
        return keys, [backend.client.encode(owner), _ms(setting("LOCK_TIMEOUT"))]

    def _commit_call(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str, Any],
        timeout: float | None,
        lease: float = 0,
    ) -> tuple[list[str], list[Any]]:
        """The commit script's keys and arguments (``data`` by cache key)."""
        backend = self.cache
        name, encode = redis_scripts.key_maker(backend), backend.client.encode
        keys = [name(self.key(session_id, part)) for part in ("version", "lock", "wanted")]
        keys += [name(k) for k in data]
        args = [encode(owner) if owner else "", read, _ms(timeout) if timeout else 0]
        args.append(_ms(lease) if lease else 0)
        args += [encode(v) for v in data.values()]
        return keys, args

    def _take(self, session_id: str, owner: str) -> int | None:
        keys, args = self._take_call(session_id, owner)
        return _taken(self.scripts.take(keys=keys, args=args, client=self.redis()))

    def _commit(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str, Any],
        timeout: float | None,
        lease: float = 0,
    ) -> tuple[int | None, bool]:
        """Write ``data`` (if any) at version ``read + 1`` and let go of ``owner``'s lock
        (if ``owner``), or keep it ``lease`` seconds: one script, one round trip."""
        keys, args = self._commit_call(session_id, owner, read, data, timeout, lease)
        return _committed(self.scripts.commit(keys=keys, args=args, client=self.redis()))

    def _write_versioned(
        self, session_id: str, read: int, data: dict[str, Any], timeout: float | None
    ) -> int | None:
        return self._commit(session_id, "", read, data, timeout)[0]

    def _release(self, session_id: str, owner: str) -> None:
        self._commit(session_id, owner, 0, {}, None)

    async def take(self, session_id: str, owner: str) -> int | None:
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await self.run(self._take, session_id, owner)
        keys, args = self._take_call(session_id, owner)
        return _taken(await aclient.run(_TAKE, keys, args))

    async def write_and_release(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
    ) -> int | None:
        return (await self.write_and_keep(session_id, owner, read, data, timeout, 0))[0]

    async def write_and_keep(
        self,
        session_id: str,
        owner: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
        lease: float,
    ) -> tuple[int | None, bool]:
        keyed = {self.key(session_id, part): value for part, value in data.items()}
        aclient = redis_async.client(self.cache)
        if aclient is None:
            return await self.run(self._commit, session_id, owner, read, keyed, timeout, lease)
        keys, args = self._commit_call(session_id, owner, read, keyed, timeout, lease)
        return _committed(await aclient.run(_COMMIT, keys, args))

    # -- the rest of a session's calls, on the loop's client too -------------------------------
    # Each as the cache's own call would do it (``django_redis.client.DefaultClient``), so
    # ``cache.get`` and the threaded path read the same; without the client, in a thread
    # (``_on_the_loop``).

    @_on_the_loop
    async def write_versioned(
        self,
        aclient: redis_async.Client,
        session_id: str,
        read: int,
        data: dict[str | int, Any],
        timeout: float | None,
    ) -> int | None:
        keyed = {self.key(session_id, part): value for part, value in data.items()}
        keys, args = self._commit_call(session_id, "", read, keyed, timeout)
        return _committed(await aclient.run(_COMMIT, keys, args))[0]

    @_on_the_loop
    async def release(self, aclient: redis_async.Client, session_id: str, owner: str) -> None:
        keys, args = self._commit_call(session_id, owner, 0, {}, None)
        await aclient.run(_COMMIT, keys, args)

    @_on_the_loop
    async def renew(self, aclient: redis_async.Client, session_id: str) -> None:
        name = redis_scripts.key_maker(self.cache)(self.key(session_id, "lock"))
        await aclient.call("PEXPIRE", name, int(setting("LOCK_TIMEOUT") * 1000))

    @_on_the_loop
    async def read_meta(
        self, aclient: redis_async.Client, session_id: str
    ) -> dict[str, Any] | None:
        name = redis_scripts.key_maker(self.cache)(self.key(session_id, "meta"))
        raw = await aclient.call("GET", name)
        return None if raw is None else self.cache.client.decode(raw)  # type: ignore[no-any-return]

    @_on_the_loop
    async def claim_end(self, aclient: redis_async.Client, session_id: str, timeout: float) -> bool:
        if timeout is None or int(timeout * 1000) <= 0:
            return await super().claim_end(session_id, timeout)  # as the cache's add() takes it
        name = redis_scripts.key_maker(self.cache)(self.key(session_id, "ended"))
        value = self.cache.client.encode(1)
        return await aclient.call("SET", name, value, "PX", int(timeout * 1000), "NX") is not None

    @_on_the_loop
    async def touch(
        self, aclient: redis_async.Client, blocks: Blocks, session_id: str, timeout: float
    ) -> None:
        name = redis_scripts.key_maker(self.cache)
        keys = [name(key) for key in self.keys(blocks, session_id)]
        await aclient.run(_TOUCH, keys, [int(timeout * 1000)])

    @_on_the_loop
    async def delete(self, aclient: redis_async.Client, blocks: Blocks, session_id: str) -> None:
        name = redis_scripts.key_maker(self.cache)
        await aclient.call("DEL", *[name(key) for key in self.keys(blocks, session_id)])

    @_on_the_loop
    async def schedule(self, aclient: redis_async.Client, member: str, due: float) -> None:
        await aclient.call("ZADD", str(self.index_key), due, member)

    @_on_the_loop
    async def cancel(self, aclient: redis_async.Client, member: str) -> None:
        await aclient.call("ZREM", str(self.index_key), member)

    @_on_the_loop
    async def pop_due(self, aclient: redis_async.Client, now: float, limit: int) -> list[str]:
        members = await aclient.run(_POP_DUE, [str(self.index_key)], [now, limit])
        return [m.decode() if isinstance(m, bytes) else m for m in members]


def _taken(reply: list[Any]) -> int | None:
    """The take script's reply: the stored version, or None if the lock is held."""
    return int(reply[1] or 0) if reply[0] else None


def _committed(reply: list[Any]) -> tuple[int | None, bool]:
    """The commit script's reply: the new version (None if nothing was written), and
    whether the lock was kept."""
    version = int(reply[0])
    return (None if version < 0 else version), bool(int(reply[1]))


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))

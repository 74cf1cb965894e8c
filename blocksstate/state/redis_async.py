"""redis-py's asyncio client beside a django-redis cache: the event path's scripts without a thread.

A django-redis call blocks, so from the event loop it goes through a thread: a hop
there and back per call, two per event. ``client(backend)`` gives instead a
``redis.asyncio.Redis`` on the same server, with the same connection settings, for the
calls an event makes: the session's scripts (``sessions/backends/redis.py``) and
GlobalState's reads, writes and lock (``state/global_store.py``).

- **Same settings.** It is built from the connection pool of the cache's own
  (writing) client, so whatever django-redis made of ``LOCATION`` and ``OPTIONS`` (host,
  port or socket path, db, username, password, ssl and its certificates, timeouts,
  ``CONNECTION_POOL_KWARGS``' ``max_connections``) holds for both.
- **Same values.** Only the transport changes: keys and values are still encoded by
  the cache's client (its serializer and compressor), so ``cache.get`` reads what a
  script wrote, and workers with and without this client share a cache.
- **One per event loop.** A connection belongs to the loop that opened it; tests and
  ``async_to_sync`` make many loops, so each loop gets its own client (kept as long as
  the loop lives).
- **Lean where it can.** On a plain TCP or Unix socket connection (no TLS, no
  credential provider) the client is ``redis_lean.LeanClient``: one pipelined
  connection, no pool, no timeout per call (``REDIS_LEAN_CLIENT`` False: redis-py's).
- **Or none.** With Sentinel (its pool finds the primary itself), Redis Cluster, an
  unknown connection class, redis-py without asyncio, or ``BLOCKSSTATE["REDIS_ASYNCIO"]``
  set to False, ``client`` returns None and the caller runs the synchronous client in a
  thread, as before.
"""

from __future__ import annotations

import asyncio
import os
import weakref
from typing import Any

from ..conf import setting
from . import redis_lean, redis_scripts
from .redis_lean import LeanClient as RedisLean

# Connection settings copied from the synchronous pool (the rest of its keyword arguments
# are redis-py's own internals: its parser, retry and notification objects).
_SETTINGS = frozenset(
    {
        "host",
        "port",
        "path",
        "db",
        "username",
        "password",
        "credential_provider",
        "client_name",
        "socket_timeout",
        "socket_connect_timeout",
        "socket_keepalive",
        "socket_keepalive_options",
        "socket_read_size",
        "health_check_interval",
        "retry_on_timeout",
        "encoding",
        "encoding_errors",
        "decode_responses",
        "protocol",
    }
)

_UNUSABLE = object()
# backend -> its asyncio settings (or _UNUSABLE); backend -> loop -> its LoopClient.
_settings: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_clients: weakref.WeakKeyDictionary[Any, weakref.WeakKeyDictionary[Any, LoopClient]] = (
    weakref.WeakKeyDictionary()
)


def _forget() -> None:
    _settings.clear()
    _clients.clear()


os.register_at_fork(after_in_child=_forget)


def _connection_class(sync_class: type) -> type | None:
    """The asyncio connection class that matches a synchronous one, or None."""
    import redis.asyncio.connection as aio
    import redis.connection as sync

    matching = {
        sync.Connection: aio.Connection,
        sync.SSLConnection: aio.SSLConnection,
        sync.UnixDomainSocketConnection: aio.UnixDomainSocketConnection,
    }
    return matching.get(sync_class)


def connection_settings(backend: Any) -> tuple[type, dict[str, Any], int] | None:
    """The asyncio connection class, its keyword arguments and the pool's size, from the
    pool of the cache's writing client; None if there is no asyncio equivalent."""
    if not redis_scripts.runs_scripts(backend):
        return None
    try:
        import redis.asyncio  # noqa: F401
    except ImportError:  # pragma: no cover - redis-py always has it since 4.2
        return None
    pool = getattr(redis_scripts.client(backend), "connection_pool", None)
    kind = _connection_class(getattr(pool, "connection_class", object))
    if kind is None:  # Redis Cluster (no pool), Sentinel (its own connection class)
        return None
    kwargs = pool.connection_kwargs  # type: ignore[union-attr]
    names = _SETTINGS | {name for name in kwargs if name.startswith("ssl_")}
    kept = {name: value for name, value in kwargs.items() if name in names}
    return kind, kept, pool.max_connections  # type: ignore[union-attr]


class LoopClient:
    """One event loop's ``redis.asyncio.Redis`` on a cache's server, and its scripts."""

    def __init__(self, kind: type, kwargs: dict[str, Any], size: int) -> None:
        import redis.asyncio
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff
        from redis.exceptions import ConnectionError

        # The synchronous pool finds a connection the server closed (a restart) before
        # using it; the asyncio one finds out by using it: one more try, on a new connection.
        retry = Retry(NoBackoff(), 1, supported_errors=(ConnectionError,))
        pool = redis.asyncio.ConnectionPool(
            connection_class=kind, max_connections=size, retry=retry, **kwargs
        )
        self.redis = redis.asyncio.Redis(connection_pool=pool)
        # Calls past the pool's size wait here (the pool itself would refuse them): a
        # semaphore costs less per call than redis-py's BlockingConnectionPool.
        self._limit = asyncio.Semaphore(size or 2**31)
        self._scripts: dict[str, Any] = {}

    async def run(self, source: str, keys: list[Any], args: list[Any]) -> Any:
        """Run the Lua script ``source`` by ``EVALSHA`` (it loads itself once if the
        server lacks it; its SHA is the synchronous client's, so both share the script)."""
        found = self._scripts.get(source)
        if found is None:
            found = self._scripts[source] = self.redis.register_script(source)
        async with self._limit:
            return await found(keys, args)

    async def call(self, *args: Any) -> Any:
        """Run one Redis command (``"MGET", key, ...``), its reply as redis-py parses it."""
        async with self._limit:
            return await self.redis.execute_command(*args)


# What ``client`` gives: both run a script (``run``) and a command (``call``) the same way.
Client = LoopClient | RedisLean


def client(backend: Any) -> Client | None:
    """This event loop's asyncio client for the cache's Redis, or None (use the threaded path).

    Call it from the event loop only.
    """
    if not setting("REDIS_ASYNCIO"):
        return None
    found = _settings.get(backend)
    if found is None:
        found = _settings[backend] = connection_settings(backend) or _UNUSABLE
    if found is _UNUSABLE:
        return None
    loop = asyncio.get_running_loop()
    per_loop = _clients.get(backend)
    if per_loop is None:
        per_loop = _clients[backend] = weakref.WeakKeyDictionary()
    made = per_loop.get(loop)
    if made is None:
        made = per_loop[loop] = _new_client(*found)
    return made


def _new_client(kind: type, kwargs: dict[str, Any], size: int) -> LoopClient | RedisLean:
    """The lean client where it can connect (``state/redis_lean.py``), else redis-py's."""
    import redis.asyncio.connection as aio

    plain = kind in (aio.Connection, aio.UnixDomainSocketConnection)
    if plain and setting("REDIS_LEAN_CLIENT") and redis_lean.supports(kwargs):
        return redis_lean.LeanClient(kwargs)
    return LoopClient(kind, kwargs, size)

"""Lua scripts on the Redis behind a Django cache: its client, its key names, and each
script registered once per client (sessions and GlobalState both use them).

A script runs atomically in Redis and costs one round trip, however many keys it
reads and writes. Values are encoded by the cache's own client, so ``cache.get``
reads what a script wrote and the other way round.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import default_key_func

_registered: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


# django-redis clients that write to one Redis (its primary, with Sentinel): the scripts' clients.
SCRIPT_CLIENTS = frozenset(
    {"django_redis.client.default.DefaultClient", "django_redis.client.sentinel.SentinelClient"}
)


def runs_scripts(backend: Any) -> bool:
    """Whether a cache backend is django-redis with its default or Sentinel client."""
    kind = f"{type(backend).__module__}.{type(backend).__qualname__}"
    if kind != "django_redis.cache.RedisCache":
        return False
    client = type(backend.client)
    return f"{client.__module__}.{client.__qualname__}" in SCRIPT_CLIENTS


def client(backend: Any) -> Any:
    """The cache's Redis client, for the calls a Django cache does not offer."""
    if hasattr(backend, "client"):  # django-redis
        return backend.client.get_client(write=True)
    # Django's RedisCache offers its client only through its private ``_cache``.
    return backend._cache.get_client(write=True)


def primary_reads(backend: Any) -> dict[str, Any]:
    """Keyword arguments that send a django-redis ``get`` or ``get_many`` to the primary,
    where the scripts write. Its reading client may be a replica (Sentinel's client, a
    ``LOCATION`` list), which need not have the last write yet: a session resumed at
    another worker would load an older state, a GlobalState increment would add to an
    older value, a lock would not be seen as ours and stay held until it expires."""
    return {"client": client(backend)}


def redis_key(backend: Any, key: str) -> str:
    """A key as it is named in Redis (with the cache's prefix and version)."""
    if hasattr(backend, "client"):  # django-redis
        return str(backend.client.make_key(key))
    return str(backend.make_key(key))


_key_makers: weakref.WeakKeyDictionary[Any, Callable[[str], str]] = weakref.WeakKeyDictionary()


def key_maker(backend: Any) -> Callable[[str], str]:
    """``redis_key`` for one backend, as a function: with Django's default ``KEY_FUNCTION``
    the name is formatted here (an event names 7 keys; django-redis' ``make_key`` builds
    a ``CacheKey`` through three attribute lookups each time)."""
    found = _key_makers.get(backend)
    if found is None:
        if getattr(backend, "key_func", None) is default_key_func:
            head = f"{backend.key_prefix}:{backend.version}:"

            def found(key: str) -> str:
                return head + key

        else:
            found = functools.partial(redis_key, backend)
        _key_makers[backend] = found
    return found


def script(backend: Any, source: str) -> Any:
    """The Lua script ``source`` registered on the backend's client (once per client)."""
    scripts = _registered.get(backend)
    if scripts is None:
        scripts = _registered[backend] = {}
    found = scripts.get(source)
    if found is None:
        found = scripts[source] = client(backend).register_script(source)
    return found

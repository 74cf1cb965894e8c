"""The cache backends blocksstate uses, and calling them from async code without blocking.

Django's ``caches[alias]`` is local to each asyncio context, and every WebSocket
connection runs in its own task: reading it from a consumer gives each connection a
backend of its own (with django-redis, a Redis client of its own, about 13 KB).
``cache_for`` keeps one backend per process and alias instead, for the backends
known to be safe to share between threads; any other backend is taken from
``caches`` as Django hands it out.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.signals import setting_changed

T = TypeVar("T")

# Backends whose instances may be used from several threads at once.
THREAD_SAFE_BACKENDS = frozenset(
    {
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.redis.RedisCache",
        "django.core.cache.backends.dummy.DummyCache",
        "django_redis.cache.RedisCache",
    }
)

_backends: dict[str, Any] = {}
_lock = threading.Lock()


def cache_for(alias: str) -> Any:
    """Return this process's backend for a cache alias (shared where that is safe)."""
    backend = _backends.get(alias)
    if backend is not None:
        return backend
    from django.core.cache import caches

    with _lock:
        backend = _backends.get(alias)
        if backend is None:
            backend = caches.create_connection(alias)
            if f"{type(backend).__module__}.{type(backend).__qualname__}" not in (
                THREAD_SAFE_BACKENDS
            ):
                return caches[alias]
            _backends[alias] = backend
    return backend


def _forget_backends(*, setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        with _lock:
            _backends.clear()


setting_changed.connect(_forget_backends)


def is_local(cache: Any) -> bool:
    """Whether a cache lives in this process's memory (its calls never block on I/O)."""
    return type(cache).__name__ == "LocMemCache"


async def cache_call(cache: Any, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(*args)``, a call on ``cache``, without blocking the event loop."""
    if is_local(cache):
        return fn(*args)
    return await asyncio.to_thread(fn, *args)

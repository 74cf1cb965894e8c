"""The session stores, and the one place that picks one: ``BLOCKSSTATE["SESSION_STORE"]``.

``SESSION_STORE`` is the dotted path of a ``SessionStore`` class, or None (the
default) to pick the store that fits the cache named by ``CACHE_ALIAS``.
"""

from __future__ import annotations

import functools
from typing import Any

from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from ...conf import setting
from ...state import redis_scripts
from ...state.caches import cache_for, is_local
from ..base import SessionStore

LOCMEM = "blocksstate.sessions.backends.locmem.SessionStore"
CACHE = "blocksstate.sessions.backends.cache.SessionStore"
REDIS = "blocksstate.sessions.backends.redis.SessionStore"
REDIS_WITHOUT_SCRIPTS = "blocksstate.sessions.backends.redis.RedisIndexStore"


def automatic_store(cache: Any) -> str:
    """The store that fits a cache backend: the choice made when ``SESSION_STORE`` is None."""
    if is_local(cache):
        return LOCMEM
    kind = f"{type(cache).__module__}.{type(cache).__qualname__}"
    if kind == "django_redis.cache.RedisCache":
        return REDIS if redis_scripts.runs_scripts(cache) else REDIS_WITHOUT_SCRIPTS
    if kind == "django.core.cache.backends.redis.RedisCache":
        return REDIS_WITHOUT_SCRIPTS
    return CACHE


@functools.cache
def _store_class(path: str | None, cache_alias: str) -> type[SessionStore]:
    return import_string(path or automatic_store(cache_for(cache_alias)))


def get_store(cache_alias: str | None = None) -> SessionStore:
    """The session store of this site (for ``cache_alias``, default ``CACHE_ALIAS``)."""
    alias = cache_alias or setting("CACHE_ALIAS")
    return _store_class(setting("SESSION_STORE"), alias)(alias)


def _forget_choice(*, setting: str, **kwargs: Any) -> None:
    if setting in ("CACHES", "BLOCKSSTATE"):
        _store_class.cache_clear()


setting_changed.connect(_forget_choice)

"""A ``LocMemCache``'s own storage, used directly for the two calls of every event.

Django's cache API costs a session's event five calls (read the version; ``incr`` it;
``set_many`` of the changed keys, a ``set`` each), and each call makes the key and
checks it for memcached character by character, and takes the cache's lock. This
adapter does the same work on the same storage in one lock hold per call: the
version read when the lock is taken, and the versioned write. What it keeps as the
cache API does, so every other reader (``caches[alias].get``, the admin, the sweep,
``clear()``) sees the same thing:

- the same keys (the cache's ``make_key``: its ``KEY_PREFIX``, ``VERSION``, key function);
- the same stored form: each value pickled at the cache's protocol, so a stored value
  never changes when the handler mutates the live object afterwards;
- the same expiry (``_expire_info``, the cache's timeout rules) and culling at
  ``MAX_ENTRIES`` (the cache's own ``_set``).

What it skips is memcached's key validation: it only warns, and the store's keys are
short ASCII without spaces (a prefix, a URL-safe session id, a part name).
"""

from __future__ import annotations

import pickle
from typing import Any

from django.core.cache.backends.base import default_key_func

# The parts of ``LocMemCache`` used (stable since Django 2.1); without them, the cache API.
_NEEDED = (
    "_cache",
    "_expire_info",
    "_lock",
    "_max_entries",
    "_cull",
    "_has_expired",
    "_delete",
    "make_key",
    "get_backend_timeout",
)


class LocMemStorage:
    """The storage behind one ``LocMemCache`` (shared by every instance of its ``LOCATION``)."""

    __slots__ = ("cache", "data", "lock", "protocol", "key_head")

    def __init__(self, cache: Any) -> None:
        self.cache = cache
        self.data = cache._cache
        self.lock = cache._lock
        self.protocol = getattr(cache, "pickle_protocol", pickle.HIGHEST_PROTOCOL)
        # With Django's own key function a key is this, then the store's key: made in one step.
        self.key_head: str | None = None
        if getattr(cache, "key_func", None) is default_key_func:
            self.key_head = f"{cache.key_prefix}:{cache.version}:"

    def make_key(self, key: str) -> str:
        """``cache.make_key(key)``."""
        head = self.key_head
        return head + key if head is not None else self.cache.make_key(key)

    @classmethod
    def of(cls, cache: Any) -> LocMemStorage | None:
        """The adapter for ``cache``, or None if it is not a ``LocMemCache`` as this one knows it."""
        return cls(cache) if all(hasattr(cache, name) for name in _NEEDED) else None

    def get(self, key: str, default: Any = None) -> Any:
        """``cache.get(key, default)``."""
        cache = self.cache
        key = self.make_key(key)
        with self.lock:
            if cache._has_expired(key):
                cache._delete(key)
                return default
            pickled = self.data[key]
            self.data.move_to_end(key, last=False)
        return pickle.loads(pickled)

    def write_versioned(
        self, version_key: str, read: int, data: dict[str, Any], timeout: float | None
    ) -> int | None:
        """Store ``data`` and version ``read + 1`` if the version stored is ``read``, at once.

        Return the new version, or None, changing nothing, if the stored version moved
        on. A missing version (new session, or expired) counts as ``read``; it is then
        stored with ``timeout``, as the keys are; an existing one keeps its expiry.
        """
        cache, protocol, stored = self.cache, self.protocol, self.data
        make_key = self.make_key
        version_key = make_key(version_key)
        pickled = [(make_key(key), pickle.dumps(value, protocol)) for key, value in data.items()]
        version = read + 1
        with self.lock:
            # The cache's ``_set`` for each key, with the expiry worked out once.
            expires, limit, expire_info = (
                cache.get_backend_timeout(timeout),
                cache._max_entries,
                cache._expire_info,
            )
            if cache._has_expired(version_key):
                cache._delete(version_key)
                pickled.append((version_key, pickle.dumps(version, protocol)))
            elif pickle.loads(stored[version_key]) != read:
                return None
            else:
                stored[version_key] = pickle.dumps(version, protocol)
                stored.move_to_end(version_key, last=False)
            for key, value in pickled:
                if len(stored) >= limit:
                    cache._cull()
                stored[key] = value
                stored.move_to_end(key, last=False)
                expire_info[key] = expires
        return version

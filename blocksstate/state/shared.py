"""Global tier: ``GlobalState``, one value shared by every user of every worker.

The value lives in the cache named by ``CACHE_ALIAS`` (Redis in production).
``incr`` is atomic in the cache itself; ``update`` and an event that has the
GlobalState as both input and output hold a cache lock for the read-modify-
write, so concurrent updates from many workers lose nothing. When an event
changes the value, every connected session of the app runs its ``.change``
listeners (the consumer relays the change through a channel-layer group).
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from ..components.state import State
from ..conf import setting
from . import serializers

_defaults_by_key: dict[str, bytes] = {}
_defaults_lock = threading.Lock()


class GlobalStateError(Exception):
    """A GlobalState is misused: a clashing key, or a value that cannot be stored."""


class GlobalState(State):
    """A value shared by all users of all workers; ``.get()``, ``.set()``, ``.update()``, ``.incr()``."""

    shared = True
    chooses_serializer = False

    def __init__(self, value: Any = None, *, key: str, render: bool = True) -> None:
        if not isinstance(key, str) or not key or len(key) > 200:
            raise GlobalStateError(
                "GlobalState needs a key: a non-empty string of at most 200 characters"
            )
        super().__init__(value, render=render)
        self.key = key  # after Block.__init__, whose own ``key`` (a render key) is None here
        if self.default_bytes is None:
            raise GlobalStateError(
                f"GlobalState {key!r}: the default must be a value, not a callable"
            )
        with _defaults_lock:
            known = _defaults_by_key.setdefault(key, self.default_bytes)
        if known != self.default_bytes:
            raise GlobalStateError(
                f"GlobalState key {key!r} is already used with another default ({serializers.loads(known)!r}); give each shared value its own key, or the same default"
            )

    def __repr__(self) -> str:
        return f"GlobalState {self.key!r} (id {self.id})"

    # -- storage -----------------------------------------------------------------

    @property
    def cache(self) -> Any:
        from .io import cache_for

        return cache_for(setting("CACHE_ALIAS"))

    @property
    def cache_key(self) -> str:
        return f"{setting('KEY_PREFIX')}:global:{self.key}"

    @property
    def group(self) -> str:
        """The channel-layer group told about changes (names allow only a few characters)."""
        return "blocksstate.global." + hashlib.sha256(self.key.encode()).hexdigest()[:32]

    def get(self) -> Any:
        """Return the current shared value (the default until something is set)."""
        value = self.cache.get(self.cache_key, _MISSING)
        return serializers.loads(self.default_bytes) if value is _MISSING else value  # type: ignore[arg-type]

    def set(self, value: Any) -> None:
        """Replace the shared value."""
        self.dumps(value)  # a value that cannot be stored fails here, naming this GlobalState
        self.cache.set(self.cache_key, value, None)

    def update(self, fn: Callable[[Any], Any]) -> Any:
        """Apply ``fn`` to the value atomically across workers; return the new value."""
        with self.locked():
            value = fn(self.get())
            self.set(value)
        return value

    def incr(self, n: int = 1) -> int:
        """Add ``n`` atomically (the value must be an integer); return the new value."""
        cache = self.cache
        try:
            return cache.incr(self.cache_key, n)
        except ValueError:  # not stored yet
            default = serializers.loads(self.default_bytes)  # type: ignore[arg-type]
            if not isinstance(default, int) or isinstance(default, bool):
                raise GlobalStateError(
                    f"{self!r}: incr() needs an integer value, not {default!r}"
                ) from None
            if cache.add(self.cache_key, default + n, None):
                return default + n
            return cache.incr(self.cache_key, n)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold this value's lock (across workers) for a read-modify-write."""
        owner = self.acquire()
        try:
            yield
        finally:
            self.release(owner)

    def acquire(self) -> str:
        """Take this value's lock, waiting up to ``LOCK_WAIT`` seconds; return the owner token."""
        cache, key, owner = self.cache, f"{self.cache_key}:lock", secrets.token_hex(8)
        deadline = time.monotonic() + setting("LOCK_WAIT")
        delay = 0.001
        while not cache.add(key, owner, setting("LOCK_TIMEOUT")):
            if time.monotonic() > deadline:
                raise GlobalStateError(
                    f"{self!r} stayed locked for more than {setting('LOCK_WAIT')} s"
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        return owner

    def release(self, owner: str) -> None:
        """Give the lock back, if it is still ours."""
        key = f"{self.cache_key}:lock"
        if self.cache.get(key) == owner:
            self.cache.delete(key)


_MISSING = object()

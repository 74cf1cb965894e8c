"""``GlobalState``: one value shared by every user of every worker, changeable from anywhere.

The value lives in the cache named by ``CACHE_ALIAS`` (Redis in production) with a
version, both written in one atomic step (``state/global_store.py``). Every change,
made by an event or by any Django code (a view, an admin action, a signal, a
management command, a task worker sharing the cache and the channel layer), is
announced on the channel layer (``state/global_news.py``), and every connected
session of every app that uses the key runs the state's ``.change`` listeners once.

``get``, ``set``, ``update`` and ``incr`` are for synchronous code; from async code
use ``aget``, ``aset``, ``aupdate`` and ``aincr`` (the synchronous ones refuse to
block a running event loop, as Django's ORM does).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.core.exceptions import SynchronousOnlyOperation

from ..conf import setting
from ..loop_safety import note_sync_only
from ..state import global_news, serializers
from ..state.caches import cache_for
from ..state.global_store import MISSING, GlobalLockTimeout, GlobalStore, NotAnInteger, store_for
from .state import State

F = TypeVar("F", bound=Callable[..., Any])

_declared: dict[str, GlobalState] = {}
_declared_lock = threading.Lock()


class GlobalStateError(Exception):
    """A GlobalState is misused: a clashing key, or a value that cannot be stored."""


def _sync_only(method: F) -> F:
    """Refuse to run ``method`` on a running event loop (it would block every page)."""
    name = method.__name__

    @functools.wraps(method)
    def checked(self: GlobalState, *args: Any, **kwargs: Any) -> Any:
        note_sync_only()  # a handler that calls it never runs on the loop (engine/inline.py)
        if not os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE"):
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                raise SynchronousOnlyOperation(
                    f"{self!r}.{name}() waits for the cache and cannot be called from async "
                    f"code (it would block the event loop); use `await state.a{name}(...)`."
                )
        return method(self, *args, **kwargs)

    return checked  # type: ignore[return-value]


def declared(key: str) -> GlobalState:
    """The GlobalState declared with ``key`` in this process (for templates and commands)."""
    found = _declared.get(key)
    if found is None:
        known = ", ".join(repr(k) for k in declared_keys()) or "none"
        raise GlobalStateError(
            f"No GlobalState has the key {key!r} in this process (declared: {known}). "
            "Declare it in an app's blocks.py, or import the module that declares it."
        )
    return found


def declared_keys() -> list[str]:
    """The keys of the GlobalStates declared in this process, sorted."""
    return sorted(_declared)


class GlobalState(State):
    """A value shared by all users of all workers, changed from any Django code; pages update live.

    ``get``/``set``/``update``/``incr``, and from async code ``aget``/``aset``/``aupdate``/``aincr``.
    """

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
        with _declared_lock:
            known = _declared.setdefault(key, self)
        if known.default_bytes != self.default_bytes:
            raise GlobalStateError(
                f"GlobalState key {key!r} is already used with another default ({known.default!r}); give each shared value its own key, or the same default"
            )

    def __repr__(self) -> str:
        return f"GlobalState {self.key!r} (id {self.id})"

    @classmethod
    def named(cls, key: str) -> GlobalState:
        """The GlobalState declared with ``key`` in this process (its apps are loaded at start)."""
        return declared(key)

    @property
    def default(self) -> Any:
        """A fresh copy of the default value."""
        return serializers.loads(self.default_bytes)  # type: ignore[arg-type]

    # -- where it lives ------------------------------------------------------------------------

    @property
    def cache(self) -> Any:
        return cache_for(setting("CACHE_ALIAS"))

    @property
    def store(self) -> GlobalStore:
        return store_for(self.cache)

    @property
    def cache_key(self) -> str:
        # The key is a Redis hash tag: its value, version and lock share one Cluster slot.
        return f"{setting('KEY_PREFIX')}:global:{{{self.key}}}"

    @property
    def group(self) -> str:
        """The channel-layer group told about changes."""
        return global_news.group(self.key)

    # -- without announcing (blocking; the ``a``-ones below for the event loop) ---------

    def read(self) -> tuple[Any, int]:
        """The current value (the default until something is set) and its version."""
        value, version = self.store.read(self.cache_key)
        return (self.default if value is MISSING else value), version

    async def aread(self) -> tuple[Any, int]:
        """``read`` from the event loop."""
        value, version = await self.store.aread(self.cache_key)
        return (self.default if value is MISSING else value), version

    def version(self) -> int:
        """The current version (0: never written)."""
        return self.store.versions([self.cache_key])[self.cache_key]

    def write(self, value: Any, locked: bool = False) -> int:
        """Store ``value`` with the next version; return it (``locked``: the lock is held)."""
        self.dumps(value)  # a value that cannot be stored fails here, naming this GlobalState
        with self._store_errors():
            return self.store.write(self.cache_key, value, locked)

    async def awrite(self, value: Any, locked: bool = False) -> int:
        """``write`` from the event loop."""
        self.dumps(value)
        with self._store_errors():
            return await self.store.awrite(self.cache_key, value, locked)

    def _update(self, fn: Callable[[Any], Any]) -> tuple[Any, int]:
        with self.locked():
            value = fn(self.read()[0])
            return value, self.write(value, locked=True)

    def _incr_default(self, n: int) -> int:
        """The default ``incr`` adds ``n`` to; raises if either is not an integer."""
        if not isinstance(n, int) or isinstance(n, bool):
            raise GlobalStateError(f"{self!r}: incr() adds an integer, not {n!r}")
        default = self.default
        if not isinstance(default, int) or isinstance(default, bool):
            raise GlobalStateError(f"{self!r}: incr() needs an integer value, not {default!r}")
        return default

    def _incr(self, n: int) -> tuple[int, int]:
        default = self._incr_default(n)
        with self._store_errors():
            return self.store.incr(self.cache_key, n, default)

    async def _aincr(self, n: int) -> tuple[int, int]:
        default = self._incr_default(n)
        with self._store_errors():
            return await self.store.aincr(self.cache_key, n, default)

    @contextlib.contextmanager
    def _store_errors(self) -> Iterator[None]:
        """The store's errors as ``GlobalStateError``s naming this GlobalState."""
        try:
            yield
        except NotAnInteger as exc:
            raise GlobalStateError(
                f"{self!r}: incr() needs an integer value, not {exc.args[0]!r}"
            ) from None
        except GlobalLockTimeout:
            raise self._lock_error() from None

    # -- from synchronous code -------------------------------------------------------------------

    @_sync_only
    def get(self) -> Any:
        """Return the current shared value (the default until something is set)."""
        return self.read()[0]

    @_sync_only
    def set(self, value: Any) -> None:
        """Replace the shared value, and tell every page."""
        global_news.announce(self.key, self.write(value))

    @_sync_only
    def update(self, fn: Callable[[Any], Any]) -> Any:
        """Apply ``fn`` to the value atomically across processes, tell every page; return it."""
        value, version = self._update(fn)
        global_news.announce(self.key, version)
        return value

    @_sync_only
    def incr(self, n: int = 1) -> int:
        """Add ``n`` atomically (the value must be an integer), tell every page; return it."""
        value, version = self._incr(n)
        global_news.announce(self.key, version)
        return value

    # -- from async code ---------------------------------------------------------------------------

    async def aget(self) -> Any:
        """``get`` for async code."""
        return (await self.aread())[0]

    async def aset(self, value: Any) -> None:
        """``set`` for async code."""
        await global_news.aannounce(self.key, await self.awrite(value))

    async def aupdate(self, fn: Callable[[Any], Any]) -> Any:
        """``update`` for async code (``fn`` is a plain function, run in a thread)."""
        value, version = await asyncio.to_thread(self._update, fn)
        await global_news.aannounce(self.key, version)
        return value

    async def aincr(self, n: int = 1) -> int:
        """``incr`` for async code."""
        value, version = await self._aincr(n)
        await global_news.aannounce(self.key, version)
        return value

    # -- the lock of a read-modify-write -------------------------------------------------------------

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold this value's lock (across processes) for a read-modify-write."""
        owner = self.acquire()
        try:
            yield
        finally:
            self.release(owner)

    def acquire(self) -> str:
        """Take this value's lock, waiting up to ``LOCK_WAIT`` seconds; return the owner token."""
        with self._store_errors():
            return self.store.acquire(self.cache_key)

    def release(self, owner: str) -> None:
        """Give the lock back, if it is still ours."""
        self.store.release(self.cache_key, owner)

    async def aacquire(self) -> str:
        """``acquire`` from the event loop."""
        with self._store_errors():
            return await self.store.aacquire(self.cache_key)

    async def arelease(self, owner: str) -> None:
        """``release`` from the event loop."""
        await self.store.arelease(self.cache_key, owner)

    async def atake_read(self) -> tuple[str, Any, int, Any]:
        """Take this value's lock and read it (one round trip on django-redis): the owner,
        the value, its version, and the value as the store holds it (None: not known)."""
        with self._store_errors():
            owner, value, version, stored = await self.store.atake_read(self.cache_key)
        return owner, (self.default if value is MISSING else value), version, stored

    async def awrite_changed(self, value: Any, owner: str, stored: Any) -> int | None:
        """Store ``value`` and let go of the lock ``owner`` holds (one round trip on
        django-redis), unless it is the value stored (``stored``, from ``atake_read``):
        then None, and the lock is still held."""
        pickled = self.dumps(value)  # a value that cannot be stored fails here, naming this
        encoded = self.store.encoded(value)
        if stored is not None and encoded is not None:
            if encoded == stored:
                return None
        elif self.dumps((await self.aread())[0]) == pickled:  # never written, or not known
            return None
        with self._store_errors():
            return await self.store.awrite_release(self.cache_key, value, owner, encoded)

    def _lock_error(self) -> GlobalStateError:
        return GlobalStateError(f"{self!r} stayed locked for more than {setting('LOCK_WAIT')} s")

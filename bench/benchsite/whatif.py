"""What-if patches, for sizing proposed changes to the package (never for the figures).

``BENCH_WHATIF`` names patches applied to this server process only, nothing in the
package is edited; ``run.py --what-if NAME,...`` sets it and labels the results.

- ``no_close_old_connections``: the consumer skips Channels' per-message
  ``aclose_old_connections()`` (a ``sync_to_async`` thread hop per frame), as a
  ``BlocksConsumer.dispatch`` override would; the event path uses no database.
- ``inline_handlers``: synchronous handlers run on the event loop, not in the
  handler thread pool (what a per-dependency "fast handler" option would do).
- ``no_lock_locmem``: no cross-worker session lock when the cache is a per-process
  LocMemCache (one worker: the connection's queue already orders a session's events).
- ``shared_cache_backend``: one cache backend object per process for the session
  store, instead of one per connection (``caches[alias]`` is per async context).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import os
from typing import Any

PATCHES = ("no_close_old_connections", "inline_handlers", "no_lock_locmem", "shared_cache_backend")


class InlineExecutor(concurrent.futures.Executor):
    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


class SameVersion:
    """Equal to any stored version: "nobody else wrote", true with one worker."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    __hash__ = None  # type: ignore[assignment]


def apply() -> list[str]:
    names = [n.strip() for n in os.environ.get("BENCH_WHATIF", "").split(",") if n.strip()]
    unknown = set(names) - set(PATCHES)
    if unknown:
        raise SystemExit(f"unknown BENCH_WHATIF patch(es): {sorted(unknown)}; known: {PATCHES}")
    if "no_close_old_connections" in names:
        from channels.consumer import get_handler_name

        from blocksstate.consumers import BlocksConsumer

        async def dispatch(self: Any, message: dict[str, Any]) -> None:
            handler = getattr(self, get_handler_name(message), None)
            if handler is None:
                raise ValueError(f"No handler for message type {message['type']}")
            await handler(message)

        BlocksConsumer.dispatch = dispatch  # type: ignore[method-assign]
    if "inline_handlers" in names:
        from blocksstate import engine

        inline = InlineExecutor()
        engine.handler_executor = lambda: inline  # type: ignore[assignment]
    if "no_lock_locmem" in names or "shared_cache_backend" in names:
        from django.core.cache import caches

        from blocksstate.state.session import SessionStore

        if "shared_cache_backend" in names:
            backend = functools.cache(caches.create_connection)
            SessionStore.cache = property(lambda self: backend(self.cache_alias))  # type: ignore[assignment]
        if "no_lock_locmem" in names:
            original = SessionStore.locked

            @contextlib.asynccontextmanager
            async def locked(self: Any, session_id: str) -> Any:
                if type(self.cache).__name__ == "LocMemCache":
                    yield SameVersion()
                    return
                async with original(self, session_id) as version:
                    yield version

            SessionStore.locked = locked  # type: ignore[method-assign]
    return names

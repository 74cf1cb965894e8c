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
- ``disconnect_first``: the consumer tells the connection the socket closed before
  it leaves its channel-layer groups, and a layer error there is logged, not raised
  (so a burst of disconnects cannot leave sessions alive).
- ``shared_cache_backend``: one cache backend object per process and alias, instead
  of one per connection (Django's ``caches[alias]`` is local to each asyncio context,
  and the session store, the expiry index and the global tier all ask for it).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import os
from typing import Any

PATCHES = (
    "no_close_old_connections",
    "inline_handlers",
    "no_lock_locmem",
    "shared_cache_backend",
    "disconnect_first",
)


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
    if "disconnect_first" in names:
        import logging

        from blocksstate.consumers import BlocksConsumer

        original_disconnect = BlocksConsumer.disconnect

        async def disconnect(self: Any, code: int) -> None:
            connection, self.connection = self.connection, None
            if connection is not None:
                await connection.disconnect()
            try:
                await original_disconnect(self, code)  # leaves the groups
            except Exception:
                logging.getLogger("blocksstate").warning(
                    "leaving channel-layer groups failed", exc_info=True
                )

        BlocksConsumer.disconnect = disconnect  # type: ignore[method-assign]
    if "inline_handlers" in names:
        import importlib

        inline = InlineExecutor()
        for module_name in ("blocksstate.handlers", "blocksstate.engine"):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(module, "handler_executor"):
                module.handler_executor = lambda: inline  # type: ignore[attr-defined]
    if "no_lock_locmem" in names or "shared_cache_backend" in names:
        from django.core.cache import caches

        from blocksstate.state.session import SessionStore

        if "shared_cache_backend" in names:
            # Every ``caches[alias]`` of the process (session store, expiry index, global
            # state...) returns one backend per alias, not one per asyncio context.
            backend = functools.cache(caches.create_connection)
            type(caches).__getitem__ = lambda self, alias: backend(alias)  # type: ignore[method-assign]
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

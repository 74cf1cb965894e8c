"""What-if patches, for sizing proposed changes to the package (never for the figures).

``BENCH_WHATIF`` names patches applied to this server process only, nothing in the
package is edited; ``run.py --what-if NAME,...`` sets it and labels the results.

- ``inline_handlers``: synchronous handlers run on the event loop, not in the
  handler thread pool (what a per-dependency "fast handler" option would do).
- ``no_lock_locmem``: no session lock at all when the cache is a per-process
  LocMemCache (one worker: the connection's queue already orders a session's events).
- ``answer_only``: a page's event is decoded and answered with what the counter would
  show (its ``update`` and ``done``, in one message, as the package sends them), and
  nothing is run: no session, no engine, no activity. What is left is the floor of
  our own stack (daphne, the consumer, ``Connection.receive``, ``FramesOut``), so the
  event path's own share is the difference (docs/performance.md, "eighth pass").
- ``redis_reply_unread``: with Redis (the lean client), a commit that keeps the page's
  lease is sent and not waited for, and its reply is not read (the connection stops
  reading until its next command): the ceiling of answering the page before the
  commit's reply and confirming it at the session's next event. Not safe (a failed
  commit goes unnoticed): it sizes that design ("eleventh pass").
- ``redis_commit_unsent``: with Redis, a commit that keeps the page's lease is built
  (keys, values encoded, the command packed) and not sent; it is taken as written.
  What is left above embedded is the Redis path without its round trip; the store
  keeps nothing (each event reads the version it wrote last in this process only).

Patches that sized changes since made in the package (``no_close_old_connections``,
``shared_cache_backend``, ``disconnect_first``, ``gc_freeze``, ``gc_threshold``) are gone; see
``docs/performance.md``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
from collections.abc import Callable
from typing import Any

PATCHES = (
    "inline_handlers",
    "no_lock_locmem",
    "answer_only",
    "redis_reply_unread",
    "redis_commit_unsent",
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
    if "inline_handlers" in names:
        import importlib

        inline = InlineExecutor()
        for module_name in ("blocksstate.engine.handlers", "blocksstate.engine.runner"):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(module, "handler_executor"):
                module.handler_executor = lambda: inline  # type: ignore[attr-defined]
    if "no_lock_locmem" in names:
        from blocksstate.sessions.base import SessionStore

        original = SessionStore.locked

        @contextlib.asynccontextmanager
        async def locked(self: Any, session_id: str) -> Any:
            if type(self.cache).__name__ == "LocMemCache":
                yield SameVersion()
                return
            async with original(self, session_id) as version:
                yield version

        SessionStore.locked = locked  # type: ignore[method-assign]
    if "answer_only" in names:
        answer_only()
    if "redis_reply_unread" in names:
        redis_reply_unread()
    if "redis_commit_unsent" in names:
        redis_commit_unsent()
    return names


def answer_only() -> None:
    from blocksstate import protocol
    from blocksstate.components.state import State
    from blocksstate.conf import setting
    from blocksstate.transport.connection import Connection

    receive = Connection.receive
    counts: dict[str, int] = {}  # by session: the counter's count

    async def answering(self: Any, text: str | None) -> None:
        session = self.session
        if session is None:
            return await receive(self, text)
        try:
            frame = protocol.decode(text, setting("MAX_FRAME_BYTES"))
        except protocol.ProtocolError:
            frame = None
        if not isinstance(frame, protocol.EventFrame):
            return await receive(self, text)
        self._liveness.watchdog.seen()
        count = counts[session.id] = counts.get(session.id, 0) + 1
        shown = {
            str(c.id): {"value": count}
            for c in self.blocks.dependency(frame.dep).outputs
            if not isinstance(c, State)
        }
        await self.send(protocol.update(frame.seq, frame.dep, shown))
        await self.send(protocol.done(frame.seq, True))

    Connection.receive = answering  # type: ignore[method-assign]


def _leased_commit(instead: Callable[[Any, bytes], bool]) -> None:
    """Patch the Redis store's commit on a lease: its command is built as the package
    builds it, then given to ``instead(client, command)``. If that returns True the
    commit is taken as written (the version read, plus one if anything changed; the
    lease kept); else the package's commit runs."""
    from blocksstate.sessions.backends import redis as backend
    from blocksstate.state import redis_async

    write_and_keep = backend.SessionStore.write_and_keep

    async def patched(
        self: Any, session_id: str, owner: str, read: int, data: Any, timeout: Any, lease: float
    ) -> tuple[int | None, bool]:
        aclient = redis_async.client(self.cache)
        sha = getattr(aclient, "_shas", {}).get(backend._COMMIT)  # the package's first call
        if lease and sha is not None:
            keyed = {self.key(session_id, part): value for part, value in data.items()}
            keys, args = self._commit_call(session_id, owner, read, keyed, timeout, lease)
            if instead(aclient, aclient.pack((b"EVALSHA", sha, len(keys), *keys, *args))):
                return (read + 1 if data else read), True
        return await write_and_keep(self, session_id, owner, read, data, timeout, lease)

    backend.SessionStore.write_and_keep = patched  # type: ignore[method-assign]


def redis_reply_unread() -> None:
    from blocksstate.state import redis_lean

    def unread(aclient: Any, command: bytes) -> bool:
        connection = getattr(aclient, "_connection", None)
        if connection is None or connection.lost is not None:
            return False
        sent = connection.send(command)
        sent.add_done_callback(lambda future: future.cancelled() or future.exception())
        connection.transport.pause_reading()
        connection.unread = True
        return True

    send = redis_lean._Connection.send

    def resuming(self: Any, command: bytes) -> Any:
        if not getattr(self, "unread", False):
            return send(self, command)
        self.unread = False
        self.transport.resume_reading()
        if self.outgoing:
            return send(self, command)
        # Written at once, as on an idle connection; the unread replies stay first in line.
        older = list(self.waiting)
        self.waiting.clear()
        future = send(self, command)
        self.waiting.extendleft(reversed(older))
        return future

    _leased_commit(unread)
    redis_lean._Connection.send = resuming  # type: ignore[method-assign]


def redis_commit_unsent() -> None:
    _leased_commit(lambda aclient, command: True)

"""The recorder: hooks that note activity in memory, and the flusher that writes it in batches.

The hooks run on the event path and touch memory only. The flusher, one task
per process started lazily from the event loop, hands what was noted to one
writer thread every ``ACTIVITY_FLUSH_SECONDS`` (sooner when much is waiting).
A batch the database refuses is put back and retried, after a delay that doubles
with each failure (up to ``RETRY_AT_MOST`` seconds, no early wake meanwhile); past
``ACTIVITY_BUFFER_SIZE`` records the oldest are dropped, counted and reported.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..conf import get_config, setting
from .describe import describe_scope
from .records import Batch, EventRecord, NotedEvent, SessionRecord
from .retention import purge_in_thread
from .writer import end_failed_transaction, write_batch

if TYPE_CHECKING:
    from ..app.events import Dependency
    from ..sessions.session import Session

logger = logging.getLogger("blocksstate")

# Seconds between two records of a connected session's heartbeat (its "last seen").
SEEN_EVERY = 30.0
# Seconds between two warnings about failed writes or dropped records.
WARN_EVERY = 60.0
# Seconds between two retention runs of the sweep in one process.
PURGE_EVERY = 3600.0
# Records waiting that wake the flusher before its next tick.
URGENT_SIZE = 1000
# Most seconds between two attempts while the database refuses writes (a missing table
# retried at every urgent wake cost as much CPU as the events themselves).
RETRY_AT_MOST = 60.0


# How much lower than the server's the writer thread's OS priority is (Linux "nice").
# At +10 the kernel gives it about a tenth of a core the event loop keeps busy: more
# than the writes need (a few per cent of an event's CPU), so nothing piles up.
WRITER_NICENESS = 10


def _lower_priority() -> None:
    """Let the writer thread yield the CPU to the event loop when both want it.

    A flush of a thousand events takes about 15 ms of CPU, much of it in SQLite
    without the GIL; on a worker given one core it would share that core equally
    with the event loop, and every event in flight would wait for it. On Linux a
    thread has its own nice value; elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + WRITER_NICENESS))


_new_tuple = tuple.__new__


def _now() -> datetime:
    return datetime.now(UTC)


class Recorder:
    """Notes activity in memory and writes it in batches; one per process (``recorder``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionRecord] = {}
        self._events: deque[EventRecord | NotedEvent] = deque()
        self._seen: dict[str, float] = {}
        # One writer thread: batches are written in order, and a flush that awaits its
        # own batch knows every earlier one is written too.
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="blocksstate-activity", initializer=_lower_priority
        )
        self._flusher: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._flushing: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self.dropped = 0
        self.failures = 0  # writes refused in a row: the flusher waits longer after each
        self._dropped_reported = 0
        self._last_warning: dict[str, float] = {}
        self._last_purge: float | None = None

    # -- hooks (called on the event path: memory only) ------------------------------------

    def session_started(self, session: Session, scope: Mapping[str, Any] | None = None) -> None:
        """A page said hello and got a new session."""
        self._started(session, scope)

    def session_resumed(self, session: Session, scope: Mapping[str, Any] | None = None) -> None:
        """A page came back to its session (on this worker or another)."""
        self._started(session, scope)

    def _started(self, session: Session, scope: Mapping[str, Any] | None) -> None:
        if not setting("RECORD_SESSIONS"):
            return
        now = _now()
        created = describe_scope(scope or {})
        created["connected_at"] = datetime.fromtimestamp(session.created, UTC)
        created["rejected_tokens"] = session.rejected_tokens
        self._note(SessionRecord(session.id, session.app, created=created, last_seen=now))

    def event_finished(
        self,
        session: Session,
        dependency: Dependency | int | None,
        started: float,
        duration: float,
        ok: bool,
        error: str = "",
    ) -> None:
        """An event was answered; ``started`` is a ``time.time()``, ``duration`` in seconds."""
        config = get_config()  # one look-up for the three settings (this runs per event)
        if not config["RECORD_SESSIONS"]:
            return
        event = None
        if config["EVENT_LOG"]:
            # Described in words, dated and redacted in the writer thread, when written.
            # (tuple.__new__: NotedEvent(...) is a Python-level __new__, twice the cost.)
            event = _new_tuple(
                NotedEvent, (session.id, dependency, started, duration, ok, error, session.request)
            )
        self._note(None, event, (session, ok), config["ACTIVITY_BUFFER_SIZE"])

    def session_seen(self, session: Session) -> None:
        """A connected session is alive (its keepalive); noted at most every ``SEEN_EVERY`` s."""
        if not setting("RECORD_SESSIONS"):
            return
        now = time.monotonic()
        with self._lock:
            if now - self._seen.get(session.id, -SEEN_EVERY) < SEEN_EVERY:
                return
            self._seen[session.id] = now
        self._note(SessionRecord(session.id, session.app, last_seen=_now()))

    def session_ended(self, session: Session, reason: str = "") -> None:
        """A session ended (page closed, connection not resumed, worker gone, administrator)."""
        with self._lock:
            self._seen.pop(session.id, None)
        if not setting("RECORD_SESSIONS"):
            return
        now = _now()
        self._note(
            SessionRecord(
                session.id, session.app, last_seen=None, closed_at=now, closed_reason=reason
            )
        )

    def _note(
        self,
        record: SessionRecord | None,
        event: NotedEvent | None = None,
        answered: tuple[Session, bool] | None = None,
        buffer_size: int | None = None,
    ) -> None:
        """Keep ``record`` and ``event`` for the writer; ``answered``: a session's event and
        whether it went well, added to its pending record (all under one hold of the lock)."""
        limit = max(1, int(setting("ACTIVITY_BUFFER_SIZE") if buffer_size is None else buffer_size))
        now = _now() if answered is not None else None
        with self._lock:
            if answered is not None:
                # Added to the session's pending record in place: one per session per flush.
                session, ok = answered
                pending = self._sessions.get(session.id)
                if pending is None:
                    pending = self._sessions[session.id] = SessionRecord(session.id, session.app)
                pending.last_seen = now
                pending.events += 1
                pending.errors += not ok
            if record is not None:
                self._note_locked(record)
            if event is not None:
                self._events.append(event)
            self._trim(limit)
            size = len(self._sessions) + len(self._events)
        self._ensure_flusher(urgent=size >= min(URGENT_SIZE, limit // 2))

    def _trim(self, limit: int) -> None:
        """Drop the oldest records past ``limit``: events first, then whole sessions."""
        while len(self._events) + len(self._sessions) > limit and self._events:
            self._events.popleft()
            self.dropped += 1
        while len(self._sessions) > limit:
            del self._sessions[next(iter(self._sessions))]
            self.dropped += 1

    @property
    def pending(self) -> int:
        """Records waiting to be written."""
        with self._lock:
            return len(self._sessions) + len(self._events)

    # -- flushing ------------------------------------------------------------------------------

    def _ensure_flusher(self, urgent: bool = False) -> None:
        """Start this process's flusher in the running loop (once); wake it if ``urgent``."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # not in an event loop: the next hook from one, or flush(), writes it
        task = self._flusher
        if task is None or task.done() or task.get_loop() is not loop:
            self._wake = asyncio.Event()
            self._flusher = loop.create_task(self._flush_forever(self._wake))
        elif urgent and self._wake is not None and not self.failures:
            self._wake.set()

    async def _flush_forever(self, wake: asyncio.Event) -> None:
        while True:
            if self.failures:
                await asyncio.sleep(self.retry_delay())  # no early wake while it fails
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), setting("ACTIVITY_FLUSH_SECONDS"))
            wake.clear()
            await self.flush()

    def retry_delay(self) -> float:
        """Seconds before the next attempt after ``failures`` refused writes in a row."""
        tick = float(setting("ACTIVITY_FLUSH_SECONDS"))
        return min(max(tick, RETRY_AT_MOST), tick * 2 ** min(self.failures, 16))

    async def flush(self) -> bool:
        """Write everything noted so far, in the writer thread; return whether it was written.

        One flush at a time per event loop: a batch the database refused is back in
        memory before the next flush takes what is noted.
        """
        loop = asyncio.get_running_loop()
        async with self._flush_lock(loop):
            batch = self._take()
            return await loop.run_in_executor(self._executor, self._write_or_keep, batch)

    def _flush_lock(self, loop: asyncio.AbstractEventLoop) -> asyncio.Lock:
        if self._flushing is None or self._flushing[0] is not loop:
            self._flushing = (loop, asyncio.Lock())
        return self._flushing[1]

    def _take(self) -> Batch:
        with self._lock:
            batch = Batch(self._sessions, list(self._events))
            self._sessions = {}
            self._events.clear()
            # Forget heartbeats of sessions gone without an end noted here (ended elsewhere).
            stale = time.monotonic() - 10 * SEEN_EVERY
            for session_id in [k for k, t in self._seen.items() if t < stale]:
                del self._seen[session_id]
        return batch

    def _write_or_keep(self, batch: Batch) -> bool:
        """Write a batch; if the database refuses it, put it back to be retried."""
        self._report_dropped()
        if not batch or not setting("RECORD_SESSIONS"):
            return True  # recording was turned off meanwhile: what was noted is dropped
        from django.db import DataError, IntegrityError, close_old_connections

        try:
            close_old_connections()
            end_failed_transaction()
            write_batch(batch)
            self.failures = 0
            return True
        except (DataError, IntegrityError):
            # Retrying a batch the database rejects for its content would block every later one.
            with self._lock:
                self.dropped += len(batch.sessions) + len(batch.events)
            logger.exception("Could not record session activity; the batch was dropped")
            return False
        except Exception as exc:
            end_failed_transaction()
            self.failures += 1
            self._put_back(batch)  # locked, down, unreachable, not migrated: retried
            self._warn(
                "failed",
                "Could not record session activity (%s: %s); %d records wait to be retried "
                "in %g s. Is the database up, and migrated (manage.py migrate)?",
                type(exc).__name__,
                exc,
                self.pending,
                self.retry_delay(),
            )
            return False
        finally:
            with contextlib.suppress(Exception):
                close_old_connections()

    def _put_back(self, batch: Batch) -> None:
        limit = max(1, int(setting("ACTIVITY_BUFFER_SIZE")))
        with self._lock:
            later = self._sessions
            self._sessions = batch.sessions
            for record in later.values():
                self._note_locked(record)
            self._events.extendleft(reversed(batch.events))
            self._trim(limit)

    def _note_locked(self, record: SessionRecord) -> None:
        pending = self._sessions.get(record.session_id)
        if pending is None:
            self._sessions[record.session_id] = record
        else:
            pending.merge(record)

    def _report_dropped(self) -> None:
        dropped = self.dropped - self._dropped_reported
        if dropped and self._warn(
            "dropped",
            "Dropped %d session activity records: the database did not take them in time "
            "(%d in all since the start). Raise BLOCKSSTATE['ACTIVITY_BUFFER_SIZE'] or check the database.",
            dropped,
            self.dropped,
        ):
            self._dropped_reported = self.dropped

    def _warn(self, kind: str, message: str, *args: Any) -> bool:
        """Log a warning of this kind unless one was logged less than ``WARN_EVERY`` s ago."""
        now = time.monotonic()
        last = self._last_warning.get(kind)
        if last is not None and now - last < WARN_EVERY:
            return False
        self._last_warning[kind] = now
        logger.warning(message, *args)
        return True

    def clear(self) -> None:
        """Forget everything noted and not yet written (for tests)."""
        with self._lock:
            self._sessions.clear()
            self._events.clear()
            self._seen.clear()
        self.dropped = self._dropped_reported = self.failures = 0
        self._last_warning.clear()
        self._last_purge = None

    # -- retention --------------------------------------------------------------------------------

    async def purge_if_due(self) -> tuple[int, int] | None:
        """Run ``purge`` in the writer thread, at most every ``PURGE_EVERY`` seconds per process."""
        if not setting("RECORD_SESSIONS"):
            return None
        now = time.monotonic()
        if self._last_purge is not None and now - self._last_purge < PURGE_EVERY:
            return None
        self._last_purge = now
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor, purge_in_thread)
        except Exception as exc:
            self._warn(
                "purge",
                "Could not remove old session records (%s: %s). Is the database up, and migrated?",
                type(exc).__name__,
                exc,
            )
            return None


recorder = Recorder()

session_started = recorder.session_started
session_resumed = recorder.session_resumed
event_finished = recorder.event_finished
session_seen = recorder.session_seen
session_ended = recorder.session_ended
purge_if_due = recorder.purge_if_due


@atexit.register
def _flush_at_exit() -> None:
    """Write what is still noted when the process stops (best effort)."""
    if not recorder.pending:
        return
    # In this thread: the writer thread's executor is already shut down at exit.
    with contextlib.suppress(Exception):
        if setting("RECORD_SESSIONS"):
            write_batch(recorder._take())

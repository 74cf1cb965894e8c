"""The activity recorder: live sessions and their events, written to the database off the event path.

The connection calls cheap hooks (``session_started``, ``event_finished``,
``session_ended``...) that only note what happened in memory. A flusher task,
one per process and started lazily from the event loop, writes what was noted
every ``ACTIVITY_FLUSH_SECONDS`` (sooner when much is waiting), in a thread of
its own, with one ``bulk_create`` for new sessions, one for events and one
``UPDATE`` per touched session. An event is answered before its record is
written, so a slow or locked database never delays a page.

While the database refuses writes, records wait in memory and are retried;
past ``ACTIVITY_BUFFER_SIZE`` the oldest are dropped, counted and reported in
a warning: the buffer never grows without limit.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .conf import setting

if TYPE_CHECKING:
    from .events import Dependency
    from .state.session import Session

logger = logging.getLogger("blocksstate")

# Seconds between two records of a connected session's heartbeat (its "last seen").
SEEN_EVERY = 30.0
# Seconds between two warnings about failed writes or dropped records.
WARN_EVERY = 60.0
# Seconds between two retention runs of the sweep in one process.
PURGE_EVERY = 3600.0
MAX_ERROR_CHARS = 2000
# Records waiting that wake the flusher before its next tick.
URGENT_SIZE = 1000


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SessionRecord:
    """What is waiting to be written about one session (merged until the next flush)."""

    session_id: str
    app: str
    # Set when the session started (or resumed) here: enough to create its row.
    created: dict[str, Any] | None = None
    last_seen: datetime | None = None
    closed_at: datetime | None = None
    closed_reason: str = ""
    events: int = 0
    errors: int = 0

    def merge(self, later: SessionRecord) -> None:
        """Add ``later`` (noted after this one) to this record."""
        self.created = self.created or later.created
        self.last_seen = later.last_seen or self.last_seen
        if later.closed_at is not None:
            self.closed_at, self.closed_reason = later.closed_at, later.closed_reason
        self.events += later.events
        self.errors += later.errors


@dataclass(frozen=True)
class EventRecord:
    session_id: str
    dependency_id: int | None
    event: str
    started_at: datetime
    duration_ms: float
    ok: bool
    error: str


@dataclass
class Batch:
    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    events: list[EventRecord] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.events)


class Recorder:
    """Notes activity in memory and writes it in batches; one per process (``recorder``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, SessionRecord] = {}
        self._events: deque[EventRecord] = deque()
        self._seen: dict[str, float] = {}
        # One writer thread: batches are written in order, and a flush that awaits its
        # own batch knows every earlier one is written too.
        self._executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="blocksstate-activity"
        )
        self._flusher: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self.dropped = 0
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
        if not setting("RECORD_SESSIONS"):
            return
        record = SessionRecord(
            session.id, session.app, last_seen=_now(), events=1, errors=0 if ok else 1
        )
        event = None
        if setting("EVENT_LOG"):
            event = EventRecord(
                session_id=session.id,
                dependency_id=getattr(dependency, "id", dependency),
                event=describe_dependency(dependency),
                started_at=datetime.fromtimestamp(started, UTC),
                duration_ms=round(duration * 1000, 3),
                ok=ok,
                error=error[:MAX_ERROR_CHARS],
            )
        self._note(record, event)

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

    def _note(self, record: SessionRecord, event: EventRecord | None = None) -> None:
        limit = max(1, int(setting("ACTIVITY_BUFFER_SIZE")))
        with self._lock:
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
        elif urgent and self._wake is not None:
            self._wake.set()

    async def _flush_forever(self, wake: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), setting("ACTIVITY_FLUSH_SECONDS"))
            wake.clear()
            await self.flush()

    async def flush(self) -> bool:
        """Write everything noted so far, in the writer thread; return whether it was written."""
        batch = self._take()
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._write_or_keep, batch)

    def flush_sync(self) -> bool:
        """Write everything noted so far from synchronous code (a command, process exit)."""
        return self._executor.submit(self._write_or_keep, self._take()).result()

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
            _end_failed_transaction()
            write_batch(batch)
            return True
        except (DataError, IntegrityError):
            # Retrying a batch the database rejects for its content would block every later one.
            with self._lock:
                self.dropped += len(batch.sessions) + len(batch.events)
            logger.exception("Could not record session activity; the batch was dropped")
            return False
        except Exception as exc:
            _end_failed_transaction()
            self._put_back(batch)  # locked, down, unreachable, not migrated: retried
            self._warn(
                "failed",
                "Could not record session activity (%s: %s); %d records wait to be retried. "
                "Is the database up, and migrated (manage.py migrate)?",
                type(exc).__name__,
                exc,
                self.pending,
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
        self.dropped = self._dropped_reported = 0
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
            return await loop.run_in_executor(self._executor, _purge_in_thread)
        except Exception as exc:
            self._warn(
                "purge",
                "Could not remove old session records (%s: %s). Is the database up, and migrated?",
                type(exc).__name__,
                exc,
            )
            return None


def _end_failed_transaction() -> None:
    """Leave no transaction open after a failed write.

    Django closes a connection whose rollback failed, and ``close_old_connections``
    one left out of autocommit; neither closes an in-memory SQLite database (that
    would destroy it), so that case is rolled back here.
    """
    from django.db import connection

    if connection.connection is None or connection.in_atomic_block:
        return
    with contextlib.suppress(Exception):
        if not connection.get_autocommit():
            connection.rollback()
            connection.set_autocommit(True)


def _purge_in_thread() -> tuple[int, int]:
    from django.db import close_old_connections

    close_old_connections()
    try:
        return purge()
    finally:
        _end_failed_transaction()
        close_old_connections()


# -- writing ----------------------------------------------------------------------------------


def write_batch(batch: Batch) -> None:
    """Create new sessions, add counts and times to known ones, then add the events."""
    from django.db import transaction
    from django.db.models import F

    from .models import EventLog, LiveSession

    with transaction.atomic():
        new = [r for r in batch.sessions.values() if r.created is not None]
        if new:
            users = _existing_users(r.created.get("user_id") for r in new)  # type: ignore[union-attr]
            LiveSession.objects.bulk_create(
                [_new_session(r, users) for r in new], ignore_conflicts=True
            )
        for record in batch.sessions.values():
            changes: dict[str, Any] = {}
            if record.last_seen is not None:
                changes["last_seen_at"] = record.last_seen
            if record.events:
                changes["event_count"] = F("event_count") + record.events
            if record.errors:
                changes["error_count"] = F("error_count") + record.errors
            if record.closed_at is not None:
                changes["closed_at"] = record.closed_at
                changes["closed_reason"] = record.closed_reason[:100]
            elif record.created is not None:
                changes["closed_at"] = None  # a resumed session is live again
                changes["closed_reason"] = ""
            if changes:
                LiveSession.objects.filter(session_id=record.session_id).update(**changes)
        if batch.events:
            ids = dict(
                LiveSession.objects.filter(
                    session_id__in={e.session_id for e in batch.events}
                ).values_list("session_id", "pk")
            )
            EventLog.objects.bulk_create(
                [
                    EventLog(
                        session_id=ids[e.session_id],
                        dependency_id=e.dependency_id,
                        event=e.event[:300],
                        started_at=e.started_at,
                        duration_ms=e.duration_ms,
                        ok=e.ok,
                        error=e.error,
                    )
                    for e in batch.events
                    if e.session_id in ids  # a session whose record was dropped has no row
                ]
            )


def _existing_users(user_ids: Iterable[Any]) -> set[Any]:
    """The ids among ``user_ids`` of users that still exist (one query)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    wanted = {model._meta.pk.to_python(u) for u in user_ids if u is not None}
    if not wanted:
        return set()
    return set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))


def _new_session(record: SessionRecord, users: set[Any]) -> Any:
    from django.contrib.auth import get_user_model

    from .models import LiveSession

    fields = dict(record.created or {})
    user_id = fields.pop("user_id", None)
    if user_id is not None:
        user_id = get_user_model()._meta.pk.to_python(user_id)
    return LiveSession(
        session_id=record.session_id,
        app=record.app,
        user_id=user_id if user_id in users else None,
        last_seen_at=record.last_seen or fields["connected_at"],
        **fields,
    )


def purge(
    days: float | None = None, now: datetime | None = None, dry_run: bool = False
) -> tuple[int, int]:
    """Remove sessions ended (or not seen) more than ``days`` ago, and older events.

    Returns ``(sessions, events)``: how many were (or, with ``dry_run``, would be)
    removed, events of removed sessions included.
    """
    from django.db.models import Q

    from .models import EventLog, LiveSession

    days = setting("RETENTION_DAYS") if days is None else days
    cutoff = (now or _now()) - timedelta(days=days)
    # A session its worker never recorded as ended (the process died) counts from when last seen.
    sessions = LiveSession.objects.filter(
        Q(closed_at__lt=cutoff) | Q(closed_at__isnull=True, last_seen_at__lt=cutoff)
    )
    events = EventLog.objects.filter(Q(started_at__lt=cutoff) | Q(session__in=sessions))
    counts = (sessions.count(), events.count())
    if not dry_run:
        events.delete()
        sessions.delete()
    return counts


# -- describing ---------------------------------------------------------------------------------


def describe_scope(scope: Mapping[str, Any]) -> dict[str, Any]:
    """Who is behind a WebSocket: user, Django session, address and browser (as model fields)."""
    user = scope.get("user")
    user_id = None
    if user is not None and getattr(user, "is_authenticated", False):
        user_id = user.pk
    session = scope.get("session")
    session_key = getattr(session, "session_key", None) if session is not None else None
    headers = dict(scope.get("headers") or [])
    agent = headers.get(b"user-agent", b"").decode("latin-1")
    client = scope.get("client") or (None, None)
    return {
        "user_id": user_id,
        "django_session_key": (session_key or "")[:40],
        "client_address": str(client[0] or "")[:64],
        "user_agent": agent[:300],
    }


def describe_block(block: Any) -> str:
    """A component as a visitor sees it: ``Button 'Add Items'``, ``Number 'Cart Size'``."""
    from .blocks import Blocks

    if isinstance(block, Blocks):
        return "the app"
    kind = type(block).__name__
    label = getattr(block, "label", None)
    if not label and isinstance(getattr(block, "value", None), str) and block.value:
        label = block.value  # a button's text
    return f"{kind} {label!r}" if label else f"{kind} {block.id}"


def function_name(fn: Any) -> str:
    """A handler's name as its code says it: ``add_items``, ``Cart.add`` (no ``<locals>``)."""
    if fn is None:
        return "no function"
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return name.rsplit("<locals>.", 1)[-1]


@functools.lru_cache(maxsize=4096)
def _describe(dependency: Dependency) -> str:
    triggers = dependency.client_triggers or dependency.triggers
    when = ", ".join(f"{event} on {describe_block(block)}" for block, event in triggers)
    return f"{when} \u2192 {function_name(dependency.fn)}"


def describe_dependency(dependency: Dependency | int | None) -> str:
    """An event in words: ``click on Button 'Add Items' → add_items``."""
    from .events import Dependency

    if isinstance(dependency, Dependency):
        return _describe(dependency)
    return "load" if dependency is None else f"event {dependency}"


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

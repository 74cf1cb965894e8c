"""What the recorder notes in memory until it is written: session records, event records, batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from .describe import describe_dependency, redact_credentials

MAX_ERROR_CHARS = 2000


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
    """One answered event, as the event log keeps it."""

    session_id: str
    dependency_id: int | None
    event: str
    started_at: datetime
    duration_ms: float
    ok: bool
    error: str

    def record(self) -> EventRecord:
        return self


class NotedEvent(NamedTuple):
    """One answered event as the event path notes it: described in words only when written."""

    session_id: str
    dependency: Any  # a Dependency, its id, or None (the page's load)
    started: float  # time.time()
    duration: float  # seconds
    ok: bool
    error: str
    request: Any  # the session's gr.Request: its credentials are cut out of the error

    def record(self) -> EventRecord:
        """The event as the event log keeps it (in the writer thread, off the event path)."""
        return EventRecord(
            session_id=self.session_id,
            dependency_id=getattr(self.dependency, "id", self.dependency),
            event=describe_dependency(self.dependency),
            started_at=datetime.fromtimestamp(self.started, UTC),
            duration_ms=round(self.duration * 1000, 3),
            ok=self.ok,
            # The admin shows it to staff: a handler's message may quote a cookie.
            error=redact_credentials(self.error, self.request)[:MAX_ERROR_CHARS],
        )


@dataclass
class Batch:
    """What one flush writes: the sessions noted, and the events in order."""

    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    events: list[EventRecord | NotedEvent] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.events)

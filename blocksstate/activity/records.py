"""What the recorder notes in memory until it is written: session records, event records, batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple


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


class NotedEvent(NamedTuple):
    """One answered event as the event path notes it: described, dated and redacted when
    written, once per batch where it can be (``rows.event_rows``)."""

    session_id: str
    dependency: Any  # a Dependency, its id, or None (the page's load)
    started: float  # time.time()
    duration: float  # seconds
    ok: bool
    error: str
    request: Any  # the session's gr.Request: its credentials are cut out of the error


@dataclass
class Batch:
    """What one flush writes: the sessions noted, and the events in order."""

    sessions: dict[str, SessionRecord] = field(default_factory=dict)
    events: list[EventRecord | NotedEvent] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.sessions or self.events)

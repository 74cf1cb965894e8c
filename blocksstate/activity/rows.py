"""The event log's rows for one batch: each dependency described once, times adapted cheaply.

The writer thread's CPU per event is the process's too (the GIL). Per row it used to
build an ``EventRecord``, describe the dependency, make an aware datetime, redact the
(usually empty) error, and adapt the datetime through the backend (``make_naive``,
``str``); now what is the same for a whole batch is done once per batch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from .describe import describe_dependency, redact_credentials
from .records import EventRecord, NotedEvent

MAX_EVENT_CHARS = 300
MAX_ERROR_CHARS = 2000

Row = tuple[Any, int | None, str, Any, float, bool, str]


def _naive_utc_text(stamp: float) -> str:
    """What SQLite's adapter makes of an aware UTC moment, with the connection in UTC:
    the moment's text without its ``+00:00``."""
    return str(datetime.fromtimestamp(stamp, UTC))[:-6]


def _aware(stamp: float) -> datetime:
    """What PostgreSQL's adapter passes on unchanged."""
    return datetime.fromtimestamp(stamp, UTC)


def stamp_adapter(connection: Any, sample: float) -> Callable[[float], Any]:
    """A ``time.time()`` → the database's value of it as a ``DateTimeField`` (``started_at``).

    A shortcut for SQLite (connection in UTC) and PostgreSQL, kept only if it gives
    what the backend's own ``adapt_datetimefield_value`` gives for ``sample``; any
    other backend or setting goes through that adapter, one row at a time.
    """
    adapt = connection.ops.adapt_datetimefield_value

    def generic(stamp: float) -> Any:
        return adapt(datetime.fromtimestamp(stamp, UTC))

    shortcut = {"sqlite": _naive_utc_text, "postgresql": _aware}.get(connection.vendor)
    if shortcut is None:
        return generic
    try:
        if shortcut(sample) == generic(sample):
            return shortcut
    except (TypeError, ValueError):  # e.g. SQLite refuses aware datetimes without USE_TZ
        pass
    return generic


def event_rows(
    events: Iterable[EventRecord | NotedEvent], session_pks: Mapping[str, Any], connection: Any
) -> list[Row]:
    """The rows of the events whose session has a row (``session_pks``), in order."""
    events = [e for e in events if e.session_id in session_pks]
    if not events:
        return []
    adapt = connection.ops.adapt_datetimefield_value
    first = next((e for e in events if isinstance(e, NotedEvent)), None)
    stamp = stamp_adapter(connection, first.started) if first is not None else _aware
    described: dict[Any, tuple[int | None, str]] = {}
    rows: list[Row] = []
    for e in events:
        if type(e) is NotedEvent:
            dependency = e.dependency
            known = described.get(dependency)
            if known is None:
                known = described[dependency] = (
                    getattr(dependency, "id", dependency),
                    describe_dependency(dependency)[:MAX_EVENT_CHARS],
                )
            error = e.error
            if error:  # the admin shows it to staff: a handler's message may quote a cookie
                error = redact_credentials(error, e.request)[:MAX_ERROR_CHARS]
            rows.append(
                (
                    session_pks[e.session_id],
                    known[0],
                    known[1],
                    stamp(e.started),
                    round(e.duration * 1000, 3),
                    e.ok,
                    error,
                )
            )
        else:
            rows.append(
                (
                    session_pks[e.session_id],
                    e.dependency_id,
                    e.event[:MAX_EVENT_CHARS],
                    adapt(e.started_at),
                    e.duration_ms,
                    e.ok,
                    e.error,
                )
            )
    return rows

"""Writing a batch of activity to the database: new sessions, counts and times, events."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import Any

from .records import Batch, EventRecord, NotedEvent, SessionRecord
from .rows import event_rows


def write_batch(batch: Batch) -> None:
    """Create new sessions, add counts and times to known ones, then add the events."""
    from django.db import transaction

    from ..models import LiveSession

    with transaction.atomic():
        created = _create_sessions(batch)
        known = [r for r in batch.sessions.values() if r.session_id not in created]
        _add_counts([r for r in known if r.last_seen is not None or r.events or r.errors])
        for record in known:  # rarely any: sessions that ended, or resumed here
            if record.closed_at is not None:
                LiveSession.objects.filter(session_id=record.session_id).update(
                    closed_at=record.closed_at, closed_reason=record.closed_reason[:100]
                )
            elif record.created is not None:  # a resumed session is live again
                LiveSession.objects.filter(session_id=record.session_id).update(
                    closed_at=None, closed_reason=""
                )
        if batch.events:
            _add_events(batch.events)


def _add_counts(records: list[SessionRecord]) -> None:
    """Add events, errors and the time last seen to live sessions' rows, in one ``executemany``.

    One ORM ``update()`` per session cost about 150 µs of the worker's CPU: with 200
    pages sending, the flushes took a share of each event that grew with the pages.
    """
    if not records:
        return
    from django.db import connection

    from ..models import LiveSession

    meta, quote = LiveSession._meta, connection.ops.quote_name
    seen, events, errors, session_id = (
        meta.get_field(name)
        for name in ("last_seen_at", "event_count", "error_count", "session_id")
    )
    seen_at, events_col, errors_col = quote(seen.column), quote(events.column), quote(errors.column)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {seen_at} = COALESCE(%s, {seen_at}), "
        f"{events_col} = {events_col} + %s, {errors_col} = {errors_col} + %s "
        f"WHERE {quote(session_id.column)} = %s"
    )
    rows = [
        (
            connection.ops.adapt_datetimefield_value(r.last_seen),
            r.events,
            r.errors,
            r.session_id,
        )
        for r in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _add_events(events: list[EventRecord | NotedEvent]) -> None:
    """Insert the batch's events, in order, in one ``executemany``.

    Building an ``EventLog`` instance per event for ``bulk_create`` was about a tenth
    of the worker's CPU under load; the rows are made once per batch where they can
    be (``rows.event_rows``). An event whose session has no row (its record was
    dropped) is left out.
    """
    from django.db import connection

    from ..models import EventLog, LiveSession

    ids = dict(
        LiveSession.objects.filter(session_id__in={e.session_id for e in events}).values_list(
            "session_id", "pk"
        )
    )
    meta, quote = EventLog._meta, connection.ops.quote_name
    names = ("session", "dependency_id", "event", "started_at", "duration_ms", "ok", "error")
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    )
    rows = event_rows(events, ids, connection)
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _create_sessions(batch: Batch) -> set[str]:
    """Insert the rows of sessions seen for the first time; return the ids written whole.

    A new session's row is written complete in one bulk insert (the common case when
    many pages connect at once); known ones (resumed here or elsewhere) are left to
    ``write_batch``'s updates. Should another worker insert one of the same rows
    meanwhile, every started session is updated instead, so no count is lost.
    """
    from django.db import IntegrityError, transaction

    from ..models import LiveSession

    started = {r.session_id: r for r in batch.sessions.values() if r.created is not None}
    if not started:
        return set()
    ids = list(started)
    known: set[str] = set()
    for i in range(0, len(ids), 500):
        known.update(
            LiveSession.objects.filter(session_id__in=ids[i : i + 500]).values_list(
                "session_id", flat=True
            )
        )
    new = [r for session_id, r in started.items() if session_id not in known]
    if not new:
        return set()
    users = _existing_users(r.created.get("user_id") for r in new)  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            LiveSession.objects.bulk_create([_new_session(r, users) for r in new])
    except IntegrityError:
        LiveSession.objects.bulk_create(
            [_new_session(r, users, counts=False) for r in new], ignore_conflicts=True
        )
        return set()
    return {r.session_id for r in new}


def _existing_users(user_ids: Iterable[Any]) -> set[Any]:
    """The ids among ``user_ids`` of users that still exist (one query)."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    wanted = {model._meta.pk.to_python(u) for u in user_ids if u is not None}
    if not wanted:
        return set()
    return set(model._default_manager.filter(pk__in=wanted).values_list("pk", flat=True))


def _new_session(record: SessionRecord, users: set[Any], counts: bool = True) -> Any:
    from django.contrib.auth import get_user_model

    from ..models import LiveSession

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
        **(
            {
                "event_count": record.events,
                "error_count": record.errors,
                "closed_at": record.closed_at,
                "closed_reason": record.closed_reason[:100],
            }
            if counts
            else {}
        ),
    )


def end_failed_transaction() -> None:
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

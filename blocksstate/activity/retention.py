"""Retention: remove sessions and events older than ``RETENTION_DAYS``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..conf import setting
from .writer import end_failed_transaction


def purge(
    days: float | None = None, now: datetime | None = None, dry_run: bool = False
) -> tuple[int, int]:
    """Remove sessions ended (or not seen) more than ``days`` ago, and older events.

    Returns ``(sessions, events)``: how many were (or, with ``dry_run``, would be)
    removed, events of removed sessions included.
    """
    from django.db.models import Q

    from ..models import EventLog, LiveSession

    days = setting("RETENTION_DAYS") if days is None else days
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
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


def purge_in_thread() -> tuple[int, int]:
    """Run ``purge`` from the recorder's writer thread, leaving its connection as it found it."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        return purge()
    finally:
        end_failed_transaction()
        close_old_connections()

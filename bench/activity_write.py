"""One flush of the activity writer for N live sessions, each with 10 events: what it
did before against what it does now, alternately, 15 times each.

- counts and times: an ORM ``update()`` per session, against one ``executemany``;
- events: ``EventLog.objects.bulk_create`` (a model instance per event), against one
  ``executemany``.

    python bench/activity_write.py [N]        (SQLite in a temporary file; N = 200)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def setup() -> None:
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.configure(
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "channels",
            "blocksstate",
        ],
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": os.path.join(tempfile.mkdtemp(), "activity.sqlite3"),
            }
        },
        USE_TZ=True,
        BLOCKSSTATE={"FREEZE_GC": False},
    )
    django.setup()
    call_command("migrate", verbosity=0)


def compare(what: str, count: int, make, ways: dict) -> None:
    """Time each of ``ways`` on a fresh ``make()`` batch, alternately, in a transaction."""
    from django.db import transaction

    times: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(15):
        for name, write in ways.items():
            batch = make()
            with transaction.atomic():
                started = time.perf_counter()
                write(batch)
                times[name].append(time.perf_counter() - started)
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{what}, {name}: {count} {what}, median {median * 1000:.2f} ms "
            f"(min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f}), "
            f"{median * 1e6 / count:.1f} µs each"
        )


def main(n: int) -> None:
    setup()
    from django.db.models import F

    from blocksstate.activity.records import Batch, EventRecord, SessionRecord
    from blocksstate.activity.writer import _add_counts, _add_events, write_batch
    from blocksstate.models import EventLog, LiveSession

    opened = {"connected_at": datetime.now(UTC)}
    write_batch(Batch({f"s{i}": SessionRecord(f"s{i}", "app", created=opened) for i in range(n)}))

    def records() -> list[SessionRecord]:
        now = datetime.now(UTC)
        return [SessionRecord(f"s{i}", "app", last_seen=now, events=5) for i in range(n)]

    def orm_per_session(batch: list[SessionRecord]) -> None:  # what write_batch did before
        for r in batch:
            LiveSession.objects.filter(session_id=r.session_id).update(
                last_seen_at=r.last_seen, event_count=F("event_count") + r.events
            )

    compare(
        "sessions",
        n,
        records,
        {"ORM update per session": orm_per_session, "one executemany": _add_counts},
    )
    assert LiveSession.objects.get(session_id="s0").event_count == 5 * 30  # both wrote

    def events() -> list[EventRecord]:
        now = datetime.now(UTC)
        return [
            EventRecord(f"s{i % n}", 3, "click on Button 'Add' \u2192 add", now, 0.4, True, "")
            for i in range(10 * n)
        ]

    def bulk_create(batch: list[EventRecord]) -> None:  # what write_batch did before
        ids = dict(
            LiveSession.objects.filter(session_id__in={e.session_id for e in batch}).values_list(
                "session_id", "pk"
            )
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
                for e in batch
            ]
        )

    compare("events", 10 * n, events, {"bulk_create": bulk_create, "one executemany": _add_events})
    assert EventLog.objects.count() == 10 * n * 30  # both wrote


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

"""One flush of the activity writer for N live sessions: the ORM update per session it
did before, against the one ``executemany`` it does now, alternately, 15 times each.

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


def main(n: int) -> None:
    setup()
    from django.db import transaction
    from django.db.models import F

    from blocksstate.activity.records import Batch, SessionRecord
    from blocksstate.activity.writer import _add_counts, write_batch
    from blocksstate.models import LiveSession

    opened = {"connected_at": datetime.now(UTC)}
    write_batch(Batch({f"s{i}": SessionRecord(f"s{i}", "app", created=opened) for i in range(n)}))

    def records() -> list[SessionRecord]:
        now = datetime.now(UTC)
        return [SessionRecord(f"s{i}", "app", last_seen=now, events=5) for i in range(n)]

    def orm_per_session(batch: list[SessionRecord]) -> None:  # what write_batch did before
        with transaction.atomic():
            for r in batch:
                LiveSession.objects.filter(session_id=r.session_id).update(
                    last_seen_at=r.last_seen, event_count=F("event_count") + r.events
                )

    def one_executemany(batch: list[SessionRecord]) -> None:
        with transaction.atomic():
            _add_counts(batch)

    times: dict[str, list[float]] = {"ORM update per session": [], "one executemany": []}
    for _ in range(15):
        for name, write in zip(times, (orm_per_session, one_executemany), strict=True):
            batch = records()
            started = time.perf_counter()
            write(batch)
            times[name].append(time.perf_counter() - started)
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name}: {n} sessions, median {median * 1000:.2f} ms "
            f"(min {min(values) * 1000:.2f}, max {max(values) * 1000:.2f}), "
            f"{median * 1e6 / n:.0f} µs per session"
        )
    assert LiveSession.objects.get(session_id="s0").event_count == 5 * 30  # both wrote


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)

"""The event log's rows, made once per batch: the same rows as the ORM would write.

The writer skips the ORM per row (it adapts a batch's times itself, describes each
dependency once, redacts only an error); these tests hold it to what the ORM, the
describer and the redaction give. And the session column's own index is gone.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import blocksstate as gr
from blocksstate.activity import describe_dependency
from blocksstate.activity.records import Batch, NotedEvent, SessionRecord
from blocksstate.activity.rows import _naive_utc_text, stamp_adapter
from blocksstate.activity.writer import write_batch
from blocksstate.models import EventLog, LiveSession
from tests.helpers_activity import cart_app

pytestmark = pytest.mark.django_db(transaction=True)

# Whole seconds (SQLite's text then has no fraction), microseconds, a rounding edge, 1970.
MOMENTS = [1764755200.0, 1764755200.123456, 1764755200.9999996, 0.5, 1764755299.000001]


def _raw() -> list[str]:
    """``started_at`` as the database holds it (SQLite: text)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT started_at FROM blocksstate_eventlog ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def _session(session_id: str = "a") -> SessionRecord:
    return SessionRecord(session_id, "app", created={"connected_at": datetime.now(UTC)})


def test_times_are_stored_as_the_orm_stores_them():
    write_batch(Batch({"a": _session()}))
    session = LiveSession.objects.get(session_id="a")
    for moment in MOMENTS:  # the ORM's own rows first
        EventLog.objects.create(
            session=session,
            event="orm",
            started_at=datetime.fromtimestamp(moment, UTC),
            duration_ms=1.0,
        )
    noted = [NotedEvent("a", 1, moment, 0.001, True, "", None) for moment in MOMENTS]
    write_batch(Batch({}, noted))

    stored = _raw()
    assert stored[len(MOMENTS) :] == stored[: len(MOMENTS)]  # the same text, byte for byte
    read = list(EventLog.objects.order_by("id").values_list("started_at", flat=True))
    assert read[len(MOMENTS) :] == [datetime.fromtimestamp(m, UTC) for m in MOMENTS]


def test_the_shortcut_is_kept_only_where_it_gives_what_the_backend_gives():
    sample = MOMENTS[1]
    assert connection.vendor == "sqlite"
    assert stamp_adapter(connection, sample) is _naive_utc_text

    def paris(value: datetime) -> str:  # a backend whose connection is not in UTC
        return str(value.astimezone(zoneinfo.ZoneInfo("Europe/Paris")).replace(tzinfo=None))

    other = SimpleNamespace(vendor="sqlite", ops=SimpleNamespace(adapt_datetimefield_value=paris))
    adapt = stamp_adapter(other, sample)
    assert adapt is not _naive_utc_text
    assert adapt(sample) == paris(datetime.fromtimestamp(sample, UTC))

    unknown = SimpleNamespace(vendor="oracle", ops=SimpleNamespace(adapt_datetimefield_value=repr))
    assert stamp_adapter(unknown, sample)(sample) == repr(datetime.fromtimestamp(sample, UTC))


def test_each_dependency_is_described_and_only_errors_are_redacted():
    app = cart_app()
    add, check_out = app.dependencies[0], app.dependencies[1]
    secret = "abcdefgh12345678"
    request = gr.Request.from_scope(
        {
            "headers": [(b"cookie", f"sessionid={secret}".encode())],
            "cookies": {"sessionid": secret},
        },
        "a",
        "app",
    )
    quoted = f"cookie was {secret}"
    noted = [
        NotedEvent("a", add, 1.0, 0.001, True, "", request),
        NotedEvent("a", check_out, 2.0, 0.002, False, quoted + "x" * 3000, request),
        NotedEvent("a", add, 3.0, 0.001, True, "", request),
        NotedEvent("a", 7, 4.0, 0.001, True, "", None),  # an id the app no longer has
        NotedEvent("a", None, 5.0, 0.0012345, True, "", None),  # the page's load
        NotedEvent("gone", add, 6.0, 0.001, True, "", None),  # its session has no row
    ]
    write_batch(Batch({"a": _session()}, noted))

    stored = list(
        EventLog.objects.order_by("id").values_list(
            "dependency_id", "event", "duration_ms", "ok", "error"
        )
    )
    assert [row[:4] for row in stored] == [
        (add.id, describe_dependency(add), 1.0, True),
        (check_out.id, describe_dependency(check_out), 2.0, False),
        (add.id, describe_dependency(add), 1.0, True),
        (7, "event 7", 1.0, True),
        (None, "load", 1.234, True),
    ]
    error = stored[1][4]
    assert secret not in error and error.startswith("cookie was ") and len(error) == 2000
    assert [row[4] for row in stored if row[3]] == [""] * 4


# -- the migration --------------------------------------------------------------------------------


def _indexes() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, "blocksstate_eventlog")
    return {name: info["columns"] for name, info in found.items() if info["index"]}


def _migrate(target: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("blocksstate", target)])


def test_the_session_column_has_no_index_of_its_own_and_the_migration_reverses():
    assert ["session_id"] not in _indexes().values()
    assert _indexes()["bs_event_session_started"] == ["session_id", "started_at"]
    try:
        _migrate("0004_readable_names")
        assert ["session_id"] in _indexes().values()
    finally:
        _migrate("0005_eventlog_session_one_index")
    assert ["session_id"] not in _indexes().values()

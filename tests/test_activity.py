"""The activity recorder: sessions and events reach the database in batches, never on the event path."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError

import blocksstate as gr
from blocksstate import activity
from blocksstate.activity import describe_dependency, purge, recorder
from blocksstate.activity import recording as recording_module
from blocksstate.activity.describe import browser_hash
from blocksstate.models import EventLog, LiveSession
from blocksstate.sessions.session import Session
from blocksstate.sessions.sweep import Sweeper
from blocksstate.testing import PageClient, button, dependency, eventually, registered
from tests.helpers_activity import (
    cart_app,
    closing_connections,
    database_locked,
    recording_on,
    rows,
)
from tests.helpers_session import RawPage, blocksstate_settings

pytestmark = pytest.mark.django_db(transaction=True)

# An event answered later than this while the database is held is an event that waited on it.
PROMPT = 1.0


@pytest.fixture
def recording(settings):
    yield from recording_on(settings)


@pytest.fixture(autouse=True)
async def _close_connections():
    async for _ in closing_connections():
        yield


# -- what is recorded ---------------------------------------------------------------------------


async def test_a_session_and_its_events_are_recorded(recording):
    with registered(cart_app()) as app:
        async with PageClient(app) as client:
            await client.click("Add Items", {"Items": ["Milk", "Water"]})
            await client.click("Add Items", {"Items": ["Cereal"]})
            session_id = client.session_id
            await recorder.flush()

            live, events = await rows(session_id)
            assert live is not None and live.app == app
            assert live.is_live
            assert (live.event_count, live.error_count) == (2, 0)
            assert live.last_seen_at >= live.connected_at
            assert [e.event for e in events] == ["click on Button 'Add Items' \u2192 add_items"] * 2
            assert all(e.ok and e.error == "" and e.duration_ms >= 0 for e in events)
            assert events[0].started_at >= events[1].started_at  # newest first
        await recorder.flush()

    live, _ = await rows(session_id)
    assert live.closed_at is not None and live.closed_reason == "page closed"
    assert not live.is_live


async def test_a_failed_event_is_recorded_with_the_message_the_page_saw(recording):
    with registered(cart_app()) as app:
        async with PageClient(app) as client:
            outcome = await client.trigger("Check Out", "click")
            assert outcome.status == "failed"
            await client.click("Add Items", {"Items": ["Milk"]})
            session_id = client.session_id
            await recorder.flush()

    live, events = await rows(session_id)
    assert (live.event_count, live.error_count) == (2, 1)
    failed = [e for e in events if not e.ok]
    assert [(e.event, e.error) for e in failed] == [
        ("click on Button 'Check Out' \u2192 check_out", "The shop is closed")
    ]


async def test_refused_input_is_an_error_and_an_unknown_event_is_not_recorded(recording):
    with registered(cart_app()) as app:
        async with PageClient(app) as client:
            click = dependency(client.blocks, button(client.blocks, "Add Items"), "click")
            refused = await client.event(click, {"Items": ["Beer"]})
            assert refused.error["code"] == "invalid_input"
            unknown = await client.event(99)
            assert unknown.error["code"] == "unknown_event"
            session_id = client.session_id
            await recorder.flush()

    live, events = await rows(session_id)
    assert (live.event_count, live.error_count) == (1, 1)
    (entry,) = events
    assert not entry.ok and "Beer" in entry.error
    assert entry.dependency_id == click.id


async def test_who_is_behind_the_page_is_recorded(recording):
    user = await sync_to_async(get_user_model().objects.create_user)("ada", password="x")

    class DjangoSession:
        session_key = "k" * 32

    scope = {
        "type": "websocket",
        "user": user,
        "session": DjangoSession(),
        "client": ("203.0.113.5", 50123),
        "headers": [(b"user-agent", b"TestBrowser/1.0 " + b"x" * 400)],
    }
    with registered(cart_app()) as app:
        raw = RawPage(app, scope)
        await raw.hello()
        await recorder.flush()

    live, _ = await rows(raw.session["session"])
    assert live.user_id == user.pk
    assert live.browser_hash == browser_hash("k" * 32) != "k" * 32  # never the key itself
    assert live.client_address == "203.0.113.5"
    assert live.user_agent.startswith("TestBrowser/1.0") and len(live.user_agent) == 300


async def test_a_user_deleted_before_the_write_is_left_out(recording):
    user = await sync_to_async(get_user_model().objects.create_user)("gone", password="x")
    with registered(cart_app()) as app:
        raw = RawPage(app, {"type": "websocket", "user": user})
        await raw.hello()
        await sync_to_async(user.delete)()
        assert await recorder.flush()

    live, _ = await rows(raw.session["session"])
    assert live is not None and live.user_id is None


async def test_a_resumed_session_stays_one_live_session(recording, settings):
    with registered(cart_app()) as app:
        first = PageClient(app)
        await first.open()
        await first.click("Add Items", {"Items": ["Milk"]})
        await recorder.flush()
        await first.drop()

        async with await PageClient(app).open(resume=first.resume_token) as second:
            assert second.session["resumed"]
            await second.click("Add Items", {"Items": ["Water"]})
            await recorder.flush()
            live, events = await rows(first.session_id)
            assert live.is_live and live.event_count == 2 and len(events) == 2
            assert await LiveSession.objects.acount() == 1


async def test_a_connection_not_resumed_ends_as_lost(recording, settings):
    blocksstate_settings(settings, RESUME_GRACE=0.05)
    with registered(cart_app()) as app:
        client = PageClient(app)
        await client.open()
        await client.drop()

        async def ended():
            await recorder.flush()
            live, _ = await rows(client.session_id)
            return live is not None and not live.is_live and live

        live = await eventually(ended, what="the end to be recorded")
    assert live.closed_reason == "connection lost"


async def test_recording_off_writes_nothing_and_event_log_off_keeps_only_sessions(
    recording, settings
):
    with registered(cart_app()) as app:
        blocksstate_settings(settings, RECORD_SESSIONS=False)
        async with PageClient(app) as client:
            await client.click("Add Items", {"Items": ["Milk"]})
            assert recorder.pending == 0
        blocksstate_settings(settings, RECORD_SESSIONS=True, EVENT_LOG=False)
        async with PageClient(app) as client:
            await client.click("Add Items", {"Items": ["Milk"]})
            session_id = client.session_id
        await recorder.flush()

    assert await LiveSession.objects.acount() == 1
    live, events = await rows(session_id)
    assert live.event_count == 1 and events == []


def test_an_event_is_described_as_the_visitor_did_it():
    demo = cart_app()
    click = dependency(demo, button(demo, "Add Items"), "click")
    change = next(d for d in demo.dependencies if d.triggers[0][1] == "change")

    assert describe_dependency(click) == "click on Button 'Add Items' \u2192 add_items"
    assert (
        describe_dependency(change) == f"change on State {change.triggers[0][0].id} \u2192 <lambda>"
    )
    assert describe_dependency(None) == "load"


# -- the event path never waits on the database -------------------------------------------------


async def test_events_are_answered_while_the_database_is_slow_and_recorded_after(
    recording, settings, monkeypatch
):
    """The writer thread is stuck in a write (a slow database); pages are answered meanwhile."""
    blocksstate_settings(settings, ACTIVITY_FLUSH_SECONDS=0.05)
    writing, finish = threading.Event(), threading.Event()
    real_write = recording_module.write_batch

    def slow_write(batch):
        writing.set()
        finish.wait(30)
        real_write(batch)

    monkeypatch.setattr(recording_module, "write_batch", slow_write)
    try:
        with registered(cart_app()) as app:
            async with PageClient(app) as client:
                # The flusher takes the session's start to the database, and is stuck there.
                await eventually(writing.is_set, what="the flusher to start writing")
                for items in (["Milk"], ["Water"], ["Cereal"]):
                    started = time.perf_counter()
                    await client.click("Add Items", {"Items": items})
                    assert time.perf_counter() - started < PROMPT
                assert client.value("Cart Size") == 3
                assert await LiveSession.objects.acount() == 0  # nothing written yet
                finish.set()

                async def written():
                    live, events = await rows(client.session_id)
                    return live is not None and len(events) == 3 and live

                live = await eventually(written, what="the held records to be written")
                assert live.event_count == 3
    finally:
        finish.set()


async def test_events_are_answered_while_the_database_is_locked_and_recorded_after(
    recording, settings, caplog
):
    """Another connection holds an exclusive lock: writes fail and wait in memory, pages go on."""
    blocksstate_settings(settings, ACTIVITY_FLUSH_SECONDS=0.05)
    with registered(cart_app()) as app:
        # Locked before the page opens: no flush can write its session's start first.
        with caplog.at_level(logging.WARNING, logger="blocksstate"), database_locked():
            client = await PageClient(app).open()
            for items in (["Milk"], ["Water"]):
                started = time.perf_counter()
                await client.click("Add Items", {"Items": items})
                assert time.perf_counter() - started < PROMPT
            assert not await recorder.flush()  # refused, kept for later
            assert recorder.pending == 3  # the session and its two events
        assert any("Could not record session activity" in r.getMessage() for r in caplog.records)
        async with client:

            async def written():
                live, events = await rows(client.session_id)
                return live is not None and len(events) == 2 and live

            live = await eventually(written, what="the kept records to be written")
            assert live.event_count == 2


async def test_the_buffer_is_bounded_while_the_database_is_down(
    recording, settings, caplog, monkeypatch
):
    blocksstate_settings(settings, ACTIVITY_BUFFER_SIZE=5)

    def down(batch):
        raise OperationalError("the database is down")

    monkeypatch.setattr(recording_module, "write_batch", down)
    demo = cart_app()
    session = Session.new(demo)
    with caplog.at_level(logging.WARNING, logger="blocksstate"):
        recorder.session_started(session, {})
        for _ in range(20):
            recorder.event_finished(session, None, time.time(), 0.001, True)
        assert recorder.pending == 5
        assert recorder.dropped == 16
        assert not await recorder.flush()
        assert recorder.pending == 5
        monkeypatch.undo()  # the database is back
        assert await recorder.flush()

    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("Dropped 16 session activity records") for m in messages)
    live = await LiveSession.objects.aget(session_id=session.id)
    assert live.event_count == 20  # the counts add up even when event rows are dropped
    assert await EventLog.objects.acount() == 4


async def test_a_database_that_refuses_writes_is_retried_less_and_less_often(
    recording, settings, monkeypatch
):
    """No retry storm: while writes fail, urgent wakes are ignored and the delay doubles."""
    blocksstate_settings(settings, ACTIVITY_FLUSH_SECONDS=0.05, ACTIVITY_BUFFER_SIZE=20)
    attempts = []

    def missing_table(batch):
        attempts.append(time.monotonic())
        raise OperationalError("no such table: blocksstate_livesession")

    monkeypatch.setattr(recording_module, "write_batch", missing_table)
    session = Session.new(cart_app())
    recorder.session_started(session, {})
    for _ in range(60):  # a full buffer: every note would wake the flusher at once
        for _ in range(20):
            recorder.event_finished(session, None, time.time(), 0.001, True)
        await asyncio.sleep(0.01)
    # Over 0.6 s: attempts after 0.05 s, then 0.1, 0.2, 0.4 s later at most.
    assert 1 <= len(attempts) <= 5
    assert recorder.failures == len(attempts)
    assert recorder.pending == 20  # still bounded
    assert [recorder.retry_delay() for recorder.failures in (1, 2, 12, 30)] == [
        0.1,
        0.2,
        recording_module.RETRY_AT_MOST,
        recording_module.RETRY_AT_MOST,
    ]
    monkeypatch.undo()  # the table is there again
    recorder.failures = 1
    assert await recorder.flush()
    assert recorder.failures == 0


# -- retention ----------------------------------------------------------------------------------


def make_session(session_id: str, days_ago: float, ended: bool = True, events: int = 1):
    when = datetime.now(UTC) - timedelta(days=days_ago)
    live = LiveSession.objects.create(
        session_id=session_id,
        app="cart",
        connected_at=when,
        last_seen_at=when,
        closed_at=when if ended else None,
    )
    for _ in range(events):
        EventLog.objects.create(session=live, event="click", started_at=when, duration_ms=1)
    return live


@pytest.fixture
def history():
    """Sessions ended 10 and 1 days ago, one not seen for 30 days, one live with an old event."""
    make_session("old-ended", 10, events=2)
    make_session("recent-ended", 1)
    make_session("abandoned", 30, ended=False)
    live = make_session("live", 0, ended=False, events=0)
    EventLog.objects.create(
        session=live,
        event="click",
        started_at=datetime.now(UTC) - timedelta(days=8),
        duration_ms=1,
    )


def remaining() -> tuple[list[str], int]:
    sessions = sorted(LiveSession.objects.values_list("session_id", flat=True))
    return sessions, EventLog.objects.count()


def test_purge_removes_what_is_older_than_the_retention(history):
    assert purge(days=7, dry_run=True) == (2, 4)
    assert remaining() == (["abandoned", "live", "old-ended", "recent-ended"], 5)

    assert purge(days=7) == (2, 4)
    assert remaining() == (["live", "recent-ended"], 1)


def test_the_cleanup_command_reports_and_can_dry_run(history, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # no other test's files
    settings.BLOCKSSTATE = {"RETENTION_DAYS": 7}
    out = StringIO()
    call_command("blocksstate_cleanup", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Would remove 2 session(s) and 4 event log entries older than 7 day(s)."
    )
    assert remaining()[1] == 5

    out = StringIO()
    call_command("blocksstate_cleanup", "--days", "0.5", stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Removed 3 session(s) and 5 event log entries older than 0.5 day(s)."
    )
    assert remaining() == (["live"], 0)


async def test_the_sweep_purges_at_most_hourly_in_a_thread(recording, monkeypatch):
    await sync_to_async(make_session)("old", 30)
    calls = []
    real = recording_module.purge_in_thread

    def purge_in_thread():
        calls.append(threading.current_thread().name)
        return real()

    monkeypatch.setattr(recording_module, "purge_in_thread", purge_in_thread)

    assert await recorder.purge_if_due() == (1, 1)
    assert await recorder.purge_if_due() is None  # not due again for an hour
    assert calls and calls[0].startswith("blocksstate-activity")
    assert await LiveSession.objects.acount() == 0


async def test_the_sweep_loop_runs_the_retention(monkeypatch):
    ran = asyncio.Event()

    async def purge_if_due():
        ran.set()

    monkeypatch.setattr(activity, "purge_if_due", purge_if_due)
    with gr.Blocks(delete_cache=(0.01, 1)) as quick:
        gr.Number()
    with registered(quick):
        task = asyncio.ensure_future(Sweeper().run_forever())
        try:
            await asyncio.wait_for(ran.wait(), 10)
        finally:
            task.cancel()


def test_later_batches_add_to_a_live_sessions_counts_and_keep_the_latest_time():
    from blocksstate.activity.records import Batch, SessionRecord
    from blocksstate.activity.writer import write_batch

    start = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    opened = {"connected_at": start}
    write_batch(
        Batch(
            {
                "a": SessionRecord("a", "app", created=opened, events=1),
                "b": SessionRecord("b", "app", created=opened),
            }
        )
    )
    later = start + timedelta(minutes=5)
    write_batch(
        Batch(
            {
                "a": SessionRecord("a", "app", last_seen=later, events=2, errors=1),
                "b": SessionRecord("b", "app", last_seen=later),  # a heartbeat only
            }
        )
    )
    write_batch(Batch({"a": SessionRecord("a", "app", events=4)}))  # counted, time unknown

    a, b = (LiveSession.objects.get(session_id=i) for i in "ab")
    assert (a.event_count, a.error_count, a.last_seen_at) == (7, 1, later)
    assert (b.event_count, b.error_count, b.last_seen_at) == (0, 0, later)
    assert a.closed_at is None and a.connected_at == start


def test_a_batchs_events_are_written_exactly_and_those_of_an_unknown_session_left_out():
    from blocksstate.activity.records import Batch, EventRecord, SessionRecord
    from blocksstate.activity.writer import write_batch

    start = datetime(2026, 11, 22, 9, 0, 0, 123456, tzinfo=UTC)
    events = [
        EventRecord("a", 3, "click on Button 'Add' \u2192 add", start, 1.25, True, ""),
        EventRecord("gone", 3, "click", start, 1.0, True, ""),  # its record was dropped
        EventRecord("a", None, "x" * 400, start + timedelta(seconds=1), 0.5, False, "Boom\nline 2"),
    ]
    write_batch(
        Batch({"a": SessionRecord("a", "app", created={"connected_at": start}, events=2)}, events)
    )

    stored = EventLog.objects.order_by("id")
    assert [
        (e.session.session_id, e.dependency_id, e.event, e.started_at, e.duration_ms, e.ok, e.error)
        for e in stored
    ] == [
        ("a", 3, "click on Button 'Add' \u2192 add", start, 1.25, True, ""),
        ("a", None, "x" * 300, start + timedelta(seconds=1), 0.5, False, "Boom\nline 2"),
    ]


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a thread's own nice value is Linux's"
)
def test_the_writer_thread_runs_at_a_lower_priority_than_the_event_loop():
    def nice() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    before = nice()
    writer = recording_module.Recorder()._executor.submit(nice).result()
    assert writer == min(19, before + recording_module.WRITER_NICENESS)
    assert nice() == before  # the thread that serves events keeps its priority


def test_a_connected_sessions_heartbeat_is_noted_at_most_every_30_seconds(recording):
    session = Session.new(cart_app())
    recorder.session_seen(session)
    first = recorder._take().sessions[session.id].last_seen
    recorder.session_seen(session)
    assert recorder.pending == 0
    assert first is not None


@pytest.mark.parametrize(
    "name, value",
    [("RETENTION_DAYS", 0), ("ACTIVITY_FLUSH_SECONDS", -1), ("ACTIVITY_BUFFER_SIZE", 1.5)],
)
def test_the_recorder_settings_are_checked(settings, name, value):
    from blocksstate.checks import check_settings

    settings.BLOCKSSTATE = {name: value}
    (message,) = [m for m in check_settings() if m.id == "blocksstate.E004"]
    assert name in message.msg

"""Helpers for the admin and activity tests: recording on, a database held locked, a cart app."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.db import OperationalError

import blocksstate as gr
from blocksstate.activity import Recorder, recorder
from blocksstate.models import EventLog, LiveSession


async def closing_connections() -> AsyncIterator[None]:
    """Body of an autouse fixture of the async database tests: see ``close_connections``."""
    yield
    await sync_to_async(close_connections)()


def recording_on(settings) -> Iterator[Recorder]:
    """Body of the ``recording`` fixture: the recorder on (the suite's settings keep it off), empty.

    The flusher's own tick is long, so rows appear when the test flushes, unless it asks
    for a shorter tick with ``blocksstate_settings(settings, ACTIVITY_FLUSH_SECONDS=...)``.
    """
    settings.BLOCKSSTATE = {"RECORD_SESSIONS": True, "ACTIVITY_FLUSH_SECONDS": 600}
    recorder.clear()
    yield recorder
    recorder.clear()


def close_connections() -> None:
    """Close this thread's database connections, even to the in-memory test database.

    Async ORM calls and AsyncClient views run in asgiref's one thread for sync code,
    and leave a connection there; Channels' consumers later check it from that thread
    (``close_old_connections``), which tests without database access refuse. Django
    keeps a connection to an in-memory SQLite open on ``close()`` (closing it would
    destroy the database): the main thread's connection keeps it alive instead.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        if connection.connection is not None:
            connection.connection.close()
            connection.connection = None


async def rows(session_id: str) -> tuple[LiveSession | None, list[EventLog]]:
    """A session's row and its events (newest first), or ``(None, [])`` while the table is locked.

    The test database is SQLite in shared-cache mode, where a read during another
    connection's write fails at once instead of waiting.
    """
    try:
        # Events first: a batch writes a session's counts and its events in one transaction,
        # so the row read after the events counts at least those (read the other way round,
        # a batch committed between the two reads shows its events beside the older counts).
        events = [e async for e in EventLog.objects.filter(session__session_id=session_id)]
        live = await LiveSession.objects.filter(session_id=session_id).afirst()
    except OperationalError:
        return None, []
    return live, events


def cart_app() -> gr.Blocks:
    """The cart of the state guide, with a button that fails and a State that says when it is reset."""
    with gr.Blocks() as demo:
        cart = gr.State([])
        items = gr.CheckboxGroup(["Cereal", "Milk", "Orange Juice", "Water"], label="Items")

        def add_items(new_items, previous_cart):
            return previous_cart + new_items

        def check_out(cart):
            raise gr.Error("The shop is closed")

        gr.Button("Add Items").click(add_items, [items, cart], cart)
        gr.Button("Check Out").click(check_out, cart, None)
        size = gr.Number(label="Cart Size")
        cart.change(lambda cart: len(cart), cart, size)
    return demo


@contextlib.contextmanager
def database_locked() -> Iterator[None]:
    """Hold an exclusive lock on the database from another thread, as a long write elsewhere does."""
    locked, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        from django.db import connections

        connection = connections["default"]  # this thread's own connection
        try:
            with connection.cursor() as cursor:
                deadline = time.monotonic() + 10
                while True:  # shared-cache SQLite refuses at once while a flush writes
                    try:
                        cursor.execute("BEGIN EXCLUSIVE")
                        break
                    except OperationalError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.01)  # a poll step: the flush takes milliseconds
                locked.set()
                release.wait(30)
                cursor.execute("COMMIT")
        except BaseException as exc:  # noqa: BLE001  (reported to the test)
            failure.append(exc)
            locked.set()
        finally:
            connection.close()

    holder = threading.Thread(target=hold, name="database-lock-holder")
    holder.start()
    locked.wait(10)
    if failure:
        raise failure[0]
    try:
        yield
    finally:
        release.set()
        holder.join(10)

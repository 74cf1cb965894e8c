"""A page's ``hello``: start its session, or resume it, and answer whole (docs/protocol.md).

A socket whose user the app's access rule refuses, or that asks to resume a session of
another user, is closed (4401) with a ``closed`` frame that says why: no session.

Everything that can fail (joining the session's group, storing it) is done before
the ``session`` frame; a failure closes the socket with a code the page retries on.
"""

from __future__ import annotations

import contextlib
import logging
import time
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from .. import activity, protocol
from ..app.access import USER_CHANGED, decide_async, user_key
from ..app.registry import access_rule
from ..components.schema import check_json_safe
from ..engine import file_values, global_changes, page_updates
from ..engine.request import Request
from ..engine.runner import InvalidInput
from ..files import access
from ..i18n import gettext_noop
from ..sessions import lifecycle
from ..sessions.resume import UserChanged, resume_token
from ..sessions.session import Session
from . import outside

if TYPE_CHECKING:
    from .connection import Connection

logger = logging.getLogger("blocksstate")

RESYNC_FAILED_NOTICE = gettext_noop(
    "Your session could not be restored (it holds a value this page cannot show); "
    "a new one was started."
)


async def start(connection: Connection, hello: protocol.Hello) -> None:
    """Give the page its session, new or resumed, then its values (a resync, or ``load``'s)."""
    if connection.session is not None:
        raise protocol.ProtocolError("bad_frame", "this connection already has a session")
    user = connection.scope.get("user")
    decision = await decide_async(access_rule(connection.blocks.name or ""), user)
    if not decision.allowed:
        await _refuse(connection, decision.reason)
        return
    try:
        # A resume takes the session's lock and keeps it until the session is taken over.
        async with contextlib.AsyncExitStack() as resume_lock:
            await _start(connection, hello, resume_lock)
    except UserChanged:
        await _refuse(connection, str(USER_CHANGED))


async def _refuse(connection: Connection, reason: str) -> None:
    """Tell the page why it may not have a session here, and close its socket for good."""
    await connection.send(protocol.closed(reason))
    await connection.refuse(protocol.CLOSE_ACCESS_DENIED)


async def _start(
    connection: Connection, hello: protocol.Hello, resume_lock: contextlib.AsyncExitStack
) -> None:
    engine, blocks = connection.engine, connection.blocks
    user_id = user_key(connection.scope.get("user"))
    session, notice = None, None
    if hello.resume:
        session, notice = await lifecycle.resume(
            connection.store, blocks, hello.resume, user_id, resume_lock
        )
    if session is not None and not _can_show(connection, session):
        # Left to the sweep, which ends it once its heartbeats stop.
        session, notice = None, gettext(RESYNC_FAILED_NOTICE)
    resumed = session is not None
    if session is None:
        session = Session.new(blocks, user_id)
        # Before ``load`` reads them: a change made meanwhile is announced with a newer version.
        await global_changes.start_up_to_date(engine, session)
    session.request = Request.from_scope(connection.scope, session.id, blocks.name)
    tokens = {}
    if not resumed and hello.browser:
        tokens = engine.restore_browser_state(session, hello.browser)
    connection.session = session
    if hello.values:
        try:
            engine.apply_page_values(session, engine.validate_values(session, hello.values))
        except InvalidInput as exc:
            message = gettext("page values ignored: %(problem)s") % {"problem": exc.message}
            await connection.send(protocol.error("invalid_input", message))
    if not await _prepare(connection, session):
        return
    if resumed:
        try:
            await connection.socket.detach_previous(session.id, session.epoch)
        except Exception:  # the previous connection is fenced off anyway (``SessionStore.reload``)
            logger.warning("Could not detach the previous page of a session", exc_info=True)
    send = connection.send
    # Values sent from here on carry file URLs signed for this page's browser.
    access.current_viewer.set(file_values.viewer(session))
    upload = access.upload_token(blocks.name or "", session.id)
    await send(protocol.session_frame(session.id, resume_token(session), resumed, notice, upload))
    if tokens:
        await send(protocol.browser_state(None, None, tokens))
    (activity.session_resumed if resumed else activity.session_started)(session, connection.scope)
    if resumed:
        await send(protocol.update(None, None, page_updates.page_state(blocks, session, True)))
        if engine.tracker.global_states:
            # GlobalStates changed while the page was away: their listeners run once now.
            caught_up = await global_changes.catch_up(engine, session, send)
            await connection.store.save(session, connection.hold.key_timeout)
            await outside.publish(connection, caught_up)
    else:
        # A page that asked to resume shows another session's values: replace them all.
        initial = page_updates.page_state(blocks, session, everything=hello.resume is not None)
        if initial:
            await send(protocol.update(None, None, initial))
        loaded = await engine.run_load(session, send)
        await connection.store.save(session, connection.hold.key_timeout)
        await outside.publish(connection, loaded)
    if connection.open:
        connection.hold.keep_alive(connection.superseded)
    else:  # the page went while its session started: its grace runs from now, as after a drop
        connection.hold.lost(time.monotonic(), None)


async def _prepare(connection: Connection, session: Session) -> bool:
    """Do what can fail before the page hears of its session: join its group, store it.

    On failure the socket is closed with a code the page retries on, rather than
    leave it a session without the group or the store (no resync, no ``load``).
    """
    try:
        await connection.socket.join_session_group(session.id)
        await connection.store.save(session, connection.hold.key_timeout)
    except Exception:
        logger.warning("Could not start a session of app %r", connection.blocks.name, exc_info=True)
        await connection.refuse(protocol.CLOSE_TRY_AGAIN)  # no event for a session never heard of
        return False
    return True


def _can_show(connection: Connection, session: Session) -> bool:
    """Whether a resumed session's values can be sent to the page (its resync) and used."""
    try:
        updates = page_updates.page_state(connection.blocks, session, True)
        for entry in updates.values():
            if "value" in entry:  # a layout's or a ``@gr.render`` region's entry has none
                check_json_safe(entry["value"])  # e.g. an int that would overflow float()
        protocol.encode(protocol.update(None, None, updates))
    except Exception:
        logger.exception(
            "Session %s of app %r holds a value its page cannot be sent or use; a new session "
            "was started in its place",
            session.id,
            connection.blocks.name,
        )
        return False
    return True


async def token_received(connection: Connection) -> None:
    """The page proved it holds this connection's resume token: older ones are void now."""
    session = connection.session
    if session is None:
        return
    async with connection.hold.transaction(session) as session:
        session.prove_token()

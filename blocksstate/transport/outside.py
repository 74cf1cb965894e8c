"""Changes made outside the page, handled in turn with its events: another session's
GlobalState change, and the admin's actions (end the session, reset its State)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from .. import protocol
from ..engine import global_changes
from ..sessions import lifecycle
from ..sessions.actions import DISCONNECT_REASON

if TYPE_CHECKING:
    from ..engine.outcome import Outcome
    from ..sessions.session import Session
    from .connection import Connection


@dataclass(frozen=True)
class GlobalChanged:
    """The GlobalState ``key`` this app uses changed (to ``version``; 0: unknown)."""

    key: str
    version: int = 0


@dataclass(frozen=True)
class EndRequested:
    """An administrator disconnected this session (see ``sessions.actions``)."""

    reason: str


@dataclass(frozen=True)
class StateCleared:
    """An administrator reset this session's State in the store (see ``sessions.actions``)."""


Change = GlobalChanged | EndRequested | StateCleared


async def handle(connection: Connection, change: Change) -> None:
    """Run the listeners that follow from ``change``, or end the session it asks to end."""
    engine, send = connection.engine, connection.send
    if isinstance(change, GlobalChanged):
        session = connection.session
        if session is None or 0 < change.version <= session.globals_seen.get(change.key, 0):
            return  # seen already: a burst of changes runs the listeners once, for the last
        await _in_session(
            connection,
            lambda s: global_changes.run_change(engine, s, change.key, change.version, send),
        )
    elif isinstance(change, EndRequested):
        await _end(connection, change.reason)
    elif connection.session is not None:
        # The store holds the cleared values: the session is reloaded from it.
        before = dict(connection.session.pickled)
        await _in_session(connection, lambda s: engine.run_stored_changes(s, before, send))


async def _in_session(connection: Connection, run: Callable[[Session], Awaitable[Outcome]]) -> None:
    session = connection.session
    if session is None:
        return
    async with connection.hold.transaction(session) as session:
        outcome = await run(session)
    await publish(connection, outcome)


async def publish(connection: Connection, outcome: Outcome) -> None:
    """Tell the other sessions of the GlobalStates ``outcome`` changed, through their groups."""
    for state in connection.engine.tracker.global_states:
        version = outcome.globals_changed.get(state.id)
        if version is not None:
            await connection.socket.publish(state.key, version)


async def _end(connection: Connection, reason: str) -> None:
    """An administrator ended this session: say why (the default reason in the page's
    language), close the socket, end it."""
    await connection.send(
        protocol.closed(gettext(reason) if reason == DISCONNECT_REASON else reason)
    )
    session, connection.session = connection.session, None
    await connection.refuse(None)
    if session is not None:
        await lifecycle.end_session(
            connection.engine, connection.store, session, reason="disconnected by an administrator"
        )

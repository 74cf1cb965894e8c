"""A page's events: each run at most once, answered, and noted for the admin (docs/protocol.md)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from .. import activity, protocol
from ..engine import page_updates
from ..engine.outcome import Outcome
from ..engine.runner import InvalidInput, UnknownDependency
from ..sessions.base import SessionBusy, SessionConflict
from . import outside

if TYPE_CHECKING:
    from ..sessions.session import Session
    from .connection import Connection


async def answer(connection: Connection, frame: protocol.EventFrame) -> None:
    """Run the page's event in its session and answer it; a refusal raises ``ProtocolError``."""
    session = connection.session
    if session is None:
        raise protocol.ProtocolError("no_session", "send a hello frame before events", frame.seq)
    # Noted for the admin once answered (in memory: see ``activity``).
    started, clock = time.time(), time.perf_counter()
    outcome: Outcome | None = None
    error = ""
    try:
        outcome = await _run(connection, session, frame)
    except protocol.ProtocolError as exc:
        if exc.code == "unknown_event":
            raise  # not an event of this app: nothing to note
        error = exc.message
        raise
    except Exception as exc:
        error = f"internal error ({type(exc).__name__})"
        raise
    finally:
        if outcome is not None or error:  # None and no error: it had run before, and was answered
            errors = (outcome.errors if outcome is not None else []) + ([error] if error else [])
            activity.event_finished(
                connection.session or session,
                _dependency(connection, frame.dep),
                started,
                time.perf_counter() - clock,
                outcome is not None and outcome.ok and not errors,
                "\n".join(errors),
            )


async def _run(
    connection: Connection, session: Session, frame: protocol.EventFrame
) -> Outcome | None:
    """Run the event and answer it; return what it did, or None if it had run before."""
    outcome: Outcome | None = None
    try:
        async with connection.hold.transaction(session) as session:
            if (ran_before := session.ran_before(frame.seq)) is not None:
                # Re-sent after a resume: the resume's resync already showed what it did.
                await connection.send(protocol.done(frame.seq, ran_before))
                return None
            outcome = await connection.engine.run_event(
                session,
                frame.dep,
                frame.values,
                frame.seq,
                connection.send,
                frame.data,
                frame.trigger,
            )
            session.note_ran(frame.seq, outcome.ok)  # saved with what the event changed
            # Its write may wait (Redis): the event's last update goes with its done.
            connection.socket.hold_frames()
        if outcome.globals_changed:
            await outside.publish(connection, outcome)
        await connection.send(protocol.done(frame.seq, outcome.ok))
    except SessionConflict:
        # Another worker wrote meanwhile: drop this event's changes, keep theirs, and
        # show theirs where the page was shown this event's.
        stored = connection.session = await connection.store.reload(connection.blocks, session)
        if outcome is not None and outcome.shown:
            kept = page_updates.kept_updates(connection.blocks, stored, outcome.shown)
            await connection.send(protocol.update(None, None, kept))
        message = gettext(
            "This session changed on the server meanwhile; the action was not applied."
        )
        raise protocol.ProtocolError("conflict", message, frame.seq) from None
    except InvalidInput as exc:
        component_id = getattr(exc.component, "id", None)
        kept = None
        if component_id in session.values and not exc.component.blocking_io:
            # The page shows what it sent: it is given the kept value to show again.
            kept = exc.component.page_update(session.values[component_id])
        raise protocol.ProtocolError(
            "invalid_input", exc.message, frame.seq, component_id, kept
        ) from None
    except UnknownDependency as exc:
        raise protocol.ProtocolError("unknown_event", str(exc), frame.seq) from None
    except SessionBusy:
        message = gettext(
            "The server is busy with this session; the action was not run. Try again."
        )
        raise protocol.ProtocolError("busy", message, frame.seq) from None
    finally:
        connection.socket.release_frames()
    return outcome


def _dependency(connection: Connection, dependency_id: int) -> Any:
    """The event's dependency, or its id when the app has none such (noted as sent)."""
    try:
        return connection.blocks.dependency(dependency_id)
    except KeyError:
        return dependency_id

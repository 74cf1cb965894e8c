"""Acting on a session from outside its page (the admin): disconnect it, clear its state.

Whichever worker serves the page hears about it through the channel layer: its
consumer joins the group ``session_group(session_id)`` once the session starts.
Clearing writes the defaults into the store itself, under the session's lock,
so it holds even when no page is connected; the serving worker then reloads
the session and runs the ``.change`` listeners of what changed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ..app.registry import get_engine
from ..components.state import BrowserState, State
from ..i18n import gettext_noop
from ..state.tracking import call_delete_callback
from .backends import get_store
from .lifecycle import key_timeout
from .session import Session

# Said to the page in its own language (``outside``): marked here, translated there.
DISCONNECT_REASON = gettext_noop("Disconnected by an administrator.")
DISCONNECT_MESSAGE = "blocksstate.disconnect"
STATE_CLEARED_MESSAGE = "blocksstate.state_cleared"
DETACH_MESSAGE = "blocksstate.detach"


def session_group(session_id: str) -> str:
    """The channel-layer group of one session.

    Named after a digest of the id, so the id itself never appears in the channel
    layer's keys (which outlive a worker that dies without leaving its groups).
    """
    digest = hashlib.sha256(session_id.encode()).hexdigest()[:40]
    return f"blocksstate.session.{digest}"


async def _group_send(session_id: str, message: dict[str, Any]) -> bool:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return False
    await layer.group_send(session_group(session_id), message)
    return True


async def disconnect(session_id: str, reason: str = DISCONNECT_REASON) -> bool:
    """Ask the worker serving a session to end it and close its page with ``reason``.

    Returns False when there is no channel layer to ask through. A page that is
    not connected at that moment (its connection dropped, waiting to resume) is
    not reached.
    """
    return await _group_send(session_id, {"type": DISCONNECT_MESSAGE, "reason": reason})


async def detach_previous(session_id: str, epoch: int) -> bool:
    """Close the connections that hold a session at an epoch before ``epoch`` (a resume's)."""
    return await _group_send(session_id, {"type": DETACH_MESSAGE, "epoch": epoch})


def reset_states(session: Session, states: list[State]) -> list[State]:
    """Put each State back to its default in ``session``; return those whose value changed."""
    return [state for state in states if session.reset_state(state)]


def clearable_states(blocks: Any) -> list[State]:
    """The States "clear state" resets: per-session, kept on the server.

    A GlobalState belongs to every session, and a BrowserState's value lives in
    the visitor's browser (its token would bring the old value back): both are left.
    """
    return [
        c
        for c in blocks.components.values()
        if isinstance(c, State) and not c.shared and not isinstance(c, BrowserState)
    ]


async def clear_state(app: str, session_id: str) -> bool:
    """Reset a session's State values to their defaults; False if it is not in the store.

    Runs each reset State's ``delete_callback`` with the value it held, then tells
    the worker serving the page (if any), which reloads the session and runs the
    ``.change`` listeners of the States that changed.
    """
    engine = get_engine(app)
    async with get_store().transaction(engine.blocks, session_id, key_timeout(engine)) as session:
        if session is None:
            return False
        old = dict(session.values)
        changed = reset_states(session, clearable_states(engine.blocks))
    for state in changed:
        if state.delete_callback is not None:
            await call_delete_callback(state, old.get(state.id))
    await _group_send(session_id, {"type": STATE_CLEARED_MESSAGE})
    return True

"""A session and the GlobalStates its app uses: once per version, whoever made the change.

Each session notes the newest version of each key it is up to date with
(``Session.globals_seen``, stored with it). A change announced on the channel layer runs
the key's ``.change`` listeners unless the session saw that version already; a resumed
session runs them once for the keys that changed while it was away; a new one starts up
to date (its ``load`` shows the values).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..state.tracking import noting_versions_read
from .outcome import Outcome

if TYPE_CHECKING:
    from ..sessions.session import Session
    from .feedback import Send
    from .runner import Engine


async def run_change(
    engine: Engine, session: Session, key: str, version: int, send: Send
) -> Outcome:
    """Run the listeners of the GlobalState ``key``, changed elsewhere, unless this session saw
    ``version`` already; the session is then up to date with the stored version."""
    current = (await engine.tracker.global_versions()).get(key, 0)
    if not session.saw_global(key, max(version, current)):
        return Outcome()
    return await _run_listeners(engine, session, [key], send)


async def catch_up(engine: Engine, session: Session, send: Send) -> Outcome:
    """Run the listeners of the GlobalStates changed since this session last saw them."""
    versions = await engine.tracker.global_versions()
    changed = [key for key, version in versions.items() if session.saw_global(key, version)]
    return await _run_listeners(engine, session, changed, send)


async def start_up_to_date(engine: Engine, session: Session) -> None:
    """Note the current versions in a new session (before its ``load`` reads the values)."""
    for key, version in (await engine.tracker.global_versions()).items():
        session.saw_global(key, version)


async def _run_listeners(engine: Engine, session: Session, keys: list[str], send: Send) -> Outcome:
    states = [s for s in engine.tracker.global_states if s.key in keys]
    roots = [d for state in states for d in engine.listeners(state, "change")]
    if not roots:
        return Outcome()
    # A listener may read a newer version than the one announced (a burst of changes): the
    # session has then seen that one, and its own announcement, coming next, runs nothing.
    with noting_versions_read() as read:
        outcome = await engine.run_chain(session, roots, None, send)
    for key, version in read.items():
        session.saw_global(key, version)
    return outcome

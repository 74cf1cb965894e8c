"""Noting calls that must not run on the event loop, for the engine's choice of where a handler runs.

A synchronous handler that is short may run on the event loop (``engine/inline.py``). One
that uses an API that refuses the loop (a GlobalState's ``get()``/``set()``, the ORM) must
not: while its first calls run in a handler thread, such APIs note their use here.
"""

from __future__ import annotations

import threading

_watched = threading.local()


def note_sync_only() -> None:
    """Say that the current handler call used an API that must not run on the event loop."""
    if getattr(_watched, "active", False):
        _watched.seen = True


def start_watching() -> None:
    """Begin noting, in this thread, the sync-only APIs a call uses."""
    _watched.active, _watched.seen = True, False


def stop_watching() -> bool:
    """Stop noting in this thread; return whether a sync-only API was used meanwhile."""
    seen = getattr(_watched, "seen", False)
    _watched.active = _watched.seen = False
    return seen

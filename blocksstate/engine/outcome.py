"""What running an event did: the engine's answer to whoever ran it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Outcome:
    """The result of an event (or of ``load`` or a change listener), with all its steps.

    The frames were sent as the steps committed; this says what they amounted to.
    """

    # Whether the first step succeeded (a chain stopped at MAX_CHAIN_STEPS: False).
    ok: bool = True
    # The error messages the page was shown, in order.
    errors: list[str] = field(default_factory=list)
    # The BrowserState tokens the page was given to store, by storage key (the last of each).
    browser_tokens: dict[str, str] = field(default_factory=dict)
    # GlobalStates whose stored value changed, with their new version: other sessions are
    # told to run their listeners.
    globals_changed: dict[int, int] = field(default_factory=dict)
    # What the page was shown, by component id: property names and "value".
    shown: dict[str, set[str]] = field(default_factory=dict)


def note_shown(shown: dict[str, set[str]], updates: Mapping[str, Mapping[str, Any]]) -> None:
    """Add to ``shown`` what ``updates`` show: property names and "value", by component id."""
    for key, entry in updates.items():
        shown.setdefault(key, set()).update(entry)

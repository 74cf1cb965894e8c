"""``blocksstate.context_processors.global_states``: GlobalState values in every template.

Add it to ``TEMPLATES[...]["OPTIONS"]["context_processors"]`` and write
``{{ global_states.announcement }}``. Each value is read from the cache only when a
template uses it; a key no GlobalState is declared with renders as an unknown variable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.http import HttpRequest

from .components.global_state import GlobalStateError, declared, declared_keys


class GlobalValues(Mapping[str, Any]):
    """The current value of each declared GlobalState, by key, read when looked up."""

    def __getitem__(self, key: str) -> Any:
        try:
            state = declared(key)
        except GlobalStateError:
            raise KeyError(key) from None
        return state.get()

    def __iter__(self) -> Iterator[str]:
        return iter(declared_keys())

    def __len__(self) -> int:
        return len(declared_keys())


def global_states(request: HttpRequest) -> dict[str, Any]:
    """Put ``global_states`` (the declared GlobalStates' values, by key) in the context."""
    return {"global_states": GlobalValues()}

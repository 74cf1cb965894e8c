"""Activity in words: who is behind a socket, a component, a handler, an event."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..events import Dependency


def describe_scope(scope: Mapping[str, Any]) -> dict[str, Any]:
    """Who is behind a WebSocket: user, Django session, address and browser (as model fields)."""
    user = scope.get("user")
    user_id = None
    if user is not None and getattr(user, "is_authenticated", False):
        user_id = user.pk
    session = scope.get("session")
    session_key = getattr(session, "session_key", None) if session is not None else None
    headers = dict(scope.get("headers") or [])
    agent = headers.get(b"user-agent", b"").decode("latin-1")
    client = scope.get("client") or (None, None)
    return {
        "user_id": user_id,
        "django_session_key": (session_key or "")[:40],
        "client_address": str(client[0] or "")[:64],
        "user_agent": agent[:300],
    }


def describe_block(block: Any) -> str:
    """A component as a visitor sees it: ``Button 'Add Items'``, ``Number 'Cart Size'``."""
    from ..blocks import Blocks

    if isinstance(block, Blocks):
        return "the app"
    kind = type(block).__name__
    label = getattr(block, "label", None)
    if not label and isinstance(getattr(block, "value", None), str) and block.value:
        label = block.value  # a button's text
    return f"{kind} {label!r}" if label else f"{kind} {block.id}"


def function_name(fn: Any) -> str:
    """A handler's name as its code says it: ``add_items``, ``Cart.add`` (no ``<locals>``)."""
    if fn is None:
        return "no function"
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    return name.rsplit("<locals>.", 1)[-1]


@functools.lru_cache(maxsize=4096)
def _describe(dependency: Dependency) -> str:
    triggers = dependency.client_triggers or dependency.triggers
    when = ", ".join(f"{event} on {describe_block(block)}" for block, event in triggers)
    return f"{when} \u2192 {function_name(dependency.fn)}"


def describe_dependency(dependency: Dependency | int | None) -> str:
    """An event in words: ``click on Button 'Add Items' → add_items``."""
    from ..events import Dependency

    if isinstance(dependency, Dependency):
        return _describe(dependency)
    return "load" if dependency is None else f"event {dependency}"

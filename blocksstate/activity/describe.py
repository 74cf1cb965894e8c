"""Activity in words: who is behind a socket, a component, a handler, an event."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.http.cookie import parse_cookie
from django.utils.crypto import salted_hmac

from ..engine.request import CREDENTIAL_HEADERS, REDACTED, Request

if TYPE_CHECKING:
    from ..app.events import Dependency


BROWSER_HASH_SALT = "blocksstate.activity.browser"


def browser_hash(django_session_key: str | None) -> str:
    """A keyed hash of a Django session key: equal for one browser's sessions, useless as a cookie.

    The key itself logs in as the visitor; the admin must never hold it.
    """
    if not django_session_key:
        return ""
    return salted_hmac(BROWSER_HASH_SALT, django_session_key, algorithm="sha256").hexdigest()


def describe_scope(scope: Mapping[str, Any]) -> dict[str, Any]:
    """Who is behind a WebSocket: user, browser, address and user agent (as model fields)."""
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
        "browser_hash": browser_hash(session_key),
        "client_address": str(client[0] or "")[:64],
        "user_agent": agent[:300],
    }


# Shorter cookie values (a theme, a language) are not credentials; replacing them garbles the text.
MIN_SECRET_CHARS = 8


def _credentials(request: Request) -> list[str]:
    """What in a request opens a session: its cookies' values, its Cookie and Authorization headers."""
    found = set(request.cookies.values())
    for name in CREDENTIAL_HEADERS:
        value = request.headers.get(name, "")
        found.add(value)
        found.add(value.partition(" ")[2])  # a token without its scheme
    # Also where no middleware parsed the cookies into the scope.
    found.update(parse_cookie(request.headers.get("cookie", "")).values())
    # Longest first: a header is replaced whole before the cookie values inside it.
    return sorted((s for s in found if len(s) >= MIN_SECRET_CHARS), key=len, reverse=True)


def redact_credentials(text: str, request: Request | None) -> str:
    """``text`` (an error a handler raised) without the credentials the visitor's request carried."""
    if not text or request is None:
        return text
    for credential in _credentials(request):
        text = text.replace(credential, REDACTED)
    return text


def describe_block(block: Any) -> str:
    """A component as a visitor sees it: ``Button 'Add Items'``, ``Number 'Cart Size'``."""
    from ..app.blocks import Blocks

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
    from ..app.events import Dependency

    if isinstance(dependency, Dependency):
        return _describe(dependency)
    return "load" if dependency is None else f"event {dependency}"

"""The registry of apps: ``register("cart", demo)`` and discovery of ``blocks.py`` modules."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .access import OPEN, AccessRule

if TYPE_CHECKING:
    from ..engine.runner import Engine
    from .blocks import Blocks

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

_apps: dict[str, Blocks] = {}
_engines: dict[str, Engine] = {}
_rules: dict[str, AccessRule] = {}
_lock = threading.Lock()


class AppNotFound(LookupError):
    """No app is registered under that name."""


def register(
    name: str,
    blocks: Blocks,
    *,
    login_required: bool = False,
    permission: str | Iterable[str] | None = None,
    check: Callable[[Any], bool] | None = None,
) -> Blocks:
    """Make ``blocks`` available to templates and sockets as ``name``; return it.

    Open to anyone unless told: ``login_required``, a Django ``permission`` (or a list,
    all required), a ``check(user) -> bool``; each given must hold (docs/security.md).
    """
    from .blocks import Blocks

    if not isinstance(blocks, Blocks):
        raise TypeError(f"register() takes a gr.Blocks, got {blocks!r}")
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ValueError(f"app name {name!r} must be 1-64 lowercase letters, digits, '-' or '_'")
    rule = AccessRule.of(login_required, permission, check)
    with _lock:
        existing = _apps.get(name)
        if existing is not None and existing is not blocks:
            raise ValueError(f"an app named {name!r} is already registered ({existing!r})")
        if blocks.name is not None and blocks.name != name:
            raise ValueError(f"{blocks!r} is already registered as {blocks.name!r}")
        blocks.name = name
        _apps[name] = blocks
        _rules[name] = rule
        _engines.pop(name, None)
    return blocks


def unregister(name: str) -> None:
    """Remove an app (for tests and reloading)."""
    with _lock:
        blocks = _apps.pop(name, None)
        _engines.pop(name, None)
        _rules.pop(name, None)
        if blocks is not None:
            blocks.name = None


def get_app(name: str) -> Blocks:
    """Return the app registered as ``name`` or raise AppNotFound."""
    try:
        return _apps[name]
    except KeyError:
        raise AppNotFound(f"no blocksstate app is registered as {name!r}") from None


def access_rule(name: str) -> AccessRule:
    """Return who may open the app ``name`` (anyone, for an app registered without a rule)."""
    return _rules.get(name, OPEN)


def get_engine(name: str) -> Engine:
    """Return the engine that runs the app ``name`` (built once per app)."""
    from ..engine.runner import Engine

    engine = _engines.get(name)
    if engine is None or engine.blocks is not _apps.get(name):
        engine = _engines[name] = Engine(get_app(name))
    return engine


def registered() -> dict[str, Blocks]:
    """Return a copy of the registry."""
    return dict(_apps)


def autodiscover() -> None:
    """Import the ``blocks`` module of every installed app, as the admin does for ``admin``."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("blocks")

"""Registering a Blocks built in a test, for that test only."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from typing import Any

from ..app.blocks import Blocks
from ..app.registry import register, unregister

_names = itertools.count(1)


@contextlib.contextmanager
def registered(blocks: Blocks, name: str | None = None, **access: Any) -> Iterator[str]:
    """Register ``blocks`` under ``name`` (a fresh one by default) for the block; yield the name.

    ``access``: ``register()``'s ``login_required``, ``permission`` and ``check``.
    """
    name = name or f"test-app-{next(_names)}"
    register(name, blocks, **access)
    try:
        yield name
    finally:
        unregister(name)

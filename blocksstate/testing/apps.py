"""Registering a Blocks built in a test, for that test only."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from ..app.blocks import Blocks
from ..app.registry import register, unregister

_names = itertools.count(1)


@contextlib.contextmanager
def registered(blocks: Blocks, name: str | None = None) -> Iterator[str]:
    """Register ``blocks`` under ``name`` (a fresh one by default) for the block; yield the name."""
    name = name or f"test-app-{next(_names)}"
    register(name, blocks)
    try:
        yield name
    finally:
        unregister(name)

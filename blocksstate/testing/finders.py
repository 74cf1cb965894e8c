"""Finding what a visitor sees in a Blocks: components by label or text, events by trigger."""

from __future__ import annotations

from typing import Any

from ..app.blocks import Blocks
from ..app.events import Dependency
from ..components.base import Block, Component
from ..components.buttons import Button


def component(
    blocks: Blocks, label: str | None = None, *, value: Any = None, kind: type | None = None
) -> Component:
    """Return the one component with this label (or button text ``value``, or of type ``kind``)."""
    found = [
        candidate
        for candidate in blocks.components.values()
        if (kind is None or isinstance(candidate, kind))
        and (label is None or candidate.label == label)
        and (value is None or candidate.value == value)
    ]
    if len(found) != 1:
        raise LookupError(
            f"expected one component (label={label!r}, value={value!r}, kind={kind}), found {found}"
        )
    return found[0]


def button(blocks: Blocks, text: str) -> Component:
    """Return the button showing ``text``."""
    return component(blocks, value=text, kind=Button)


def dependency(blocks: Blocks, trigger: Any, event: str | None = None) -> Dependency:
    """Return the one dependency fired by ``event`` of ``trigger`` (a component, or the Blocks)."""
    found = [
        dep
        for dep in blocks.dependencies
        if any(
            block is trigger and (event is None or name == event) for block, name in dep.triggers
        )
    ]
    if len(found) != 1:
        raise LookupError(f"expected one dependency on {trigger!r}.{event}, found {found}")
    return found[0]


def resolve(blocks: Blocks, key: Block | int | str) -> Any:
    """Return the component (or layout) ``key`` names: itself, its id, or its label."""
    if isinstance(key, Block):
        return key
    if isinstance(key, int):
        return blocks.block(key)
    try:
        return component(blocks, key)
    except LookupError:
        layouts = [
            block for block in blocks.layouts.values() if getattr(block, "label", None) == key
        ]
        if len(layouts) == 1:
            return layouts[0]
        raise


def target(blocks: Blocks, key: Block | int | str) -> Block:
    """Return what a visitor acts on: a block (a Tab), a button by its text, else as ``resolve``."""
    if isinstance(key, Block):
        return key
    if isinstance(key, str):
        try:
            return button(blocks, key)
        except LookupError:
            pass
    return resolve(blocks, key)

"""The page config of ``docs/protocol.md``: what the client knows of an app before its socket opens."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ..app.blocks import Blocks
from ..app.events import Dependency
from ..components.base import Block, Component
from ..components.state import BrowserState
from ..conf import setting
from ..protocol import PROTOCOL_VERSION
from .strings import page_strings


def type_of(block: Block) -> str:
    """Return the type the page knows a block by: its template name."""
    return block.template_name or type(block).__name__.lower()


def is_editable(component: Component) -> bool:
    """Whether the page may send this component's value (the engine's rule, before any update)."""
    return component.accepts_input and component.is_interactive()


def _walk(block: Block) -> list[Block]:
    found: list[Block] = []
    for child in getattr(block, "children", []):
        found.append(child)
        found.extend(_walk(child))
    return found


def browser_storage_keys(blocks: Blocks, name: str) -> list[str]:
    """Return the localStorage keys of the app's BrowserStates, in component order (no secrets)."""
    keys = (c.key_for(name) for c in blocks.components.values() if isinstance(c, BrowserState))
    return list(dict.fromkeys(keys))


def files_config(name: str) -> dict[str, Any]:
    """Return where the page uploads files and the name of its pass cookie (no secrets).

    ``upload_url`` is None where the project's URLconf has no ``blocksstate:upload``
    (blocksstate's URLs not included): the page then says uploads are not available.
    ``chunk_url`` takes a file bigger than ``chunk_bytes`` in chunks of that size.
    """
    try:
        upload_url: str | None = reverse("blocksstate:upload", args=[name])
        chunk_url: str | None = reverse("blocksstate:upload_chunk", args=[name])
    except NoReverseMatch:
        upload_url = chunk_url = None
    return {
        "upload_url": upload_url,
        "chunk_url": chunk_url,
        "chunk_bytes": int(setting("UPLOAD_CHUNK_BYTES")),
        "pass_cookie": setting("FILE_PASS_COOKIE"),
    }


def page_listener(dependency: Dependency, triggers: list[tuple[Block, str]]) -> dict[str, Any]:
    """What the page knows of one listener it may fire (docs/protocol.md, "Page config")."""
    entry: dict[str, Any] = {
        "id": dependency.id,
        "triggers": [[block.id, event] for block, event in triggers],
        "trigger_mode": dependency.trigger_mode,
        "show_progress": dependency.show_progress,
        "outputs": [c.id for c in dependency.outputs if not c.server_only],
    }
    if dependency.show_progress_on:
        entry["show_progress_on"] = [c.id for c in dependency.show_progress_on]
    if dependency.scroll_to_output:
        entry["scroll_to_output"] = True
    if dependency.timer is not None and not dependency.timer.active:
        entry["starts_timer"] = dependency.timer.id
    if dependency.js is not None:
        # The page runs the function registered under this id (``rendering.scripts``).
        entry["js"] = dependency.id
        entry["inputs"] = [c.id for c in dependency.inputs]
        entry["server"] = dependency.fn is not None
    return entry


def wiring(blocks: Blocks) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The page's part of the blocks placed in ``blocks`` and of its listeners.

    Components by id (type, editable, events), and the listeners a page may fire
    (their triggers, trigger mode, outputs): the page config's, or a ``@gr.render``
    region's (``blocks`` a ``Region``; its listeners may fire on the app's components).
    """
    dependencies: list[dict[str, Any]] = []
    events: dict[int, set[str]] = {}
    for dependency in blocks.dependencies:
        triggers = [
            (block, event)
            for block, event in dependency.client_triggers
            if block.id is not None and block is not blocks
        ]
        if not triggers:
            continue
        for block, event in triggers:
            events.setdefault(block.id, set()).add(event)  # type: ignore[arg-type]
        dependencies.append(page_listener(dependency, triggers))
    components: dict[str, Any] = {}
    for block in _walk(blocks):
        if getattr(block, "server_only", False):
            continue
        if isinstance(block, Component) or block.id in events:
            components[str(block.id)] = {
                "type": type_of(block),
                "editable": isinstance(block, Component) and is_editable(block),
                "events": sorted(events.get(block.id, ())),  # type: ignore[arg-type]
            }
    return components, dependencies


def page_config(blocks: Blocks, name: str | None = None) -> dict[str, Any]:
    """Return the page config of ``docs/protocol.md``: components, page events, socket path.

    ``browser_state`` names the localStorage keys where the page keeps the tokens
    of the app's BrowserStates; the secrets that sign them never leave the server.
    ``files`` says where the page uploads files and which cookie it sets for them.
    ``language`` is the active language, the page's (sent back in its ``hello`` and with
    its uploads), and ``strings`` the texts its script shows, in that language.
    """
    name = name or blocks.name
    if not name:
        raise ValueError(
            f"{blocks!r} is not registered: call blocksstate.register(name, blocks) first"
        )
    components, dependencies = wiring(blocks)
    return {
        "app": name,
        "protocol": PROTOCOL_VERSION,
        "ws": f"/ws/blocks/{name}/",
        "components": components,
        "dependencies": dependencies,
        "browser_state": browser_storage_keys(blocks, name),
        "files": files_config(name),
        "language": translation.get_language(),
        "strings": page_strings(),
    }

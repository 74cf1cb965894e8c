"""``@gr.render``: a region of the page whose components and listeners a function builds.

This module only records: the ``Renderable`` (the function, its inputs, its triggers,
its container in the layout) and the ``Region`` one run of the function builds. The
engine (``engine/regions.py``) runs the function for a session, keeps the region's
values in that session and sends the region's markup to the page.

Ids of what a region builds are stable for a session on any worker, because they are
worked out, not counted from a process-wide counter: a component with a ``key`` gets an
id from its region and its key (so a re-render that keeps the key keeps the id, and the
value), any other block one from its region and its position in the run. A listener's
id also carries a fingerprint of the inputs the region was built from, so that an event
for a listener of a region since rebuilt is refused rather than run by another listener.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from ..components.base import DYNAMIC_ID_BASE, Block, Component
from ..components.layout import Column, Row
from ..components.state import State
from .blocks import Blocks
from .context import current_context
from .events import Dependency, EventTrigger, build_listener

# Ids of the blocks a region builds: DYNAMIC_ID_BASE + region << 42 + slot, where a keyed
# block's slot has bit 41 set and 40 bits of its key's hash, any other its position.
# Listener ids: DYNAMIC_DEPENDENCY_BASE + region << 43 + fingerprint << 20 + position.
# All stay below 2**53, the largest integer a page's JavaScript holds exactly.
MAX_REGIONS = 256
MAX_POSITIONS = 1 << 20
_KEYED = 1 << 41
DYNAMIC_DEPENDENCY_BASE = DYNAMIC_ID_BASE * 2
_FINGERPRINT_BITS = 23


def fingerprint(data: bytes) -> int:
    """A short digest of the pickled inputs a region was built from."""
    digest = hashlib.blake2b(data, digest_size=4).digest()
    return int.from_bytes(digest, "big") & ((1 << _FINGERPRINT_BITS) - 1)


def region_of_dependency(dependency_id: int) -> tuple[int, int]:
    """The region index and fingerprint a dynamic listener's id carries."""
    offset = dependency_id - DYNAMIC_DEPENDENCY_BASE
    return offset >> 43, (offset >> 20) & ((1 << _FINGERPRINT_BITS) - 1)


def is_dynamic_dependency(dependency_id: int) -> bool:
    return dependency_id >= DYNAMIC_DEPENDENCY_BASE


class RegionRecord(Component):
    """Where a session keeps one region: the inputs it was built from and its values.

    Never shown: the page gets the region through its container. A component of the
    app, so that every session store keeps it like any other value.
    """

    server_only = True
    accepts_input = False

    def __init__(self) -> None:
        super().__init__(None, render=False)


class Renderable:
    """A function decorated with ``@gr.render``, placed where it was declared."""

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: list[Component],
        triggers: list[tuple[Any, str]],
        options: dict[str, Any],
    ) -> None:
        context = current_context.get()
        if context is None or context.root is None:
            raise ValueError("@gr.render must be used inside `with gr.Blocks():`")
        blocks = context.root
        if getattr(blocks, "is_region", False):
            raise ValueError("@gr.render cannot be nested inside another @gr.render function")
        renderables = blocks.renderables
        if len(renderables) >= MAX_REGIONS:
            raise ValueError(f"an app holds at most {MAX_REGIONS} @gr.render regions")
        self.index = len(renderables)
        renderables.append(self)
        self.fn = fn
        self.blocks: Blocks = blocks
        self.inputs = inputs
        # Gradio's rule: a region declared in a Row lays its blocks out in a row.
        self.container_class = Row if isinstance(context, Row) else Column
        self.container = self.container_class()
        self.container.renderable = self  # type: ignore[attr-defined]
        self.record = RegionRecord()
        blocks.adopt(self.record)
        self.dependency = build_listener(blocks, triggers, None, inputs, [], options)
        self.dependency.renders = self  # type: ignore[attr-defined]

    @property
    def id(self) -> int:
        return self.container.id  # type: ignore[return-value]

    def block_id(self, key: Any, position: int) -> int:
        """The id of a block built at ``position``, or with ``key``: the same on every worker."""
        base = DYNAMIC_ID_BASE + (self.index << 42)
        if key is None:
            if position >= MAX_POSITIONS:
                raise ValueError(f"a @gr.render function may build at most {MAX_POSITIONS} blocks")
            return base + position
        digest = hashlib.blake2b(repr(key).encode(), digest_size=5).digest()
        return base + _KEYED + int.from_bytes(digest, "big")

    def dependency_id(self, print_: int, position: int) -> int:
        if position >= MAX_POSITIONS:
            raise ValueError(f"a @gr.render function may attach at most {MAX_POSITIONS} listeners")
        return DYNAMIC_DEPENDENCY_BASE + (self.index << 43) + (print_ << 20) + position

    def build(self, args: Sequence[Any], print_: int) -> Region:
        """Run the function with ``args``: the region it builds (no session is touched)."""
        region = Region(self, print_)
        with region:
            self.fn(*args)
        region.index_listeners()
        return region

    def __repr__(self) -> str:
        return f"<render {getattr(self.fn, '__name__', 'function')} (region {self.index})>"


class Region(Blocks):
    """What one run of a render function built: its blocks and listeners, with their ids.

    While the function runs it is the root new blocks attach to, and the app's
    components may be used as inputs, outputs and triggers of its listeners.
    """

    is_region = True

    def __init__(self, renderable: Renderable, print_: int) -> None:
        super().__init__()
        self.renderable = renderable
        self.app = renderable.blocks
        self.name = self.app.name
        self.fingerprint = print_
        self.id = renderable.id
        self.by_id: dict[int, Dependency] = {}
        self.types: dict[int, str] = {}
        self._positions = 0
        self._listeners: dict[tuple[int, str], list[Dependency]] = {}

    def adopt(self, block: Block) -> None:
        if isinstance(block, State):
            raise TypeError(
                "a gr.State cannot be created inside a @gr.render function: create it "
                "outside, in the Blocks, and pass it as an input"
            )
        position, self._positions = self._positions, self._positions + 1
        block.blocks = self
        block.id = self.renderable.block_id(getattr(block, "key", None), position)
        if isinstance(block, Component):
            if block.id in self.components:
                raise ValueError(
                    f"two components of one @gr.render function have key {block.key!r}"
                )
            self.components[block.id] = block
            self.types[block.id] = type(block).__name__
        for child in getattr(block, "children", []):
            if child.blocks is None:
                self.adopt(child)

    def add_dependency(self, dependency: Dependency) -> None:
        dependency.id = self.renderable.dependency_id(self.fingerprint, len(self.dependencies))
        dependency.region = self  # type: ignore[attr-defined]
        self.dependencies.append(dependency)
        self.by_id[dependency.id] = dependency
        self.__dict__.pop("_io_roles", None)

    def dependency(self, dependency_id: int) -> Dependency:
        return self.by_id[dependency_id]

    def own_components(self, listed: list[Any], role: str) -> list[Component]:
        for component in listed:
            if not isinstance(component, Component):
                raise TypeError(f"{role} must be components, got {component!r}")
            if component.blocks not in (None, self, self.app):
                raise ValueError(f"{component!r} belongs to another Blocks than this event")
        return listed

    def index_listeners(self) -> None:
        for dependency in self.dependencies:
            for block, event in dependency.triggers:
                if not isinstance(block, Dependency):
                    self._listeners.setdefault((id(block), event), []).append(dependency)

    def listeners(self, block: Any, event: str) -> list[Dependency]:
        return self._listeners.get((id(block), event), [])

    def __repr__(self) -> str:
        return f"<Region {self.renderable.index} of {self.app!r}>"


def render(
    inputs: Sequence[Component] | Component | None = None,
    triggers: Sequence[EventTrigger] | EventTrigger | None = None,
    *,
    queue: bool = True,
    trigger_mode: str | None = "always_last",
    concurrency_limit: int | str | None = None,
    concurrency_id: str | None = None,
    show_progress: str = "full",
) -> Callable[[Callable[..., Any]], Renderable]:
    """Rebuild the components and listeners the decorated function makes when its inputs change.

    Default triggers: the app's ``load`` and the ``change`` of every input.
    """
    context = current_context.get()
    if context is None or context.root is None:
        raise ValueError("@gr.render must be used inside `with gr.Blocks():`")
    blocks = context.root
    input_list = [inputs] if isinstance(inputs, Component) else list(inputs or [])
    if triggers is None:
        trigger_list: list[tuple[Any, str]] = [(blocks, "load")]
        trigger_list += [(c, "change") for c in input_list if hasattr(c, "change")]
    else:
        listed = [triggers] if isinstance(triggers, EventTrigger) else list(triggers)
        for trigger in listed:
            if not isinstance(trigger, EventTrigger):
                raise TypeError(f"{trigger!r} is not an event; pass e.g. `button.click`")
        trigger_list = [(t.block, t.event_name) for t in listed]
    options = {
        "queue": queue,
        "trigger_mode": trigger_mode,
        "concurrency_limit": concurrency_limit,
        "concurrency_id": concurrency_id,
        "show_progress": show_progress,
    }

    def decorate(fn: Callable[..., Any]) -> Renderable:
        if not callable(fn):
            raise TypeError(f"@gr.render decorates a function, got {fn!r}")
        return Renderable(fn, input_list, trigger_list, options)

    return decorate

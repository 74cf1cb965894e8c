"""Event listeners: triggers, dependencies and their chains, ``gr.on``.

A dependency records what runs (fn), on what (its triggers), with which inputs
and outputs, and what follows it (``.then``/``.success``/``.failure``). This
module only records; the engine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine.concurrency import check_limit
from .context import current_context

if TYPE_CHECKING:
    from ..components.base import Block, Component
    from .blocks import Blocks

TRIGGER_MODES = ("once", "multiple", "always_last")
SHOW_PROGRESS = ("full", "minimal", "hidden")
# Events the server raises itself; a browser may never ask for them.
SERVER_EVENTS = frozenset({"load", "unload", "then", "success", "failure", "tick_server"})


class Event:
    """Declares an event on a component class: ``click = Event()``."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, block: Block | None, owner: type) -> Any:
        if block is None:
            return self
        return EventTrigger(block, self.name)


class EventTrigger:
    """One event of one block; call it to attach a listener, or pass it to ``gr.on``."""

    def __init__(self, block: Block, name: str) -> None:
        self.block = block
        self.event_name = name

    def __repr__(self) -> str:
        return f"<{self.block!r}.{self.event_name}>"

    def __call__(
        self,
        fn: Callable[..., Any] | None = None,
        inputs: Any = None,
        outputs: Any = None,
        **options: Any,
    ) -> Any:
        return listen([self], fn, inputs, outputs, **options)


@dataclass(eq=False)
class Dependency:
    """A function wired to triggers, with its inputs, outputs and chained steps."""

    blocks: Blocks
    triggers: list[tuple[Any, str]]
    fn: Callable[..., Any] | None
    inputs: list[Component]
    outputs: list[Component]
    inputs_as_dict: bool = False
    api_name: str | None = None
    queue: bool = True
    concurrency_limit: int | str | None = "default"
    concurrency_id: str | None = None
    trigger_mode: str = "once"
    show_progress: str = "full"
    js: str | None = None
    id: int = -1
    # A ClearButton's reset: its outputs stay editable by the visitor (see Component.is_interactive).
    clears: bool = False
    chain: list[tuple[str, Dependency]] = field(default_factory=list)
    # A ``@gr.render`` region's rebuild (``app.render.Renderable``), run by the engine.
    renders: Any = None
    # The region (``app.render.Region``) whose function made this listener, if one did.
    region: Any = None

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", "no function")
        return f"<Dependency {self.id} {name}>"

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Support the decorator form of chain steps: ``@dep.then(outputs=...)``."""
        self.fn = fn
        return fn

    @property
    def client_triggers(self) -> list[tuple[Block, str]]:
        """Triggers a browser may fire: events of page components."""
        return [
            (block, name)
            for block, name in self.triggers
            if name not in SERVER_EVENTS
            and not isinstance(block, Dependency)
            and not getattr(block, "server_only", False)
        ]

    def then(
        self,
        fn: Callable[..., Any] | None = None,
        inputs: Any = None,
        outputs: Any = None,
        **options: Any,
    ) -> Any:
        """Run ``fn`` after this step, whether it succeeded or failed."""
        return self._chain("then", fn, inputs, outputs, options)

    def success(
        self,
        fn: Callable[..., Any] | None = None,
        inputs: Any = None,
        outputs: Any = None,
        **options: Any,
    ) -> Any:
        """Run ``fn`` after this step, only if it succeeded."""
        return self._chain("success", fn, inputs, outputs, options)

    def failure(
        self,
        fn: Callable[..., Any] | None = None,
        inputs: Any = None,
        outputs: Any = None,
        **options: Any,
    ) -> Any:
        """Run ``fn`` after this step, only if it failed."""
        return self._chain("failure", fn, inputs, outputs, options)

    def _chain(self, kind: str, fn: Any, inputs: Any, outputs: Any, options: dict[str, Any]) -> Any:
        step = build_listener(self.blocks, [(self, kind)], fn, inputs, outputs, options)
        self.chain.append((kind, step))
        return step if fn is not None else _decorator(step)


_OPTIONS = {
    "api_name",
    "queue",
    "concurrency_limit",
    "concurrency_id",
    "trigger_mode",
    "show_progress",
    "js",
    # Accepted for compatibility with Gradio scripts; they change nothing here.
    "scroll_to_output",
    "show_api",
    "cancels",
    "preprocess",
    "postprocess",
    "batch",
    "max_batch_size",
    "every",
    "time_limit",
    "stream_every",
    "key",
    "show_progress_on",
    "api_visibility",
    "api_description",
    "validator",
}


def listen(
    triggers: Sequence[EventTrigger],
    fn: Callable[..., Any] | None,
    inputs: Any,
    outputs: Any,
    **options: Any,
) -> Any:
    """Attach ``fn`` to ``triggers``; without ``fn``, return a decorator that does."""
    if not triggers:
        raise ValueError("an event listener needs at least one trigger")
    blocks = _blocks_of(triggers)
    dependency = build_listener(
        blocks, [(t.block, t.event_name) for t in triggers], fn, inputs, outputs, options
    )
    return dependency if fn is not None else _decorator(dependency)


def on(
    triggers: EventTrigger | Sequence[EventTrigger] | None = None,
    fn: Callable[..., Any] | None = None,
    inputs: Any = None,
    outputs: Any = None,
    **options: Any,
) -> Any:
    """Attach one listener to several triggers; ``triggers=None`` means a change of any input."""
    if triggers is None:
        listed = _as_list(inputs)
        if not listed:
            raise ValueError("gr.on(triggers=None) needs inputs: it listens to their changes")
        trigger_list = [component.change for component in listed]
    elif isinstance(triggers, EventTrigger):
        trigger_list = [triggers]
    else:
        trigger_list = list(triggers)
    return listen(trigger_list, fn, inputs, outputs, **options)


def _decorator(dependency: Dependency) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def attach(fn: Callable[..., Any]) -> Callable[..., Any]:
        dependency.fn = fn
        return fn

    return attach


def _blocks_of(triggers: Sequence[EventTrigger]) -> Blocks:
    context = current_context.get()
    if context is not None and getattr(context.root, "is_region", False):
        # Made by a render function: the listener belongs to its region, whatever it listens to.
        for trigger in triggers:
            if not isinstance(trigger, EventTrigger):
                raise TypeError(
                    f"{trigger!r} is not an event; pass e.g. `button.click`, not `button`"
                )
        return context.root  # type: ignore[return-value]
    for trigger in triggers:
        if not isinstance(trigger, EventTrigger):
            raise TypeError(f"{trigger!r} is not an event; pass e.g. `button.click`, not `button`")
        if trigger.block.root is not None:
            return trigger.block.root
    context = current_context.get()
    if context is not None and context.root is not None:
        return context.root
    raise RuntimeError(
        f"{triggers[0]!r} is not part of a Blocks: create components inside `with gr.Blocks():` "
        "before attaching events to them"
    )


def _as_list(components: Any) -> list[Any]:
    if components is None:
        return []
    if isinstance(components, (list, tuple, set)):
        return list(components)
    return [components]


def _listed(components: Any) -> list[Any]:
    return _as_list(components.keys() if isinstance(components, dict) else components)


def build_listener(
    blocks: Blocks,
    triggers: list[tuple[Any, str]],
    fn: Any,
    inputs: Any,
    outputs: Any,
    options: dict[str, Any],
) -> Dependency:
    unknown = set(options) - _OPTIONS
    if unknown:
        raise TypeError(f"unexpected event listener option(s): {', '.join(sorted(unknown))}")
    if fn is not None and not callable(fn):
        raise TypeError(f"the event function must be callable, got {fn!r}")
    input_list = blocks.own_components(_listed(inputs), "inputs")
    output_list = blocks.own_components(_listed(outputs), "outputs")
    trigger_mode = options.get("trigger_mode") or _default_trigger_mode(triggers)
    if trigger_mode not in TRIGGER_MODES:
        raise ValueError(f"trigger_mode must be one of {TRIGGER_MODES}, got {trigger_mode!r}")
    show_progress = options.get("show_progress", "full")
    if show_progress is True or show_progress is False:
        show_progress = "full" if show_progress else "hidden"
    if show_progress not in SHOW_PROGRESS:
        raise ValueError(f"show_progress must be one of {SHOW_PROGRESS}, got {show_progress!r}")
    concurrency_limit = options.get("concurrency_limit", "default")
    check_limit(concurrency_limit, "concurrency_limit", "default")
    concurrency_id = options.get("concurrency_id")
    if concurrency_id is not None and not isinstance(concurrency_id, str):
        raise TypeError(f"concurrency_id must be a string or None, got {concurrency_id!r}")
    dependency = Dependency(
        blocks=blocks,
        triggers=triggers,
        fn=fn,
        inputs=input_list,
        outputs=output_list,
        inputs_as_dict=isinstance(inputs, (set, dict)),
        api_name=options.get("api_name"),
        queue=options.get("queue", True),
        concurrency_limit=concurrency_limit,
        concurrency_id=concurrency_id,
        trigger_mode=trigger_mode,
        show_progress=show_progress,
        js=options.get("js"),
    )
    blocks.add_dependency(dependency)
    return dependency


def _default_trigger_mode(triggers: Iterable[tuple[Any, str]]) -> str:
    # Typing, keys and changes should not pile up (Gradio: change and key_up); clicks and
    # submits should not repeat.
    names = {name for _, name in triggers}
    return "always_last" if names & {"change", "input", "tick", "key_up"} else "once"

"""Event listeners: triggers, dependencies and their chains, ``gr.on``.

A dependency records what runs (fn), on what (its triggers), with which inputs
and outputs, and what follows it (``.then``/``.success``/``.failure``). This
module only records; the engine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine import cancel
from ..warnings import warn_unsupported
from .context import current_context
from .listener_options import EVENT_DEFAULTS, read_options

if TYPE_CHECKING:
    from ..components.base import Block, Component
    from .blocks import Blocks

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


class UnsupportedEvent(Event):
    """One of Gradio's events that never fires here: ``stop = UnsupportedEvent("why")``.

    Listening to it works (the app runs) but warns once, naming the event and why.
    """

    def __init__(self, why: str) -> None:
        self.why = why


def declare_unsupported_events(cls: type, names: Sequence[str], why: str) -> None:
    """Give ``cls`` Gradio's events ``names`` that never fire here (see UnsupportedEvent)."""
    for name in names:
        if not hasattr(cls, name):
            event = UnsupportedEvent(why)
            event.__set_name__(cls, name)
            setattr(cls, name, event)


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
        options = {**EVENT_DEFAULTS.get(self.event_name, {}), **options}
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
    scroll_to_output: bool = False
    # Where the page shows this listener's progress instead of its outputs.
    show_progress_on: list[Component] = field(default_factory=list)
    batch: bool = False
    max_batch_size: int = 4
    preprocess: bool = True
    postprocess: bool = True
    # Listeners whose running and waiting runs (in the same session) this one stops.
    cancels: list[Dependency] = field(default_factory=list)
    # Seconds between repeated runs (through ``timer``, a ``Timer`` made for it), or None.
    every: float | None = None
    timer: Any = None
    # Seconds after which a streaming run stops, as if cancelled.
    time_limit: float | None = None
    # True when another listener's ``cancels=`` names it: its runs are watched for a stop.
    cancellable: bool = False
    id: int = -1
    # A ClearButton's reset: its outputs stay editable by the visitor (see Component.is_interactive).
    clears: bool = False
    chain: list[tuple[str, Dependency]] = field(default_factory=list)
    # A ``@gr.render`` region's rebuild (``app.render.Renderable``), run by the engine.
    renders: Any = None
    # The region (``app.render.Region``) whose function made this listener, if one did.
    region: Any = None
    # ``client_triggers``, worked out again when a trigger is added: (len(triggers), them).
    _client_triggers: tuple[int, list[tuple[Any, str]]] | None = field(
        default=None, init=False, repr=False
    )

    def __repr__(self) -> str:
        name = getattr(self.fn, "__name__", "no function")
        return f"<Dependency {self.id} {name}>"

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Support the decorator form of chain steps: ``@dep.then(outputs=...)``."""
        self.fn = fn
        return fn

    @property
    def client_triggers(self) -> list[tuple[Block, str]]:
        """Triggers a browser may fire: events of page components (read on every event)."""
        found = self._client_triggers
        if found is None or found[0] != len(self.triggers):  # ``triggers`` is only added to
            found = self._client_triggers = (
                len(self.triggers),
                [
                    (block, name)
                    for block, name in self.triggers
                    if name not in SERVER_EVENTS
                    and not isinstance(block, Dependency)
                    and not getattr(block, "server_only", False)
                ],
            )
        return found[1]

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
    if getattr(blocks, "is_region", False) and options.get("js"):
        # The page's script registering js= functions is written once, with the page; a
        # region's listeners are made per session, later.
        options = {**options, "js": None}
        warn_unsupported(
            "@gr.render", ["js (on a listener made in a render function; fn runs alone)"], 4
        )
    for trigger in triggers:
        declared = getattr(type(trigger.block), trigger.event_name, None)
        if isinstance(declared, UnsupportedEvent):
            warn_unsupported(
                f"gr.{type(trigger.block).__name__}",
                [f"{trigger.event_name} (event; {declared.why})"],
                stacklevel=4,
            )
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
        listed = as_list(inputs)
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


def as_list(components: Any) -> list[Any]:
    """A list of what was given: None is none, one thing a list of one."""
    if components is None:
        return []
    if isinstance(components, (list, tuple, set)):
        return list(components)
    return [components]


def _listed(components: Any) -> list[Any]:
    return as_list(components.keys() if isinstance(components, dict) else components)


def build_listener(
    blocks: Blocks,
    triggers: list[tuple[Any, str]],
    fn: Any,
    inputs: Any,
    outputs: Any,
    options: dict[str, Any],
) -> Dependency:
    fields = read_options(options, triggers)
    if fn is not None and not callable(fn):
        raise TypeError(f"the event function must be callable, got {fn!r}")
    input_list = blocks.own_components(_listed(inputs), "inputs")
    output_list = blocks.own_components(_listed(outputs), "outputs")
    fields["show_progress_on"] = blocks.own_components(
        _listed(fields["show_progress_on"]), "show_progress_on"
    )
    fields["cancels"] = _cancelled(blocks, fields["cancels"])
    for cancelled in fields["cancels"]:
        cancelled.cancellable = True
    if fields["cancels"]:
        cancel.used = True
    dependency = Dependency(
        blocks=blocks,
        triggers=triggers,
        fn=fn,
        inputs=input_list,
        outputs=output_list,
        inputs_as_dict=isinstance(inputs, (set, dict)),
        **fields,
    )
    blocks.add_dependency(dependency)
    if dependency.every is not None:
        if any(isinstance(block, Dependency) for block, _ in triggers):
            raise ValueError("every= is for listeners and load, not for .then/.success steps")
        blocks.repeat(dependency)
    return dependency


def _cancelled(blocks: Blocks, cancels: Any) -> list[Dependency]:
    listed = as_list(cancels)
    for dependency in listed:
        if not isinstance(dependency, Dependency):
            raise TypeError(
                f"cancels= takes the listeners to stop (what `.click(...)` returns), got {dependency!r}"
            )
    return listed

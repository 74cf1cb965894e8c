"""Blocks and components: identity, properties, value schema and events.

A component knows three things about its value: how to check what a browser
sent (`preprocess`), how to turn what a handler returned into what the page
shows (`postprocess`), and its schema (`value_schema`), which drives both and
the rendering. It never runs an event itself: the engine does.
"""

from __future__ import annotations

import copy
import functools
import inspect
import reprlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, Unpack

from ..app.context import current_context
from ..app.event_data import check_shape
from ..app.events import Event
from ..warnings import warn_unsupported
from .explicit_args import record_explicit_args
from .schema import InvalidValue, ValueSchema

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..files.store import Owner
    from .layout import BlockContext

# Constructor parameters that are not properties a handler can update.
# Ids from here up are those of blocks a ``@gr.render`` function built (``app/render.py``):
# kept in the session's record of their region, never stored one by one.
DYNAMIC_ID_BASE = 1 << 50
NOT_PROPERTIES = frozenset({"self", "render", "key", "every", "inputs"})


class BlockOptions(TypedDict, total=False):
    """The keyword arguments of ``Block.__init__``, which every block takes."""

    visible: bool
    elem_id: str | None
    elem_classes: list[str] | str | None
    render: bool
    key: Any


class ComponentOptions(BlockOptions, total=False):
    """The keyword arguments of ``Component.__init__``, which every component takes.

    A component declares its own parameters and passes ``**options`` on, so these
    are written once; a different default is set in ``options`` before passing them.
    """

    label: str | None
    info: str | None
    show_label: bool | None
    container: bool
    scale: int | None
    min_width: int
    interactive: bool | None
    every: float | None
    inputs: Any


class ResetToInitial:
    """Output marker: put the component back to the value a new session starts with."""


class Block:
    """Anything placed in a Blocks layout: a component or a layout container."""

    #: Name of the template under ``blocksstate/components/`` that renders it.
    template_name: ClassVar[str] = ""
    #: What the page calls it when it has no label (its accessible name): by default the
    #: name of the class that gives its template (a ``ClearButton`` is a "Button").
    type_name: ClassVar[str] = "Block"
    #: True when it lives only on the server (State) and has no markup on the page.
    server_only: ClassVar[bool] = False
    #: True when its value is shared by every session (GlobalState), not kept per session.
    shared: ClassVar[bool] = False
    #: True when ``to_handler`` and ``store_output`` may block (files): the engine runs
    #: them in a handler thread, never on the event loop.
    blocking_io: ClassVar[bool] = False
    #: Gradio options accepted so an app runs, but not implemented: name -> Gradio's default.
    #: Giving one another value warns once (``UnsupportedOption``); a subclass's own are
    #: added to its parents'. ``docs/components.md`` lists them.
    unsupported_options: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "unsupported_options" in cls.__dict__:
            merged: dict[str, Any] = {}
            for klass in reversed(cls.__mro__[1:]):
                merged.update(klass.__dict__.get("unsupported_options", {}))
            cls.unsupported_options = {**merged, **cls.__dict__["unsupported_options"]}
        if "type_name" not in cls.__dict__ and (
            "template_name" in cls.__dict__ or not cls.template_name
        ):
            cls.type_name = cls.__name__
        if "__init__" in cls.__dict__:
            cls.__init__ = record_explicit_args(cls.__dict__["__init__"])  # type: ignore[method-assign]

    def __init__(
        self,
        *,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
    ) -> None:
        self.id: int | None = None
        self.blocks: Blocks | None = None
        self.parent: BlockContext | None = None
        self.visible = visible
        self.elem_id = elem_id
        self.elem_classes = (
            [elem_classes] if isinstance(elem_classes, str) else list(elem_classes or [])
        )
        self.key = key
        if render:
            self.render()

    @property
    def root(self) -> Blocks | None:
        """The Blocks this block belongs to (a Blocks is its own)."""
        return self.blocks

    def render(self) -> Block:
        """Attach this block to the layout context it is created in, if any."""
        context = current_context.get()
        if context is not None and self.blocks is None:
            context.add_child(self)
        return self

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        """Return what its template gets beyond ``context``, the context every block gets."""
        return {}

    # -- properties ------------------------------------------------------------

    @classmethod
    @functools.cache
    def property_names(cls) -> frozenset[str]:
        """Names a handler may change with ``gr.update``: the constructor's parameters."""
        names: set[str] = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get("__init__")
            if init is None:
                continue
            for name, param in inspect.signature(init).parameters.items():
                if param.kind not in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                    names.add(name)
        return frozenset(names - NOT_PROPERTIES)

    def properties(self) -> dict[str, Any]:
        """Return the block's current properties, value excluded."""
        return {
            name: getattr(self, name)
            for name in sorted(self.property_names())
            if name != "value" and hasattr(self, name)
        }

    def explicit_args(self) -> dict[str, Any]:
        """Return the arguments this instance was constructed with."""
        return dict(self.__dict__.get("_explicit_args", {}))

    def note_unsupported(self, names: Iterable[str]) -> None:
        """Name parts of options given that are not implemented (``buttons=["share"]``);
        the constructor warns of them with the ``unsupported_options`` given."""
        self.__dict__.setdefault("_unsupported_more", []).extend(names)

    def warn_unsupported(self, given: Mapping[str, Any], more: Iterable[str] = ()) -> list[str]:
        """Warn once for each unsupported option ``given`` another value than Gradio's
        default (and each of ``more``); return their names."""
        names = [
            name
            for name, default in self.unsupported_options.items()
            if name in given and given[name] is not default and given[name] != default
        ]
        names += [name for name in more if name not in names]
        if names:
            warn_unsupported(f"gr.{type(self).__name__}", names, stacklevel=4)
        return names

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Check properties a handler gave it; return them as kept (raise InvalidValue if bad)."""
        return dict(props)

    def page_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Return updated properties in the form the page reads."""
        return dict(props)

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        """Check what the page says of its ``event``; raise BadEventData.

        ``props`` are its properties in the session, ``value`` its current value. Returns
        the data its handlers get (as ``gr.EventData`` and its kinds): the shape every
        event's data has, then a select's own checks (``select_data``).
        """
        data = check_shape(event, data)
        return self.select_data(data, props, value) if event == "select" else data

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        """Check a select's data against this block (which choice, which tab); by default as is."""
        return data

    def __repr__(self) -> str:
        label = getattr(self, "label", None)
        named = f" {label!r}" if label else ""
        return f"{type(self).__name__}{named} (id {self.id})"


class Component(Block):
    """A block that holds a value: an input, an output, or both."""

    #: True when the browser can change the value (subject to ``interactive``).
    accepts_input: ClassVar[bool] = True

    change = Event()
    unsupported_options: ClassVar[dict[str, Any]] = {"preserved_by_key": "value"}
    #: Properties the page form of its value depends on (Code's ``language``): an update
    #: of one of them resends the value's page form, made with the session's properties.
    value_form_props: ClassVar[frozenset[str]] = frozenset()

    def __init__(
        self,
        value: Any = None,
        *,
        label: str | None = None,
        info: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        every: float | None = None,
        inputs: Any = None,
        **options: Unpack[BlockOptions],
    ) -> None:
        self.value = value
        self.label = label
        self.info = info
        self.show_label = show_label
        self.container = container
        self.scale = scale
        self.min_width = min_width
        self.interactive = interactive
        # A callable value refreshed every ``every`` seconds and/or computed from ``inputs``
        # (Gradio's ``gr.Textbox(value=fn, every=1)``): the Blocks wires it (``Blocks.refresh``).
        self.every = every
        self.inputs = inputs
        super().__init__(**options)

    def render(self) -> Block:
        super().render()
        refreshed = callable(self.value) and (self.every is not None or self.inputs is not None)
        if refreshed and self.blocks is not None and not self.__dict__.get("_refreshed"):
            self.__dict__["_refreshed"] = True
            self.blocks.refresh(self)
        return self

    # -- value -----------------------------------------------------------------

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        """Describe the values this component holds, given its current properties."""
        return ValueSchema("any")

    def initial_value(self) -> Any:
        """Return the value a new session starts with, as the page shows it."""
        if callable(self.value):
            # Computed from inputs: a load listener fills it in (Blocks.refresh).
            value = None if self.inputs is not None else self.value()
        else:
            value = copy.deepcopy(self.value)
        return self.postprocess(value)

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Check a value the browser sent and return it as handlers receive it.

        Raises InvalidValue, naming what is wrong, for anything outside the schema.
        """
        return self.value_schema(props).validate(payload)

    def to_handler(self, payload: Any) -> Any:
        """Turn a stored page value into what a handler receives."""
        return payload

    def blocks_for(self, value: Any) -> bool:
        """Whether ``to_handler`` / ``store_output`` of ``value`` may block (``blocking_io``;
        a Chatbot only when its messages hold files)."""
        return self.blocking_io

    def store_output(self, value: Any, owner: Owner) -> Any:
        """Store what a handler returned for ``owner`` (files); called when ``blocking_io``."""
        return value

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Turn what a handler returned into the value the page shows."""
        try:
            return self.value_schema(props).validate(value)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {reprlib.repr(value)}: {exc}") from None

    def page_update(self, value: Any) -> dict[str, Any]:
        """Return the fields of an ``update`` entry that carry ``value`` to the page.

        The value, and beside it what the page must be given rather than work out
        itself (see ``Markdown``): the page never turns a value's text into markup.
        """
        return {"value": value}

    def page_form(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Return ``page_update(value)`` as the component's current properties ``props`` show it.

        What the engine calls; a component whose page form depends on its properties
        (``value_form_props``) overrides this one rather than ``page_update``.
        """
        return self.page_update(value)

    # -- properties ------------------------------------------------------------

    def page_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Return updated properties in the form the page reads (choices as label/value pairs)."""
        entry = dict(props)
        if "choices" in entry:
            entry["choices"] = [list(pair) for pair in normalize_choices(entry["choices"])]
        return entry

    def is_interactive(self) -> bool:
        """Whether the page lets a visitor edit this component's value."""
        if not self.accepts_input:
            return False
        if self.interactive is not None:
            return bool(self.interactive)
        if self.blocks is None:
            return True
        return self.blocks.is_input(self) or not self.blocks.is_output(self)


class FormComponent(Component):
    """A component that can take focus and be edited."""

    input = Event()
    blur = Event()
    focus = Event()


def normalize_choices(choices: Iterable[Any] | None) -> list[tuple[str, Any]]:
    """Return choices as ``(label, value)`` pairs; a bare value is its own label."""
    pairs: list[tuple[str, Any]] = []
    for choice in choices or []:
        if isinstance(choice, (tuple, list)) and len(choice) == 2:
            pairs.append((str(choice[0]), choice[1]))
        else:
            pairs.append((str(choice), choice))
    return pairs

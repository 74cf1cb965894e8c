"""Layout containers: ``Row``, ``Column``, ``Group``, ``Tabs``/``Tab``, ``Accordion``, ``Sidebar``.

A layout has no value, but it can be an event's output: a handler changes its
properties (``gr.update(visible=True)``, ``gr.Accordion(open=False)``), checked
here (``check_props``) before the engine keeps them in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Literal, Unpack

from ..app.context import current_context
from ..app.event_data import BadEventData, check_choice_select, is_int
from ..app.events import Event
from ..warnings import warn_unsupported
from .base import Block, BlockOptions
from .schema import InvalidValue

VARIANTS = ("default", "panel", "compact")


# -- what a property may be -----------------------------------------------------------------------


def _visible(value: Any) -> Any:
    if value is True or value is False or value == "hidden":
        return value
    raise InvalidValue(f"visible must be True, False or 'hidden', got {value!r}")


def _flag(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is True or value is False:
            return value
        raise InvalidValue(f"{name} must be True or False, got {value!r}")

    return check


def _text(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        raise InvalidValue(f"{name} must be a string or None, got {value!r}")

    return check


def _integer(name: str, optional: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if (value is None and optional) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise InvalidValue(
            f"{name} must be an integer{' or None' if optional else ''}, got {value!r}"
        )

    return check


def _one_of(name: str, options: tuple[str, ...]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value in options:
            return value
        raise InvalidValue(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")

    return check


def _classes(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)) and all(isinstance(c, str) for c in value):
        return list(value)
    raise InvalidValue(f"elem_classes must be a string or a list of strings, got {value!r}")


def _size(name: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise InvalidValue(f"{name} must be a number of pixels or a CSS length, got {value!r}")

    return check


def css_length(value: int | str) -> str:
    """A size as CSS reads it: a number is pixels."""
    return f"{value}px" if isinstance(value, int) else str(value)


# -- the containers -------------------------------------------------------------------------------


class BlockContext(Block):
    """A block that holds other blocks; use it as a context manager."""

    #: The properties a handler may change, each with its check (see ``check_props``).
    prop_checks: ClassVar[dict[str, Callable[[Any], Any]]] = {
        "visible": _visible,
        "elem_classes": _classes,
    }
    #: Gradio options accepted without effect, with their defaults (warned once when given).
    unsupported_options: ClassVar[dict[str, Any]] = {"preserved_by_key": None}

    def __init__(self, **options: Unpack[BlockOptions]) -> None:
        self.children: list[Block] = []
        self._token: Any = None
        super().__init__(**options)

    def add_child(self, block: Block) -> None:
        """Place ``block`` in this container and give it an id in the root Blocks."""
        root = self.root
        if root is None:
            raise RuntimeError(f"{self!r} is not inside a Blocks")
        block.parent = self
        self.children.append(block)
        root.adopt(block)

    def __enter__(self) -> BlockContext:
        self._token = current_context.set(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        current_context.reset(self._token)
        self._token = None

    # -- options and properties -------------------------------------------------------------

    def warn_unsupported(self, given: Mapping[str, Any]) -> list[str]:
        """Warn once for the Gradio options given that change nothing here; return their names."""
        names = [
            name
            for name, default in self.unsupported_options.items()
            if name in given and given[name] != default
        ]
        if names:
            warn_unsupported(f"gr.{type(self).__name__}", names, stacklevel=5)
        return names

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Check the properties a handler gave; raise InvalidValue naming the first bad one.

        Gradio options implemented nowhere here are warned about once and dropped.
        """
        self.warn_unsupported(props)
        checked: dict[str, Any] = {}
        for name, value in props.items():
            if name in self.unsupported_options:
                continue
            check = self.prop_checks.get(name)
            if check is None:
                raise InvalidValue(f"its property {name!r} cannot be changed by an event")
            checked[name] = check(value)
        return checked

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        variant = getattr(self, "variant", "default")
        if variant == "default" and not getattr(self, "equal_height", False):
            return {}
        classes = [*context["classes"], f"bs-layout-{variant}"]
        if getattr(self, "equal_height", False):
            classes.append("bs-equal-height")
        return {"classes": classes}


class Row(BlockContext):
    """Lays its children out side by side (wrapping on narrow screens)."""

    template_name = "row"
    prop_checks = {
        **BlockContext.prop_checks,
        "variant": _one_of("variant", VARIANTS),
        "equal_height": _flag("equal_height"),
        "scale": _integer("scale", optional=True),
    }
    unsupported_options = {
        **BlockContext.unsupported_options,
        "height": None,
        "max_height": None,
        "min_height": None,
        "show_progress": False,
    }

    def __init__(
        self,
        *,
        variant: Literal["default", "panel", "compact"] = "default",
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        scale: int | None = None,
        render: bool = True,
        height: int | str | None = None,
        max_height: int | str | None = None,
        min_height: int | str | None = None,
        equal_height: bool = False,
        show_progress: bool = False,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.variant = _one_of("variant", VARIANTS)(variant)
        self.equal_height = equal_height
        self.scale = scale
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )


class Column(BlockContext):
    """Stacks its children vertically."""

    template_name = "column"
    prop_checks = {
        **BlockContext.prop_checks,
        "variant": _one_of("variant", VARIANTS),
        "scale": _integer("scale"),
        "min_width": _integer("min_width"),
    }
    unsupported_options = {**BlockContext.unsupported_options, "show_progress": False}

    def __init__(
        self,
        *,
        scale: int = 1,
        min_width: int = 320,
        variant: Literal["default", "panel", "compact"] = "default",
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        show_progress: bool = False,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.scale = scale
        self.min_width = min_width
        self.variant = _one_of("variant", VARIANTS)(variant)
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )


class Group(BlockContext):
    """Groups its children in one panel without gaps."""

    template_name = "group"

    def __init__(
        self,
        *,
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )


class Tabs(BlockContext):
    """Holds ``Tab`` blocks, one shown at a time: ``selected`` is a tab's ``id``, or its index."""

    template_name = "tabs"
    change = Event()
    select = Event()
    prop_checks = {**BlockContext.prop_checks, "selected": lambda value: _tab_key(value)}
    unsupported_options = {**BlockContext.unsupported_options, "overflow_behavior": "menu"}

    def __init__(
        self,
        *,
        selected: int | str | None = None,
        overflow_behavior: Literal["menu", "wrap"] = "menu",
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.selected = _tab_key(selected)
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )

    @property
    def tabs(self) -> list[Tab]:
        return [child for child in self.children if isinstance(child, Tab)]

    def tab_index(self, selected: int | str | None) -> int | None:
        """The index of the tab ``selected`` names: a tab ``id`` first, else an index."""
        if selected is None:
            return None
        tabs = self.tabs
        for index, tab in enumerate(tabs):
            if tab.tab_id is not None and tab.tab_id == selected:
                return index
        if isinstance(selected, int) and 0 <= selected < len(tabs):
            return selected
        return None

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        checked = super().check_props(props)
        value = checked.get("selected")
        if value is not None and self.tab_index(value) is None:
            ids = [tab.tab_id for tab in self.tabs if tab.tab_id is not None]
            named = f"ids {', '.join(map(repr, ids))} or " if ids else ""
            raise InvalidValue(
                f"selected={value!r} names no tab: give one of its tab {named}an index "
                f"below {len(self.tabs)}"
            )
        return checked

    def switches(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
        """Whether properties ``after`` select another tab than ``before`` (session props)."""
        if "selected" not in after:
            return False
        old = before.get("selected", self.selected)
        return self.tab_index(after["selected"]) != self.tab_index(old)

    def page_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        # The page selects by position: ``selected_index`` beside Gradio's ``selected``.
        entry = dict(props)
        if "selected" in entry:
            entry["selected_index"] = self.tab_index(entry["selected"])
        return entry

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A select names the tab chosen: its index among the tabs, its label as the value.
        return tab_select(data, self.tabs)


def _tab_key(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidValue(f"selected must be a tab id (a string or an integer) or None, got {value!r}")


class Tab(BlockContext):
    """One tab of a ``Tabs``; outside a ``Tabs`` it opens one of its own."""

    template_name = "tab"
    select = Event()
    prop_checks = {
        **BlockContext.prop_checks,
        "label": _text("label"),
        "interactive": _flag("interactive"),
        "scale": _integer("scale", optional=True),
    }
    unsupported_options = {
        **BlockContext.unsupported_options,
        "alignment": "left",
        "height": None,
        "max_height": None,
        "render_children": False,
    }

    def __init__(
        self,
        label: str | None = None,
        visible: bool | Literal["hidden"] = True,
        interactive: bool = True,
        *,
        id: int | str | None = None,
        alignment: Literal["left", "right"] = "left",
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        scale: int | None = None,
        height: int | str | None = None,
        max_height: int | str | None = None,
        render: bool = True,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
        render_children: bool = False,
    ) -> None:
        self.label = label
        self.tab_id = id
        self.interactive = interactive
        self.scale = scale
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # Its own select has the data of its Tabs' select: its index, its label.
        tabs = self.parent.tabs if isinstance(self.parent, Tabs) else [self]
        checked = tab_select(data, tabs)
        if tabs[checked["index"]] is not self:
            raise BadEventData(f"a select of this tab must have its index, {tabs.index(self)}")
        return checked

    def render(self) -> Block:
        context = current_context.get()
        if context is not None and not isinstance(context, Tabs) and self.blocks is None:
            # Consecutive tabs outside a Tabs share one implicit Tabs, as in Gradio.
            last = context.children[-1] if context.children else None
            tabs = last if isinstance(last, Tabs) and getattr(last, "implicit", False) else None
            if tabs is None:
                tabs = Tabs(render=False)
                tabs.implicit = True  # type: ignore[attr-defined]
                context.add_child(tabs)
            tabs.add_child(self)
            return self
        return super().render()

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        # Shown until the Tabs picks its selected tab (rendering.tree).
        return {
            "tab_id": self.tab_id,
            "tab_button_id": f"{context['dom_id']}-tab",
            "selected": True,
            "interactive": self.interactive is not False,
        }


TabItem = Tab


def tab_select(data: dict[str, Any], tabs: list[Tab]) -> dict[str, Any]:
    """A tab's select: ``index`` among ``tabs``, ``value`` its label (the page's text if none)."""
    labels = [tab.label for tab in tabs]
    index = data.get("index")
    if is_int(index) and 0 <= index < len(tabs) and labels[index] is None:
        return {**data, "value": None, "id": tabs[index].tab_id}
    return {**check_choice_select(data, labels), "id": tabs[index].tab_id}


class Accordion(BlockContext):
    """A collapsible section with a title."""

    template_name = "accordion"
    expand = Event()
    collapse = Event()
    prop_checks = {
        **BlockContext.prop_checks,
        "label": _text("label"),
        "open": _flag("open"),
    }
    unsupported_options = {
        **BlockContext.unsupported_options,
        "height": None,
        "max_height": None,
    }

    def __init__(
        self,
        label: str | None = None,
        *,
        open: bool = True,
        height: int | str | None = None,
        max_height: int | str | None = None,
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.label = label
        self.open = open
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"open": bool(self.open)}


class Sidebar(BlockContext):
    """A collapsible panel at the side of the app, with a button that opens and closes it."""

    template_name = "sidebar"
    expand = Event()
    collapse = Event()
    prop_checks = {
        **BlockContext.prop_checks,
        "label": _text("label"),
        "open": _flag("open"),
        "width": _size("width"),
        "position": _one_of("position", ("left", "right")),
    }

    def __init__(
        self,
        label: str | None = None,
        *,
        open: bool = True,
        visible: bool | Literal["hidden"] = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        width: int | str = 320,
        position: Literal["left", "right"] = "left",
        key: Any = None,
        preserved_by_key: list[str] | str | None = None,
    ) -> None:
        self.label = label
        self.open = open
        self.width = _size("width")(width)
        self.position = _one_of("position", ("left", "right"))(position)
        self.warn_unsupported(self.explicit_args())
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )

    def page_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        entry = dict(props)
        if "width" in entry:
            entry["width"] = css_length(entry["width"])
        return entry

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        classes = [*context["classes"], f"bs-sidebar-{self.position}"]
        return {
            "open": bool(self.open),
            "classes": classes,
            "width": css_length(self.width),
            "body_id": f"{context['dom_id']}-body",
            "toggle_id": f"{context['dom_id']}-toggle",
        }

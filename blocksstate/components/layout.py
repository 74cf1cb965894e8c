"""Layout containers: ``Row``, ``Column``, ``Group``, ``Accordion``, ``Sidebar`` (tabs: tabs.py).

A layout has no value, but it can be an event's output: a handler changes its
properties (``gr.update(visible=True)``, ``gr.Accordion(open=False)``), checked
here (``check_props``) before the engine keeps them in the session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Literal, Unpack

from ..app.context import current_context
from ..app.events import Event
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
    unsupported_options = {"show_progress": False}

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
        super().__init__(
            visible=visible, elem_id=elem_id, elem_classes=elem_classes, render=render, key=key
        )


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

"""Layout containers: ``Row``, ``Column``, ``Group``, ``Tabs``/``Tab``, ``Accordion``."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Unpack

from ..app.context import current_context
from ..app.event_data import BadEventData, check_choice_select, check_shape, is_int
from ..app.events import Event
from .base import Block, BlockOptions

if TYPE_CHECKING:
    pass


class BlockContext(Block):
    """A block that holds other blocks; use it as a context manager."""

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


class Row(BlockContext):
    """Lays its children out side by side (wrapping on narrow screens)."""

    template_name = "row"

    def __init__(
        self,
        *,
        variant: str = "default",
        equal_height: bool = False,
        **options: Unpack[BlockOptions],
    ) -> None:
        self.variant = variant
        self.equal_height = equal_height
        super().__init__(**options)


class Column(BlockContext):
    """Stacks its children vertically."""

    template_name = "column"

    def __init__(
        self,
        *,
        scale: int = 1,
        min_width: int = 320,
        variant: str = "default",
        **options: Unpack[BlockOptions],
    ) -> None:
        self.scale = scale
        self.min_width = min_width
        self.variant = variant
        super().__init__(**options)


class Group(BlockContext):
    """Groups its children in one panel without gaps."""

    template_name = "group"


class Tabs(BlockContext):
    """Holds ``Tab`` blocks, one shown at a time."""

    template_name = "tabs"
    change = Event()
    select = Event()

    def __init__(
        self,
        *,
        selected: int | str | None = None,
        **options: Unpack[BlockOptions],
    ) -> None:
        self.selected = selected
        super().__init__(**options)

    def tabs(self) -> list[Tab]:
        """Its tabs, in order."""
        return [child for child in self.children if isinstance(child, Tab)]

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A select names the tab chosen: its index among the tabs, its label as the value.
        data = check_shape(event, data)
        return tab_select(data, self.tabs()) if event == "select" else data


class Tab(BlockContext):
    """One tab of a ``Tabs``; outside a ``Tabs`` it opens one of its own."""

    template_name = "tab"
    select = Event()

    def __init__(
        self,
        label: str | None = None,
        *,
        id: int | str | None = None,
        interactive: bool = True,
        **options: Unpack[BlockOptions],
    ) -> None:
        self.label = label
        self.tab_id = id
        self.interactive = interactive
        super().__init__(**options)

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # Its own select has the data of its Tabs' select: its index, its label.
        data = check_shape(event, data)
        if event != "select":
            return data
        tabs = self.parent.tabs() if isinstance(self.parent, Tabs) else [self]
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

    def __init__(
        self,
        label: str | None = None,
        *,
        open: bool = True,
        **options: Unpack[BlockOptions],
    ) -> None:
        self.label = label
        self.open = open
        super().__init__(**options)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"open": bool(self.open)}

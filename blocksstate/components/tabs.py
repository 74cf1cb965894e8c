"""Tabs: ``Tabs`` and its ``Tab``s (``TabItem``), which tab is selected, and a select's data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ..app.context import current_context
from ..app.event_data import BadEventData, check_choice_select, is_int
from ..app.events import Event
from .base import Block
from .layout import BlockContext, _flag, _integer, _text
from .schema import InvalidValue


class Tabs(BlockContext):
    """Holds ``Tab`` blocks, one shown at a time: ``selected`` is a tab's ``id``, or its index."""

    template_name = "tabs"
    change = Event()
    select = Event()
    prop_checks = {**BlockContext.prop_checks, "selected": lambda value: _tab_key(value)}
    unsupported_options = {"overflow_behavior": "menu"}

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

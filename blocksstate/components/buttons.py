"""Buttons: ``Button`` and ``ClearButton``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..events import Event
from .base import Component
from .schema import ValueSchema

VARIANTS = ("primary", "secondary", "stop", "huggingface")


class Button(Component):
    """A button; its value is its text."""

    template_name = "button"
    accepts_input = False
    click = Event()

    def __init__(
        self,
        value: str | Any = "Run",
        *,
        every: float | None = None,
        inputs: Any = None,
        variant: str = "secondary",
        size: str = "lg",
        icon: str | None = None,
        link: str | None = None,
        visible: bool = True,
        interactive: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        scale: int | None = None,
        min_width: int | None = None,
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"Button variant must be one of {VARIANTS}, got {variant!r}")
        self.variant = variant
        self.size = size
        self.icon = icon
        self.link = link
        super().__init__(
            value,
            interactive=interactive,
            visible=visible,
            elem_id=elem_id,
            elem_classes=elem_classes,
            render=render,
            key=key,
            scale=scale,
            min_width=min_width or 160,
        )

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("string")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return None if value is None else str(value)

    def is_enabled(self) -> bool:
        return self.interactive is not False


class ClearButton(Button):
    """A button that resets the given components (and State) to their initial values."""

    template_name = "button"

    def __init__(
        self,
        components: Any = None,
        *,
        value: str = "Clear",
        variant: str = "secondary",
        size: str = "lg",
        icon: str | None = None,
        link: str | None = None,
        visible: bool = True,
        interactive: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        scale: int | None = None,
        min_width: int | None = None,
    ) -> None:
        super().__init__(
            value,
            variant=variant,
            size=size,
            icon=icon,
            link=link,
            visible=visible,
            interactive=interactive,
            elem_id=elem_id,
            elem_classes=elem_classes,
            render=render,
            key=key,
            scale=scale,
            min_width=min_width,
        )
        self.cleared: list[Component] = []
        if components is not None:
            self.add(components)

    def add(self, components: Any) -> ClearButton:
        """Also reset ``components`` when clicked."""
        from ..updates import ResetToInitial

        listed = list(components) if isinstance(components, (list, tuple, set)) else [components]
        if self.blocks is None:
            raise RuntimeError(
                "create the ClearButton inside `with gr.Blocks():` before adding components"
            )
        self.cleared.extend(listed)
        dependency = self.click(
            lambda: (
                tuple(ResetToInitial() for _ in listed) if len(listed) > 1 else ResetToInitial()
            ),
            inputs=None,
            outputs=listed,
            trigger_mode="once",
            show_progress="hidden",
        )
        dependency.clears = True
        return self

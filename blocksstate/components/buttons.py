"""Buttons: ``Button`` and ``ClearButton``."""

from __future__ import annotations

from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..i18n import gradio_text
from .base import Component, ComponentOptions, ResetToInitial
from .text import TextDisplay

VARIANTS = ("primary", "secondary", "stop", "huggingface")


class ButtonOptions(ComponentOptions, total=False):
    """The keyword arguments of ``Button.__init__``, which ``ClearButton`` passes on."""

    variant: str
    size: str
    icon: str | None
    link: str | None


class Button(TextDisplay):
    """A button; its value is its text."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "link_target": "_self",
    }

    template_name = "button"
    click = Event()

    def __init__(
        self,
        value: str | Any = "Run",
        *,
        variant: str = "secondary",
        size: str = "lg",
        icon: str | None = None,
        link: str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"Button variant must be one of {VARIANTS}, got {variant!r}")
        self.variant = variant
        self.size = size
        self.icon = icon
        self.link = link
        options.setdefault("interactive", True)
        # Gradio's Button defaults to min_width=None; here that is the usual width.
        options["min_width"] = options.get("min_width") or 160
        super().__init__(value, **options)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"]
        return {
            # Gradio's "Run", "Clear", "Submit"... in the page's language (``i18n``).
            "text": "" if value is None else gradio_text(str(value)),
            "variant": self.variant,
            "size": self.size,
            "link": self.link,
            "enabled": self.interactive is not False,
        }


class ClearButton(Button):
    """A button that resets the given components (and State) to their initial values."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "api_name": None,
        "api_visibility": "undocumented",
    }

    def __init__(
        self,
        components: Any = None,
        *,
        value: str = "Clear",
        **options: Unpack[ButtonOptions],
    ) -> None:
        super().__init__(value, **options)
        self.cleared: list[Component] = []
        if components is not None:
            self.add(components)

    def add(self, components: Any) -> ClearButton:
        """Also reset ``components`` when clicked."""
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

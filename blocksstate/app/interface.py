"""``Interface``: a Blocks app built from one function, its inputs and its outputs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..components.audio import Audio
from ..components.base import Component
from ..components.buttons import Button, ClearButton
from ..components.chat import Chatbot
from ..components.choice import Checkbox, CheckboxGroup, Dropdown, Radio
from ..components.display import JSON, Label
from ..components.files import File
from ..components.gallery import Gallery
from ..components.image import Image
from ..components.layout import Column, Row
from ..components.number import Number, Slider
from ..components.state import State
from ..components.text import HTML, Markdown, Textbox
from ..components.video import Video
from .blocks import Blocks

SHORTCUTS: dict[str, Callable[[], Component]] = {
    "textbox": Textbox,
    "text": Textbox,
    "number": Number,
    "checkbox": Checkbox,
    "checkboxgroup": CheckboxGroup,
    "radio": Radio,
    "dropdown": Dropdown,
    "slider": Slider,
    "markdown": Markdown,
    "html": HTML,
    "json": JSON,
    "label": Label,
    "chatbot": Chatbot,
    "state": State,
    "file": File,
    "files": lambda: File(file_count="multiple"),
    "image": Image,
    "pil": lambda: Image(type="pil"),
    "audio": Audio,
    "video": Video,
    "gallery": Gallery,
}


def _as_list(items: Any) -> list[Any]:
    if items is None:
        return []
    return list(items) if isinstance(items, (list, tuple)) else [items]


class Interface(Blocks):
    """Inputs on the left, outputs on the right, Submit and Clear buttons; ``"state"`` wires one State."""

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: Any,
        outputs: Any,
        *,
        title: str | None = None,
        description: str | None = None,
        article: str | None = None,
        submit_btn: str = "Submit",
        clear_btn: str | None = "Clear",
        live: bool = False,
        css: str | None = None,
        delete_cache: tuple[int, int] | None = None,
        **blocks_options: Any,
    ) -> None:
        super().__init__(title=title, css=css, delete_cache=delete_cache, **blocks_options)
        input_specs, output_specs = _as_list(inputs), _as_list(outputs)
        if (
            input_specs.count("state") > 1
            or output_specs.count("state") > 1
            or (("state" in input_specs) != ("state" in output_specs))
        ):
            raise ValueError(
                "an Interface with state needs exactly one 'state' input and one 'state' output"
            )
        self.fn = fn
        with self:
            if title:
                Markdown(f"# {title}")
            if description:
                Markdown(description)
            state = State() if "state" in input_specs else None
            with Row():
                with Column():
                    names = _parameter_names(fn)
                    self.input_components = [
                        self._component(spec, state, names[i] if i < len(names) else f"input {i}")
                        for i, spec in enumerate(input_specs)
                    ]
                    with Row():
                        clear = ClearButton(value=clear_btn) if clear_btn else None
                        submit = Button(submit_btn, variant="primary")
                with Column():
                    single = sum(spec != "state" for spec in output_specs) == 1
                    self.output_components = [
                        self._component(spec, state, "output" if single else f"output {i}")
                        for i, spec in enumerate(output_specs)
                    ]
            if article:
                Markdown(article)
            submit.click(fn, self.input_components, self.output_components)
            if live:
                for component in self.input_components:
                    if not component.server_only:
                        component.change(fn, self.input_components, self.output_components)
            if clear is not None:
                clear.add(self.input_components + self.output_components)

    @staticmethod
    def _component(spec: Any, state: State | None, label: str) -> Component:
        if isinstance(spec, str):
            key = spec.lower()
            if key == "state":
                assert state is not None
                return state
            if key not in SHORTCUTS:
                raise ValueError(
                    f"unknown component shortcut {spec!r}; known: {', '.join(sorted(SHORTCUTS))}"
                )
            component = SHORTCUTS[key]()
            if getattr(component, "label", None) in (None, "Chatbot"):
                component.label = label  # as Gradio does: named after the parameter, or "output"
            return component
        if isinstance(spec, Component):
            return spec.render() if spec.blocks is None else spec  # type: ignore[return-value]
        raise TypeError(f"Interface inputs and outputs must be components or names, got {spec!r}")


def _parameter_names(fn: Callable[..., Any]) -> list[str]:
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []

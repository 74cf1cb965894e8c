"""Text components: ``Textbox``, ``Markdown``, ``HTML``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from django.utils.safestring import mark_safe

from ..app.event_data import BadEventData
from ..app.events import Event, UnsupportedEvent, declare_unsupported_events
from .base import Component, ComponentOptions, FormComponent
from .markdown import render_markdown
from .schema import ValueSchema, bounded_schema

TEXTBOX_TYPES = ("text", "password", "email")


# Gradio's default js_on_load for gr.HTML (clicks fire its click event).
HTML_JS_ON_LOAD = "element.addEventListener('click', function() { trigger('click') });"


class Textbox(FormComponent):
    """One line or several lines of text; ``type="password"`` hides what is typed."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "buttons": None,
        "submit_btn": False,
        "stop_btn": False,
        "html_attributes": None,
    }

    template_name = "textbox"
    submit = Event()
    select = Event()
    copy = Event()
    stop = UnsupportedEvent("no stop button: stop_btn is not implemented")

    def __init__(
        self,
        value: str | Any | None = None,
        *,
        lines: int = 1,
        max_lines: int | None = None,
        placeholder: str | None = None,
        type: str = "text",
        max_length: int | None = None,
        autofocus: bool = False,
        autoscroll: bool = True,
        show_copy_button: bool = False,
        rtl: bool = False,
        text_align: str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        if type not in TEXTBOX_TYPES:
            raise ValueError(f"Textbox type must be one of {TEXTBOX_TYPES}, got {type!r}")
        self.lines = lines
        self.max_lines = max_lines
        self.placeholder = placeholder
        self.type = type
        self.max_length = max_length
        self.autofocus = autofocus
        self.autoscroll = autoscroll
        self.show_copy_button = show_copy_button
        self.rtl = rtl
        self.text_align = text_align
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        max_length = (props or {}).get("max_length", self.max_length)
        return bounded_schema("string", True, None, None, max_length)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        # Handlers often return numbers for a textbox; show them as text, as Gradio does.
        return None if value is None else super().postprocess(str(value), props)

    def initial_value(self) -> Any:
        value = super().initial_value()
        return "" if value is None else value

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        text = "" if context["value"] is None else str(context["value"])
        # A one-line box is an <input>, unless its text has several lines (an <input> drops them).
        lines = self.lines
        grows = self.type == "text" and lines <= 1 and self.max_lines != 1
        if grows and "\n" in text:
            lines = min(text.count("\n") + 1, self.max_lines or 20)
        return {
            "input_type": self.type,
            "multiline": self.type == "text" and lines > 1,
            "rows": lines,
            "grows": grows,
            "max_lines": self.max_lines,
            "max_length": self.max_length,
            "value_text": text,
        }

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A select is a range of its text: index [start, end] (in characters), value the text.
        text = "" if value is None else str(value)
        index = data.get("index")
        if not isinstance(index, list) or not 0 <= index[0] <= index[1] <= len(text):
            raise BadEventData("a select's 'index' must be [start, end] within the text")
        selected = text[index[0] : index[1]]
        if "value" in data and data["value"] != selected:
            raise BadEventData("a select's 'value' is not the text at its index")
        return {**data, "value": selected}


class TextDisplay(Component):
    """Text the page shows but never edits (``Markdown``, ``HTML``, a ``Button``'s caption).

    Whatever a handler returns is shown as its ``str()``.
    """

    accepts_input = False

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return bounded_schema("string")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return None if value is None else super().postprocess(str(value), props)


class Markdown(TextDisplay):
    """Markdown text, rendered without raw HTML."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "rtl": False,
        "latex_delimiters": None,
        "max_height": None,
        "buttons": None,
        "padding": False,
    }

    template_name = "markdown"
    copy = Event()

    def __init__(
        self,
        value: str | Any | None = None,
        *,
        sanitize_html: bool = True,
        line_breaks: bool = False,
        header_links: bool = False,
        height: int | str | None = None,
        min_height: int | str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.sanitize_html = sanitize_html
        self.line_breaks = line_breaks
        self.header_links = header_links
        self.height = height
        self.min_height = min_height
        options.setdefault("container", False)
        super().__init__(value, **options)

    def page_update(self, value: Any) -> dict[str, Any]:
        # Sanitised here, as on the first page, so the page has one renderer: the server's.
        return {"value": value, "html": render_markdown(value)}

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {
            "html": render_markdown(context["value"]),
            "show_label": context["label"] is not None and self.show_label is True,
        }


class HTML(TextDisplay):
    """Trusted HTML written by the app's developer (never what a visitor typed)."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "html_template": "${value}",
        "css_template": "",
        "js_on_load": HTML_JS_ON_LOAD,
        "apply_default_css": True,
        "max_height": None,
        "padding": False,
        "autoscroll": False,
        "buttons": None,
        "head": None,
        "server_functions": None,
    }

    template_name = "html"
    click = Event()

    def __init__(
        self,
        value: str | Any | None = None,
        *,
        min_height: int | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.min_height = min_height
        options.setdefault("show_label", False)
        options.setdefault("container", False)
        super().__init__(value, **options)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        # gr.HTML is the app developer's own markup, shown as is (as in Gradio).
        value = context["value"]
        return {
            "html": mark_safe("" if value is None else str(value)),  # noqa: S308 (the developer's own markup)
            "show_label": context["label"] is not None and self.show_label is True,
        }


# Gradio's HTML fires any event its js_on_load asks for; without js_on_load, these never fire.
declare_unsupported_events(
    HTML,
    ["input", "double_click", "submit", "stop", "edit", "clear", "play", "pause", "end",
     "start_recording", "pause_recording", "stop_recording", "focus", "blur", "upload",
     "release", "select", "stream", "like", "example_select", "option_select", "load",
     "key_up", "apply", "delete", "tick", "undo", "retry", "expand", "collapse", "download",
     "copy"],
    "fired by js_on_load, which is not implemented",
)  # fmt: skip

"""``HighlightedText``: text with labelled spans, drawn on the server with its legend."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Unpack

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ..app.event_data import BadEventData, is_int
from ..app.events import Event
from .base import Component, ComponentOptions
from .schema import InvalidValue, ValueSchema, check_json_safe

# Colours for the categories color_map does not name, in order of first appearance.
PALETTE = (
    "#ef4444",
    "#22c55e",
    "#3b82f6",
    "#eab308",
    "#a855f7",
    "#14b8a6",
    "#f97316",
    "#06b6d4",
    "#84cc16",
    "#ec4899",
)
# What a colour given by the app may be: a name, #hex, rgb()/hsl() and the like; set through
# the CSSOM (never written into a style attribute), so it can only ever be a colour.
CSS_COLOR = re.compile(r"[#a-zA-Z0-9(),.%\s/-]{1,64}")
MAX_TOKENS = 10_000


def check_color(color: Any, name: str) -> str | None:
    """Return ``color`` if it reads as a CSS colour, else raise ValueError naming ``name``."""
    if color is None:
        return None
    if not isinstance(color, str) or not CSS_COLOR.fullmatch(color):
        raise ValueError(f"{name} must be a CSS colour such as 'red' or '#ff0000', got {color!r}")
    return color


def tokens_from(value: Any) -> list[tuple[str, Any]]:
    """Return Gradio's value forms (pairs, ``{"text", "entities"}``, stored tokens) as pairs."""
    if isinstance(value, Mapping) and "text" in value:
        text, entities = value.get("text"), value.get("entities")
        if not isinstance(text, str) or not isinstance(entities, Sequence):
            raise InvalidValue("expected {'text': str, 'entities': [...]}")
        pairs: list[tuple[str, Any]] = []
        index = 0
        for entity in sorted(entities, key=lambda e: e.get("start", 0)):
            start, end = entity.get("start"), entity.get("end")
            if not (is_int(start) and is_int(end) and index <= start <= end <= len(text)):
                raise InvalidValue(f"an entity's start and end must lie in the text: {entity!r}")
            pairs.append((text[index:start], None))
            pairs.append((text[start:end], entity.get("entity") or entity.get("entity_group")))
            index = end
        pairs.append((text[index:], None))
        return pairs
    if isinstance(value, Mapping):
        raise InvalidValue("expected a dict with keys 'text' and 'entities'")
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InvalidValue(f"expected a list of (text, label) pairs, got {type(value).__name__}")
    pairs = []
    for item in value:
        if isinstance(item, Mapping) and "token" in item:
            item = (item["token"], item.get("class_or_confidence"))
        if not isinstance(item, (list, tuple)) or len(item) != 2 or not isinstance(item[0], str):
            raise InvalidValue(f"expected a (text, label) pair, got {item!r}")
        pairs.append((item[0], item[1]))
    return pairs


class HighlightedText(Component):
    """Text whose spans carry a category or a score; handlers return ``(text, label)`` pairs or
    ``{"text", "entities"}`` and get ``[{"token", "class_or_confidence"}]``."""

    template_name = "highlightedtext"
    type_name = "Highlighted text"
    accepts_input = False
    select = Event()
    value_form_props: ClassVar[frozenset[str]] = frozenset(
        {"color_map", "show_legend", "show_inline_category"}
    )
    unsupported_options: ClassVar[dict[str, Any]] = {"rtl": False, "buttons": None}

    def __init__(
        self,
        value: Any = None,
        *,
        color_map: dict[str, str] | None = None,
        show_legend: bool = False,
        show_inline_category: bool = True,
        combine_adjacent: bool = False,
        adjacent_separator: str = "",
        show_whitespaces: bool = True,
        rtl: bool = False,
        buttons: list[Any] | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        for name, color in (color_map or {}).items():
            check_color(color, f"HighlightedText color_map[{name!r}]")
        self.color_map = color_map
        self.show_legend = show_legend
        self.show_inline_category = show_inline_category
        self.combine_adjacent = combine_adjacent
        self.adjacent_separator = adjacent_separator
        self.show_whitespaces = show_whitespaces
        self.rtl = rtl
        self.buttons = buttons
        if options.get("interactive"):
            self.note_unsupported(["interactive"])  # the page does not edit labels
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("json")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return None
        try:
            pairs = tokens_from(value)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {value!r}: {exc}") from None
        if self.combine_adjacent:
            pairs = self._combined(pairs)
        if len(pairs) > MAX_TOKENS:
            raise InvalidValue(f"{self!r} shows at most {MAX_TOKENS} spans")
        tokens = []
        for text, label in pairs:
            if label is not None and not isinstance(label, (str, int, float)):
                raise InvalidValue(f"{self!r}: a label is text or a score, got {label!r}")
            shown = text if self.show_whitespaces else text.strip()
            tokens.append({"token": shown, "class_or_confidence": label})
        check_json_safe(tokens)
        return tokens

    def _combined(self, pairs: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        combined: list[tuple[str, Any]] = []
        for text, label in pairs:
            if not text:
                continue
            if combined and combined[-1][1] == label:
                combined[-1] = (combined[-1][0] + self.adjacent_separator + text, label)
            else:
                combined.append((text, label))
        return combined

    def to_handler(self, payload: Any) -> Any:
        return None if payload is None else [dict(token) for token in payload]

    def page_form(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {"value": value, "html": self.render_tokens(value, props or {})}

    def page_update(self, value: Any) -> dict[str, Any]:
        return self.page_form(value)

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        try:
            for name, color in (props.get("color_map") or {}).items():
                check_color(color, f"color_map[{name!r}]")
        except (ValueError, AttributeError) as exc:
            raise InvalidValue(str(exc)) from None
        return dict(props)

    def render_tokens(self, value: Any, props: Mapping[str, Any]) -> SafeString:
        """The tokens and legend, as ``_highlighted_tokens.html`` draws them (text escaped)."""
        color_map = props.get("color_map", self.color_map) or {}
        colors: dict[str, str] = {}
        tokens = []
        for index, token in enumerate(value or []):
            label = token["class_or_confidence"]
            entry = {"index": index, "text": token["token"], "label": label, "color": None}
            if isinstance(label, (int, float)):
                # A score: red for positive, blue for negative, as strong as it is large.
                alpha = min(abs(float(label)), 1.0)
                hue = "255, 80, 80" if label >= 0 else "80, 120, 255"
                entry.update(color=f"rgba({hue}, {alpha:.2f})", label=f"{label:g}", score=True)
            elif label is not None:
                label = str(label)
                if label not in colors:
                    colors[label] = color_map.get(label) or PALETTE[len(colors) % len(PALETTE)]
                entry.update(label=label, color=colors[label])
            tokens.append(entry)
        context = {
            "tokens": tokens,
            "legend": list(colors.items()),
            "show_legend": props.get("show_legend", self.show_legend),
            "show_inline_category": props.get("show_inline_category", self.show_inline_category),
        }
        return render_to_string("blocksstate/components/_highlighted_tokens.html", context)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"html": self.page_form(context["value"])["html"]}

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A click on a span: its index; the value is [text, label], as Gradio's.
        index = data.get("index")
        if not is_int(index) or not 0 <= index < len(value or []):
            raise BadEventData("a select's 'index' must be the index of a span")
        token = value[index]
        return {**data, "value": [token["token"], token["class_or_confidence"]]}

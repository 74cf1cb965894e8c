"""Display components: ``JSON`` and ``Label`` (``HighlightedText`` is in ``highlighted.py``)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from django.template.loader import render_to_string

from ..app.event_data import BadEventData, is_int
from ..app.events import Event
from .base import Component, ComponentOptions
from .highlighted import check_color
from .schema import InvalidValue, ValueSchema


class JSON(Component):
    """Any JSON value, shown pretty-printed."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "max_height": 500,
        "min_height": None,
        "buttons": None,
    }

    template_name = "json"
    accepts_input = False

    def __init__(
        self,
        value: Any = None,
        *,
        open: bool = False,
        show_indices: bool = False,
        height: int | str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.open = open
        self.show_indices = show_indices
        self.height = height
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("json")

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"]
        if value is None:
            return {"pretty": ""}
        return {"pretty": json.dumps(value, indent=2, ensure_ascii=False, default=str)}


class Label(Component):
    """A label, or the top classes of a ``{label: confidence}`` dict drawn as bars; handlers
    return a str, a number or that dict, and get the dict (or the label when it has none)."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "show_heading": True,
        "buttons": None,
    }

    template_name = "label"
    accepts_input = False
    select = Event()
    value_form_props: ClassVar[frozenset[str]] = frozenset({"color", "show_heading"})
    unsupported_options: ClassVar[dict[str, Any]] = {"buttons": None}

    def __init__(
        self,
        value: Any = None,
        *,
        num_top_classes: int | None = None,
        color: str | None = None,
        show_heading: bool = True,
        buttons: list[Any] | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        if num_top_classes is not None and (not is_int(num_top_classes) or num_top_classes < 1):
            raise ValueError(
                f"Label num_top_classes must be a positive int, got {num_top_classes!r}"
            )
        self.num_top_classes = num_top_classes
        self.color = check_color(color, "Label color")
        self.show_heading = show_heading
        self.buttons = buttons
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("json")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Return ``{"label": ..., "confidences": [...]}`` from a label or a dict of scores."""
        return super().postprocess(self._labelled(value, props), props)

    def to_handler(self, payload: Any) -> Any:
        # As Gradio's preprocess: the scores as a dict, or the label alone.
        if not payload:
            return None
        if not payload.get("confidences"):
            return payload.get("label")
        return {item["label"]: item["confidence"] for item in payload["confidences"]}

    def check_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        try:
            check_color(props.get("color"), "Label color")
        except ValueError as exc:
            raise InvalidValue(str(exc)) from None
        return dict(props)

    def page_form(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        props = props or {}
        value = value or {}
        context = {
            "top": value.get("label"),
            "confidences": [
                {
                    "label": item["label"],
                    "confidence": item["confidence"],
                    "percent": f"{item['confidence'] * 100:.0f}",
                }
                for item in value.get("confidences") or []
            ],
            "color": props.get("color", self.color),
            "show_heading": props.get("show_heading", self.show_heading),
        }
        html = render_to_string("blocksstate/components/_label_body.html", context)
        return {"value": value or None, "html": html}

    def page_update(self, value: Any) -> dict[str, Any]:
        return self.page_form(value)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"html": self.page_form(context["value"])["html"]}

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A click on a class: its index among those shown, its label as the value.
        confidences = (value or {}).get("confidences") or []
        index = data.get("index")
        if not is_int(index) or not 0 <= index < len(confidences):
            raise BadEventData("a select's 'index' must be the index of a class shown")
        return {**data, "value": confidences[index]["label"]}

    def _labelled(self, value: Any, props: Mapping[str, Any] | None) -> Any:
        if value is None or (isinstance(value, dict) and not value):
            return None
        if isinstance(value, bool):
            raise InvalidValue(f"{self!r} cannot show {value!r}: expected text, a number or a dict")
        if isinstance(value, (str, int, float)):
            return {"label": str(value), "confidences": []}
        if isinstance(value, dict) and "confidences" in value:
            # Gradio's own form: {"label": ..., "confidences": [{"label", "confidence"}]}.
            items = value["confidences"]
            if not isinstance(items, list) or not all(
                isinstance(i, dict) and "label" in i and "confidence" in i for i in items
            ):
                raise InvalidValue(f"{self!r}: 'confidences' must be [{{label, confidence}}]")
            value = {i["label"]: i["confidence"] for i in items}
        if isinstance(value, dict):
            try:
                ranked = sorted(
                    ((str(k), _score(v)) for k, v in value.items()), key=lambda kv: -kv[1]
                )
            except (TypeError, ValueError):
                raise InvalidValue(
                    f"{self!r} expects {{label: confidence}} with numeric confidences"
                ) from None
            top = (props or {}).get("num_top_classes", self.num_top_classes)
            if top is not None:
                ranked = ranked[:top]
            return {
                "label": ranked[0][0] if ranked else None,
                "confidences": [{"label": k, "confidence": v} for k, v in ranked],
            }
        raise InvalidValue(f"{self!r} cannot show {value!r}: expected text, a number or a dict")


def _score(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(value)
    score = float(value)
    if not math.isfinite(score):
        raise ValueError(value)
    return score

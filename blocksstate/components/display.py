"""Display components: ``JSON`` and ``Label``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from .base import Component, ComponentOptions
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
    """A label, or the top classes of a ``{label: confidence}`` dict."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "show_heading": True,
        "buttons": None,
    }

    template_name = "label"
    accepts_input = False

    def __init__(
        self,
        value: Any = None,
        *,
        num_top_classes: int | None = None,
        color: str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.num_top_classes = num_top_classes
        self.color = color
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("json")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Return ``{"label": ..., "confidences": [...]}`` from a label or a dict of scores."""
        return super().postprocess(self._labelled(value, props), props)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"] or {}
        confidences = [
            {
                "label": str(item.get("label")),
                "confidence": float(item.get("confidence") or 0),
                "percent": f"{float(item.get('confidence') or 0) * 100:.0f}",
            }
            for item in value.get("confidences") or []
        ]
        top = value.get("label")
        return {"top": None if top is None else str(top), "confidences": confidences}

    def _labelled(self, value: Any, props: Mapping[str, Any] | None) -> Any:
        if value is None:
            return None
        if isinstance(value, (str, int, float)):
            return {"label": str(value), "confidences": []}
        if isinstance(value, dict) and "label" in value and "confidences" in value:
            return value
        if isinstance(value, dict):
            try:
                ranked = sorted(
                    ((str(k), float(v)) for k, v in value.items()), key=lambda kv: -kv[1]
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

"""What each type's template gets beyond the context every block gets (see ``tree.base_context``)."""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import mark_safe

from ..components.base import Component
from ..markdown import render_markdown


def number_text(value: Any) -> str:
    """Write a number as HTML attributes want it (never localised: ``2.5``, not ``2,5``)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value)


def choice_options(component: Component, selected: Any) -> list[dict[str, Any]]:
    """Return each choice with its label, its value as JSON, and whether it is selected."""
    chosen = selected if isinstance(selected, list) else ([] if selected is None else [selected])
    chosen_json = {json.dumps(value, default=str) for value in chosen}
    options = []
    for index, (label, value) in enumerate(component.choice_pairs()):  # type: ignore[attr-defined]
        encoded = json.dumps(value, default=str)
        options.append(
            {
                "index": index,
                "label": label,
                "json": encoded,
                "text": str(value),
                "selected": encoded in chosen_json,
            }
        )
    return options


def _textbox(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    text = "" if context["value"] is None else str(context["value"])
    # A one-line box is an <input>, unless its text has several lines (an <input> drops them).
    lines = component.lines
    grows = component.type == "text" and lines <= 1 and component.max_lines != 1
    if grows and "\n" in text:
        lines = min(text.count("\n") + 1, component.max_lines or 20)
    return {
        "input_type": component.type,
        "multiline": component.type == "text" and lines > 1,
        "rows": lines,
        "grows": grows,
        "max_lines": component.max_lines,
        "max_length": component.max_length,
        "value_text": text,
    }


def _number(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "value_text": number_text(context["value"]),
        "minimum": number_text(component.minimum),
        "maximum": number_text(component.maximum),
        "step": number_text(component.step) or "any",
    }


def _checkbox(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"checked": bool(context["value"])}


def _choices(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    value = context["value"]
    options = choice_options(component, value)
    multiple = component.is_multiple()
    extra: dict[str, Any] = {"choices": options, "multiple": multiple}
    if not multiple and value is not None and not any(o["selected"] for o in options):
        # A custom value (allow_custom_value) is still shown as selected.
        extra["custom"] = {"label": str(value), "json": json.dumps(value, default=str)}
    extra["empty_option"] = not multiple and value is None
    return extra


def _button(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    value = context["value"]
    return {
        "text": "" if value is None else str(value),
        "variant": component.variant,
        "size": component.size,
        "link": component.link,
        "enabled": component.interactive is not False,
    }


def _markdown(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "html": render_markdown(context["value"]),
        "show_label": context["label"] is not None and component.show_label is True,
    }


def _html(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    # gr.HTML is the app developer's own markup, shown as is (as in Gradio).
    value = context["value"]
    return {
        "html": mark_safe("" if value is None else str(value)),
        "show_label": context["label"] is not None and component.show_label is True,
    }  # noqa: S308


def _json(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    value = context["value"]
    return {
        "pretty": ""
        if value is None
        else json.dumps(value, indent=2, ensure_ascii=False, default=str)
    }


def _label(component: Any, context: dict[str, Any]) -> dict[str, Any]:
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


def _chatbot(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    messages = [
        {
            "role": m["role"],
            "html": render_markdown(m["content"]),
            # What the client compares to keep the messages already shown (see components.js).
            "key": json.dumps([m["role"], m["content"]], ensure_ascii=False, separators=(",", ":")),
        }
        for m in context["value"] or []
    ]
    return {"messages": messages}


def _timer(component: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"interval": number_text(context["value"]), "active": bool(component.active)}


def _tab(block: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {
        "tab_id": block.tab_id,
        "tab_button_id": f"{context['dom_id']}-tab",
        "selected": True,
        "interactive": block.interactive is not False,
    }


def _accordion(block: Any, context: dict[str, Any]) -> dict[str, Any]:
    return {"open": bool(block.open)}


CONTEXT_BUILDERS = {
    "textbox": _textbox,
    "number": _number,
    "slider": _number,
    "checkbox": _checkbox,
    "checkboxgroup": _choices,
    "radio": _choices,
    "dropdown": _choices,
    "button": _button,
    "markdown": _markdown,
    "html": _html,
    "json": _json,
    "label": _label,
    "chatbot": _chatbot,
    "timer": _timer,
    "tab": _tab,
    "accordion": _accordion,
}

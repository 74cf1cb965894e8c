"""The page side of a Blocks: a render tree of its blocks, their markup, and the page config.

``build_tree`` walks the layout and gives every block a node: the template
that renders it (``blocksstate/components/<template_name>.html``, which a
project may override) and the context that template gets (ids, initial value,
label, properties, value schema). ``render_app`` renders the tree with the
page config of ``docs/protocol.md`` embedded, so the page is readable before
its socket opens and the client knows what to send.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.forms.utils import flatatt
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from .blocks import Blocks
from .components.base import Block, Component
from .components.layout import Tabs
from .components.state import BrowserState
from .markdown import render_markdown
from .protocol import PROTOCOL_VERSION

TEMPLATE_DIR = "blocksstate/components"
APP_TEMPLATE = "blocksstate/app.html"

# What a component is called when it has no label of its own (its accessible name).
TYPE_NAMES = {
    "textbox": "Textbox",
    "number": "Number",
    "slider": "Slider",
    "checkbox": "Checkbox",
    "checkboxgroup": "Checkbox group",
    "radio": "Radio",
    "dropdown": "Dropdown",
    "button": "Button",
    "markdown": "Markdown",
    "html": "HTML",
    "json": "JSON",
    "label": "Label",
    "chatbot": "Chatbot",
    "timer": "Timer",
}


@dataclass
class Node:
    """One block of the page: the template that renders it, its context and its children."""

    block: Block
    template_name: str
    context: dict[str, Any]
    children: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    """Makes element ids unique when the same app is rendered more than once on a page."""

    app: str
    instance: int = 1

    @property
    def prefix(self) -> str:
        return f"bs-{self.app}" if self.instance == 1 else f"bs-{self.app}--{self.instance}"

    @property
    def key(self) -> str:
        """The app's name in ``window.blocksstate.apps``: ``cart``, then ``cart#2``..."""
        return self.app if self.instance == 1 else f"{self.app}#{self.instance}"

    def dom_id(self, block: Block) -> str:
        if block.elem_id:
            return block.elem_id if self.instance == 1 else f"{block.elem_id}--{self.instance}"
        return f"{self.prefix}-{block.id}"


def type_of(block: Block) -> str:
    """Return the type the page knows a block by: its template name."""
    return block.template_name or block.type_name


def is_editable(component: Component) -> bool:
    """Whether the page may send this component's value (the engine's rule, before any update)."""
    return component.accepts_input and component.is_interactive()


# -- the tree --------------------------------------------------------------------------------------


def build_tree(blocks: Blocks, scope: Scope | None = None) -> list[Node]:
    """Return the nodes of the blocks placed in ``blocks``, in layout order (State left out)."""
    scope = scope or Scope(blocks.name or "app")
    return [node for child in blocks.children if (node := build_node(child, scope)) is not None]


def build_node(block: Block, scope: Scope) -> Node | None:
    """Return the node of ``block`` and its children, or None for what has no markup (State)."""
    if getattr(block, "server_only", False):
        return None
    children = [
        node
        for child in getattr(block, "children", [])
        if (node := build_node(child, scope)) is not None
    ]
    kind = type_of(block)
    context = base_context(block, scope)
    builder = _BUILDERS.get(kind)
    if builder is not None:
        context.update(builder(block, context))
    if isinstance(block, Tabs):
        _select_tab(block, children)
    context["attrs"] = wrapper_attrs(context)
    return Node(
        block=block, template_name=f"{TEMPLATE_DIR}/{kind}.html", context=context, children=children
    )


def base_context(block: Block, scope: Scope) -> dict[str, Any]:
    """Return what every block template gets: ids, type, label, visibility, classes."""
    kind = type_of(block)
    dom_id = scope.dom_id(block)
    label = getattr(block, "label", None)
    label = None if label is None else str(label)
    context: dict[str, Any] = {
        "block": block,
        "id": block.id,
        "dom_id": dom_id,
        "input_id": f"{dom_id}-input",
        "label_id": f"{dom_id}-label",
        "info_id": f"{dom_id}-info",
        "type": kind,
        "type_name": TYPE_NAMES.get(kind, type(block).__name__),
        "label": label,
        "visible": bool(block.visible),
        "hidden": not block.visible,
        "classes": ["bs-block", f"bs-{kind}", *block.elem_classes],
        "scale": getattr(block, "scale", None),
        "min_width": getattr(block, "min_width", None),
    }
    if isinstance(block, Component):
        value = block.initial_value()
        show_label = getattr(block, "show_label", None)
        placeholder = getattr(block, "placeholder", None)
        context.update(
            {
                "component": block,
                "value": value,
                "props": block.properties(),
                "schema": block.value_schema().as_dict(),
                "editable": is_editable(block),
                "interactive": block.interactive is not False,
                "info": getattr(block, "info", None),
                "placeholder": placeholder,
                "show_label": label is not None and show_label is not False,
                "accessible_name": label or placeholder or context["type_name"],
            }
        )
        if block.accepts_input and not context["editable"]:
            context["classes"].append("bs-readonly")
    return context


def wrapper_attrs(context: dict[str, Any]) -> SafeString:
    """Return the attributes of a block's outer element (class, id, data-bs-*, hidden)."""
    attrs: dict[str, Any] = {
        "class": " ".join(dict.fromkeys(c for c in context["classes"] if c)),
        "id": context["dom_id"],
        "data-bs-id": context["id"],
        "data-bs-type": context["type"],
    }
    if context.get("scale") is not None:
        attrs["data-bs-scale"] = context["scale"]
    if context.get("min_width") is not None:
        attrs["data-bs-min-width"] = context["min_width"]
    attrs["hidden"] = bool(context.get("hidden"))
    return flatatt(attrs)


def _select_tab(tabs: Tabs, children: list[Node]) -> None:
    """Mark the Tab shown first: ``selected`` (a tab id or an index), else the first visible."""
    selected = tabs.selected
    index = next(
        (
            i
            for i, node in enumerate(children)
            if selected is not None and node.context.get("tab_id") == selected
        ),
        None,
    )
    if index is None and isinstance(selected, int) and 0 <= selected < len(children):
        index = selected
    if index is None:
        index = next((i for i, node in enumerate(children) if node.context["visible"]), 0)
    for i, node in enumerate(children):
        node.context["selected"] = i == index
        node.context["tab_index"] = i
        node.context["hidden"] = not node.context["visible"] or i != index
        node.context["attrs"] = wrapper_attrs(node.context)


# -- per type --------------------------------------------------------------------------------------


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


_BUILDERS = {
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


# -- the page config -------------------------------------------------------------------------------


def _walk(block: Block) -> list[Block]:
    found: list[Block] = []
    for child in getattr(block, "children", []):
        found.append(child)
        found.extend(_walk(child))
    return found


def browser_storage_keys(blocks: Blocks, name: str) -> list[str]:
    """Return the localStorage keys of the app's BrowserStates, in component order (no secrets)."""
    keys = (c.key_for(name) for c in blocks.components.values() if isinstance(c, BrowserState))
    return list(dict.fromkeys(keys))


def page_config(blocks: Blocks, name: str | None = None) -> dict[str, Any]:
    """Return the page config of ``docs/protocol.md``: components, page events, socket path.

    ``browser_state`` names the localStorage keys where the page keeps the tokens
    of the app's BrowserStates; the secrets that sign them never leave the server.
    """
    name = name or blocks.name
    if not name:
        raise ValueError(
            f"{blocks!r} is not registered: call blocksstate.register(name, blocks) first"
        )
    dependencies: list[dict[str, Any]] = []
    events: dict[int, set[str]] = {}
    for dependency in blocks.dependencies:
        triggers = [
            (block, event)
            for block, event in dependency.client_triggers
            if block.id is not None and block is not blocks
        ]
        if not triggers:
            continue
        for block, event in triggers:
            events.setdefault(block.id, set()).add(event)  # type: ignore[arg-type]
        dependencies.append(
            {
                "id": dependency.id,
                "triggers": [[block.id, event] for block, event in triggers],
                "trigger_mode": dependency.trigger_mode,
                "show_progress": dependency.show_progress,
                "outputs": [c.id for c in dependency.outputs if not c.server_only],
            }
        )
    components: dict[str, Any] = {}
    for block in _walk(blocks):
        if getattr(block, "server_only", False):
            continue
        if isinstance(block, Component) or block.id in events:
            components[str(block.id)] = {
                "type": type_of(block),
                "editable": isinstance(block, Component) and is_editable(block),
                "events": sorted(events.get(block.id, ())),  # type: ignore[arg-type]
            }
    return {
        "app": name,
        "protocol": PROTOCOL_VERSION,
        "ws": f"/ws/blocks/{name}/",
        "components": components,
        "dependencies": dependencies,
        "browser_state": browser_storage_keys(blocks, name),
    }


# -- markup ----------------------------------------------------------------------------------------


def render_node(node: Node, extra: dict[str, Any] | None = None) -> SafeString:
    """Render one node (its children first) through its overridable template."""
    children = [render_node(child, extra) for child in node.children]
    context = {**(extra or {}), **node.context, "children": children, "child_nodes": node.children}
    return mark_safe(get_template(node.template_name).render(context))  # noqa: S308 (template output)


def render_app(
    blocks: Blocks,
    name: str | None = None,
    *,
    instance: int = 1,
    request: HttpRequest | None = None,
    nonce: str | None = None,
) -> SafeString:
    """Render an app's markup with its initial values and its embedded page config."""
    config = page_config(blocks, name)
    scope = Scope(config["app"], instance)
    extra = {"request": request, "csp_nonce": nonce}
    children = [render_node(node, extra) for node in build_tree(blocks, scope)]
    config_id = f"{scope.prefix}-config"
    css = blocks.css.replace("</", "<\\/") if blocks.css else ""
    context = {
        **extra,
        "blocks": blocks,
        "app": config["app"],
        "key": scope.key,
        "root_id": scope.prefix,
        "config_id": config_id,
        "config_script": json_script(config, config_id),
        "css": mark_safe(css),  # noqa: S308 (the developer's own CSS; "</" cannot end the element)
        "children": children,
    }
    return mark_safe(get_template(APP_TEMPLATE).render(context))  # noqa: S308 (template output)

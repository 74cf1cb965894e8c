"""The render tree of an app: a node per block (its template and context), and its markup."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.forms.utils import flatatt
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..app.blocks import Blocks
from ..components.base import Block, Component
from ..components.tabs import Tabs
from ..i18n import gradio_text
from .config import is_editable, page_config, type_of
from .page import page_context
from .scripts import registration

TEMPLATE_DIR = "blocksstate/components"
APP_TEMPLATE = "blocksstate/app.html"


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


# -- the tree --------------------------------------------------------------------------------------


def build_tree(blocks: Blocks, scope: Scope | None = None) -> list[Node]:
    """Return the nodes of the blocks placed in ``blocks``, in layout order (State left out)."""
    scope = scope or Scope(blocks.name or "app")
    return [node for child in blocks.children if (node := build_node(child, scope)) is not None]


def build_node(block: Block, scope: Scope, values: Mapping[int, Any] | None = None) -> Node | None:
    """Return the node of ``block`` and its children, or None for what has no markup (State).

    ``values``: the values to show instead of the initial ones, by component id (a
    ``@gr.render`` region's, from its session).
    """
    if getattr(block, "server_only", False):
        return None
    children = [
        node
        for child in getattr(block, "children", [])
        if (node := build_node(child, scope, values)) is not None
    ]
    kind = type_of(block)
    context = base_context(block, scope, values)
    context.update(block.template_context(context))
    if isinstance(block, Tabs):
        _select_tab(block, children)
    context["attrs"] = wrapper_attrs(context)
    return Node(
        block=block, template_name=f"{TEMPLATE_DIR}/{kind}.html", context=context, children=children
    )


def base_context(
    block: Block, scope: Scope, values: Mapping[int, Any] | None = None
) -> dict[str, Any]:
    """Return what every block template gets: ids, type, label, visibility, classes."""
    kind = type_of(block)
    dom_id = scope.dom_id(block)
    label = getattr(block, "label", None)
    # A lazy label (``gettext_lazy``) is said in the page's language; Gradio's defaults too.
    label = None if label is None else gradio_text(str(label))
    shown = bool(block.visible) and block.visible != "hidden"
    context: dict[str, Any] = {
        "block": block,
        "id": block.id,
        "dom_id": dom_id,
        "input_id": f"{dom_id}-input",
        "label_id": f"{dom_id}-label",
        "info_id": f"{dom_id}-info",
        "type": kind,
        # Translated from ``strings.TYPE_NAMES``: what the page calls it without a label.
        "type_name": gettext(block.type_name),
        "label": label,
        "visible": shown,
        "hidden": not shown,
        "classes": ["bs-block", f"bs-{kind}", *block.elem_classes],
        "scale": getattr(block, "scale", None),
        "min_width": getattr(block, "min_width", None),
    }
    if isinstance(block, Component):
        value = values[block.id] if values and block.id in values else block.initial_value()
        show_label = getattr(block, "show_label", None)
        placeholder = gradio_text(getattr(block, "placeholder", None))
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
        # What the page calls it when an update takes its label away (``Block.type_name``).
        "data-bs-name": context["type_name"],
    }
    if context.get("scale") is not None:
        attrs["data-bs-scale"] = context["scale"]
    if context.get("min_width") is not None:
        attrs["data-bs-min-width"] = context["min_width"]
    attrs["hidden"] = bool(context.get("hidden"))
    return flatatt(attrs)


def _select_tab(tabs: Tabs, children: list[Node]) -> None:
    """Mark the Tab shown first: ``selected`` (a tab id or an index), else the first visible."""
    index = tabs.tab_index(tabs.selected)
    if index is None:
        index = next((i for i, node in enumerate(children) if node.context["visible"]), 0)
    for i, node in enumerate(children):
        node.context["selected"] = i == index
        node.context["tab_index"] = i
        node.context["hidden"] = not node.context["visible"] or i != index
        node.context["attrs"] = wrapper_attrs(node.context)


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
        "language": config["language"],
        "key": scope.key,
        "root_id": scope.prefix,
        "config_id": config_id,
        "config_script": json_script(config, config_id),
        "js_script": registration(blocks, config["app"]),
        "css": mark_safe(css),  # noqa: S308 (the developer's own CSS; "</" cannot end the element)
        "children": children,
        **page_context(blocks, scope.prefix, request, nonce),
    }
    return mark_safe(get_template(APP_TEMPLATE).render(context))  # noqa: S308 (template output)

"""``TabbedInterface``: several Interfaces, one per tab, laid out again in one app."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from ..components.base import Block
from ..components.layout import BlockContext
from ..components.tabs import Tab, Tabs
from ..components.text import Markdown
from .blocks import Blocks
from .interface import Interface, build


class TabbedInterface(Blocks):
    """Several Interfaces, one per tab (Gradio's ``gr.TabbedInterface``).

    Each Interface is laid out again in its tab from the arguments it was built with (its
    components are copied into this app); the Interface objects themselves are not served.
    """

    def __init__(
        self,
        interface_list: Sequence[Interface],
        tab_names: list[str] | None = None,
        title: str | None = None,
        analytics_enabled: bool | None = None,
        tabs_kwargs: dict[str, Any] | None = None,
        **blocks_options: Any,
    ) -> None:
        for interface in interface_list:
            if not isinstance(interface, Interface):
                raise TypeError(
                    f"TabbedInterface takes gr.Interface objects, got {type(interface).__name__}"
                )
        if tab_names is not None and len(tab_names) != len(interface_list):
            raise ValueError("tab_names must name each interface")
        super().__init__(
            title=title,
            analytics_enabled=analytics_enabled,
            mode="tabbed_interface",
            **blocks_options,
        )
        names = tab_names or [f"Tab {i}" for i in range(len(interface_list))]
        self.interfaces: list[SimpleNamespace] = []
        with self:
            if title:
                Markdown(f"# {title}")
            with Tabs(**(tabs_kwargs or {})):
                for interface, name in zip(interface_list, names, strict=True):
                    with Tab(label=name):
                        parts = SimpleNamespace()
                        build(parts, **_build_arguments(interface))
                        self.interfaces.append(parts)


def _build_arguments(interface: Interface) -> dict[str, Any]:
    """The arguments an Interface was built with, as ``build`` takes them, its components copied."""
    given = dict(interface.__dict__.get("_explicit_args", {}))
    wanted = set(inspect.signature(build).parameters) - {"target"}
    defaults = {
        name: param.default
        for name, param in inspect.signature(Interface.__init__).parameters.items()
        if name in wanted
    }
    arguments = {**defaults, **{k: v for k, v in given.items() if k in wanted}}
    for name in ("inputs", "outputs", "additional_inputs"):
        arguments[name] = _copied(arguments[name])
    for name in ("submit_btn", "clear_btn", "additional_inputs_accordion"):
        arguments[name] = _copied(arguments[name])
    return arguments


def _copied(spec: Any) -> Any:
    """A component of another app, as a fresh copy this app can adopt."""
    if isinstance(spec, (list, tuple)):
        return [_copied(item) for item in spec]
    if isinstance(spec, Block) and spec.blocks is not None:
        clone = copy.copy(spec)
        clone.blocks = clone.parent = clone.id = None
        if isinstance(clone, BlockContext):
            clone.children = []
        return clone
    return spec

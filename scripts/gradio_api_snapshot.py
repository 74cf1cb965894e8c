"""Write Gradio's public API, as the parity test reads it, to ``tests/data/gradio_api.json``.

Run with a Python that has Gradio installed (CI has none: the test reads the JSON)::

    /work/gradio-ref/bin/python scripts/gradio_api_snapshot.py

Records every public class of ``gradio`` (and of ``gradio.themes``) with its
constructor's parameters and defaults (``repr``), its ``EVENTS``, the parameters
of a listener (``gr.Button().click``), of ``gr.on``, ``Blocks.load``,
``Blocks.launch`` and ``Blocks.queue``.
"""

from __future__ import annotations

import inspect
import json
import sys
from pathlib import Path
from typing import Any

import gradio
import gradio.themes

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "gradio_api.json"
REQUIRED = "<required>"


def parameters(func: Any) -> list[dict[str, str]]:
    """Return a callable's parameters: name, kind, default (``repr``) and annotation."""
    rows = []
    for name, param in inspect.signature(func).parameters.items():
        if name == "self" or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        default = REQUIRED if param.default is param.empty else repr(param.default)
        row = {"name": name, "kind": param.kind.name, "default": default}
        if param.annotation is not param.empty:
            annotation = param.annotation
            row["annotation"] = annotation if isinstance(annotation, str) else repr(annotation)
        rows.append(row)
    return rows


def event_names(cls: type) -> list[str]:
    """Return the names of a class's events (``EVENTS`` holds names or EventListeners)."""
    names = []
    for event in getattr(cls, "EVENTS", None) or []:
        names.append(event if isinstance(event, str) else event.event_name)
    return names


def kind_of(cls: type) -> str:
    """Say what a class is: a component, a layout, the Blocks, an app class, or other."""
    from gradio.blocks import BlockContext, Blocks
    from gradio.components.base import Component

    if issubclass(cls, Blocks):
        return "app"
    if issubclass(cls, Component):
        return "component"
    if issubclass(cls, BlockContext):
        return "layout"
    return "other"


def describe(cls: type, module: Any, prefix: str) -> dict[str, dict[str, Any]]:
    """Return ``{name: entry}`` for every public class of ``module``."""
    classes: dict[str, dict[str, Any]] = {}
    names = sorted(name for name in dir(module) if not name.startswith("_"))
    # An alias is the later name of a class seen under another (TabItem -> Tab).
    canonical = {}
    for name in names:
        obj = getattr(module, name)
        if isinstance(obj, type):
            canonical.setdefault(id(obj), name)
            if obj.__name__ == name:
                canonical[id(obj)] = name
    for name in names:
        obj = getattr(module, name)
        if not isinstance(obj, type):
            continue
        try:
            init = parameters(obj.__init__)
        except (TypeError, ValueError):
            init = []
        doc = inspect.getdoc(obj) or ""
        entry: dict[str, Any] = {
            "kind": kind_of(obj) if prefix == "" else "theme",
            "module": obj.__module__,
            "description": doc.strip().splitlines()[0] if doc.strip() else "",
            "parameters": init,
            "events": event_names(obj),
        }
        if canonical[id(obj)] != name:
            entry["alias_of"] = prefix + canonical[id(obj)]
        classes[prefix + name] = entry
    return classes


def main() -> None:
    with gradio.Blocks() as demo:
        button = gradio.Button()
    snapshot = {
        "gradio_version": gradio.__version__,
        "classes": {
            **describe(object, gradio, ""),
            **describe(object, gradio.themes, "themes."),
        },
        "listener": parameters(button.click),
        "on": parameters(gradio.on),
        "load": parameters(demo.load),
        "launch": parameters(gradio.Blocks.launch),
        "queue": parameters(gradio.Blocks.queue),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
    sys.stdout.write(f"wrote {OUT} ({len(snapshot['classes'])} classes)\n")


if __name__ == "__main__":
    main()

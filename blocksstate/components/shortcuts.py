"""Components named by a string (``"textbox"``, ``"image"``), as ``Interface`` and ``Dataset`` accept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .audio import Audio
from .base import Component
from .chat import Chatbot
from .choice import Checkbox, CheckboxGroup, Dropdown, Radio
from .dataframe import Dataframe
from .display import JSON, Label
from .files import File
from .gallery import Gallery
from .image import Image
from .number import Number, Slider
from .state import State
from .text import HTML, Markdown, Textbox
from .video import Video

SHORTCUTS: dict[str, Callable[..., Component]] = {
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
    "files": lambda **kw: File(file_count="multiple", **kw),
    "image": Image,
    "pil": lambda **kw: Image(type="pil", **kw),
    "audio": Audio,
    "video": Video,
    "gallery": Gallery,
    "dataframe": Dataframe,
    "numpy": lambda **kw: Dataframe(type="numpy", **kw),
    "matrix": lambda **kw: Dataframe(type="array", **kw),
    "list": lambda **kw: Dataframe(type="array", column_count=1, **kw),
}


def component_named(name: str, **options: Any) -> Component:
    """Return a new component for a shortcut name (case-insensitive), or raise naming the known ones."""
    key = name.lower()
    if key not in SHORTCUTS:
        raise ValueError(
            f"unknown component shortcut {name!r}; known: {', '.join(sorted(SHORTCUTS))}"
        )
    return SHORTCUTS[key](**options)

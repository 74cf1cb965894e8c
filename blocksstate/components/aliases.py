"""Gradio's other names for components blocksstate has: ``Text``, ``TextArea``, ``Json``..."""

from __future__ import annotations

from typing import Any, Unpack

from .base import ComponentOptions
from .choice import CheckboxGroup
from .display import JSON
from .highlighted import HighlightedText
from .text import Textbox

Text = Textbox
Checkboxgroup = CheckboxGroup
Json = JSON
Highlightedtext = HighlightedText
Highlight = HighlightedText


class TextArea(Textbox):
    """A ``Textbox`` of 7 lines growing to 20 (Gradio's template); handlers get and return ``str``."""

    def __init__(
        self,
        value: str | Any | None = None,
        *,
        lines: int = 7,
        max_lines: int | None = 20,
        **options: Unpack[ComponentOptions],
    ) -> None:
        super().__init__(value, lines=lines, max_lines=max_lines, **options)

"""Gradio's other names for components blocksstate has (``Text``, ``Json``...) and its
templates: a component with other defaults (``TextArea``, ``Files``, ``Microphone``...)."""

from __future__ import annotations

from typing import Any, Unpack

from .audio import Audio
from .base import ComponentOptions
from .choice import CheckboxGroup
from .dataframe import Dataframe
from .display import JSON
from .files import File
from .highlighted import HighlightedText
from .text import Textbox
from .video import Video

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


class Files(File):
    """A ``File`` of several files (Gradio's template); handlers get and return a list of paths."""

    def __init__(self, value: Any = None, *, file_count: str = "multiple", **options: Any) -> None:
        super().__init__(value, file_count=file_count, **options)


class Microphone(Audio):
    """An ``Audio`` recorded from the microphone (Gradio's template); values as ``Audio``'s."""

    def __init__(
        self, value: Any = None, *, sources: list[str] | None = None, **options: Any
    ) -> None:
        super().__init__(value, sources=["microphone"] if sources is None else sources, **options)


Mic = Microphone


class PlayableVideo(Video):
    """A ``Video`` kept as MP4, which every browser plays (Gradio's template); values as ``Video``'s."""

    def __init__(self, value: Any = None, *, format: str | None = "mp4", **options: Any) -> None:
        super().__init__(value, format=format, **options)


class Numpy(Dataframe):
    """A ``Dataframe`` whose handlers get a NumPy array (Gradio's template); needs NumPy."""

    def __init__(
        self,
        value: Any = None,
        *,
        row_count: Any = (1, "dynamic"),
        type: str = "numpy",
        **options: Any,
    ) -> None:
        super().__init__(value, row_count=row_count, type=type, **options)


class Matrix(Dataframe):
    """A ``Dataframe`` whose handlers get a list of rows (Gradio's template)."""

    def __init__(
        self,
        value: Any = None,
        *,
        row_count: Any = (1, "dynamic"),
        type: str = "array",
        **options: Any,
    ) -> None:
        super().__init__(value, row_count=row_count, type=type, **options)


class List(Dataframe):
    """A one-column ``Dataframe`` whose handlers get a list of rows (Gradio's template)."""

    def __init__(
        self,
        value: Any = None,
        *,
        row_count: Any = (1, "dynamic"),
        col_count: Any = 1,
        type: str = "array",
        **options: Any,
    ) -> None:
        super().__init__(value, row_count=row_count, col_count=col_count, type=type, **options)

"""What a handler learns of the event that called it: Gradio's ``EventData`` and its kinds.

A handler gets it by a parameter annotated with one of these classes (Gradio's rule), filled
from the event frame's ``data`` (see docs/protocol.md), after the engine has checked it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FileData:
    """A file, as Gradio describes one: ``path`` is a path of this machine."""

    path: str
    url: str | None = None
    size: int | None = None
    orig_name: str | None = None
    mime_type: str | None = None
    is_stream: bool = False
    meta: dict[str, Any] = field(default_factory=lambda: {"_type": "gradio.FileData"})


class EventData:
    """The component that triggered the event (``target``) and the page's data (``_data``)."""

    def __init__(self, target: Any, data: Any) -> None:
        self.target = target
        self._data = data

    def __repr__(self) -> str:
        return f"{type(self).__name__}(target={self.target!r}, data={self._data!r})"


class SelectData(EventData):
    """A ``select`` event: what was selected (or deselected), and where."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        data = data or {}
        self.index: int | tuple[int, int] | None = data.get("index")
        if isinstance(self.index, list):
            self.index = (self.index[0], self.index[1])
        self.value: Any = data.get("value")
        self.selected: bool = data.get("selected", True)
        self.row_value: list[Any] | None = data.get("row_value")
        self.col_value: list[Any] | None = data.get("col_value")


class DeletedFileData(EventData):
    """A ``delete`` event: the file the visitor removed from the component."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        self.file: FileData | None = (data or {}).get("file")


class DownloadData(EventData):
    """A ``download`` event (File): the file the visitor downloaded from the component."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        self.file: FileData | None = (data or {}).get("file")


EVENT_DATA_CLASSES: tuple[type[EventData], ...] = (
    EventData,
    SelectData,
    DeletedFileData,
    DownloadData,
)

#: The events whose data names a file of the component (``{"file": page record}``), read
#: by its ref before the handler gets it as a FileData.
FILE_EVENTS = ("delete", "download")


class BadEventData(ValueError):
    """The page's event data does not fit its event."""


def check_event_data(event: str, data: Any) -> dict[str, Any] | None:
    """Return the page's ``data`` checked for ``event`` (its file refs are read later)."""
    if data is None:
        return None
    if not isinstance(data, dict):
        raise BadEventData("event data must be a JSON object")
    if event == "select":
        index = data.get("index")
        is_int = isinstance(index, int) and not isinstance(index, bool)
        is_cell = (
            isinstance(index, list)
            and len(index) == 2
            and all(isinstance(i, int) and not isinstance(i, bool) for i in index)
        )
        if index is not None and not (is_int or is_cell):
            raise BadEventData("a select's 'index' must be an integer or [row, column]")
        if not isinstance(data.get("selected", True), bool):
            raise BadEventData("a select's 'selected' must be true or false")
    if event == "delete" and not isinstance(data.get("file"), dict):
        raise BadEventData("a delete's data needs the 'file' the visitor removed")
    if event == "download" and not isinstance(data.get("file"), dict):
        raise BadEventData("a download's data needs the 'file' the visitor downloaded")
    return data

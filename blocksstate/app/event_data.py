"""What a handler learns of the event that called it: Gradio's ``EventData`` and its kinds.

A handler gets it by a parameter annotated with one of these classes (Gradio's rule), filled
from the event frame's ``data`` (see docs/protocol.md), after the engine has checked it. The
component that fired the event decides what its data may be (``Block.event_data``, which
``check_event_data`` calls); ``check_shape`` is what every component checks first.
"""

from __future__ import annotations

from collections.abc import Mapping
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

    def __getattr__(self, name: str) -> Any:
        # As in Gradio: the page's data by name (``evt.key``), whatever the class.
        data = self.__dict__.get("_data")
        if isinstance(data, dict) and name in data:
            return data[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

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


class KeyUpData(EventData):
    """A ``key_up`` event (Dropdown): the key released, and the text shown in the input then."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        data = data or {}
        self.key: str | None = data.get("key")
        self.input_value: str | None = data.get("input_value")


class CopyData(EventData):
    """A ``copy`` event (Textbox, Markdown): the text the visitor copied."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        self.value: Any = (data or {}).get("value")


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


def _index(data: dict[str, Any]) -> int | tuple[int, int]:
    index = data["index"]
    return (index[0], index[1]) if isinstance(index, list) else index


class LikeData(EventData):
    """A ``like`` event (Chatbot): the message the visitor liked or disliked, and how."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        data = data or {"index": None}
        self.index: int | tuple[int, int] | None = _index(data)
        self.value: Any = data.get("value")
        #: True for a like, False for a dislike, or the text of another feedback option.
        self.liked: bool | str = data.get("liked", True)


class RetryData(EventData):
    """A ``retry`` event (Chatbot): the user message to answer again."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        data = data or {"index": None}
        self.index: int | tuple[int, int] | None = _index(data)
        self.value: Any = data.get("value")


class UndoData(RetryData):
    """An ``undo`` event (Chatbot): the user message to take back, with what followed it."""


class EditData(EventData):
    """An ``edit`` event (Chatbot): the message the visitor edited, before and after."""

    def __init__(self, target: Any, data: Any) -> None:
        super().__init__(target, data)
        data = data or {"index": None}
        self.index: int | tuple[int, int] | None = _index(data)
        self.previous_value: Any = data.get("previous_value")
        self.value: Any = data.get("value")


EVENT_DATA_CLASSES: tuple[type[EventData], ...] = (
    EventData,
    SelectData,
    KeyUpData,
    CopyData,
    DeletedFileData,
    DownloadData,
    LikeData,
    RetryData,
    UndoData,
    EditData,
)


def event_data_classes() -> list[type[EventData]]:
    """EventData and every subclass of it defined anywhere (``LikeData`` too), for annotations."""
    found: list[type[EventData]] = []
    todo: list[type[EventData]] = [EventData]
    while todo:
        kind = todo.pop(0)
        if kind not in found:
            found.append(kind)
            todo.extend(kind.__subclasses__())
    return found


#: The events whose data names a file of the component (``{"file": page record}``), read
#: by its ref before the handler gets it as a FileData.
FILE_EVENTS = ("delete", "download")


#: The Chatbot's events whose data names a message by its index (and its content).
MESSAGE_EVENTS = ("like", "retry", "undo", "edit")


class BadEventData(ValueError):
    """The page's event data does not fit its event."""


#: The longest ``key`` name a ``key_up`` may carry ("ArrowDown", "Enter", "a").
MAX_KEY_LENGTH = 32


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_event_data(
    target: Any,
    event: str,
    data: Any,
    props: Mapping[str, Any] | None = None,
    value: Any = None,
) -> dict[str, Any] | None:
    """Return the page's ``data`` for ``event`` of ``target``, checked by the component.

    ``props`` are the component's current properties in the session (its choices after an
    update), ``value`` its current value. A delete's or download's file refs are read later.
    """
    if data is None:
        return None
    if not isinstance(data, dict):
        raise BadEventData("event data must be a JSON object")
    decide = getattr(target, "event_data", None)
    if decide is None:
        return check_shape(event, data)
    return decide(event, data, props or {}, value)


def check_shape(event: str, data: dict[str, Any]) -> dict[str, Any]:
    """What any component's data for ``event`` must look like (before its own checks)."""
    if event == "select":
        index = data.get("index")
        is_cell = isinstance(index, list) and len(index) == 2 and all(is_int(i) for i in index)
        if index is not None and not (is_int(index) or is_cell):
            raise BadEventData("a select's 'index' must be an integer or [row, column]")
        if not isinstance(data.get("selected", True), bool):
            raise BadEventData("a select's 'selected' must be true or false")
    if event in MESSAGE_EVENTS:
        _check_message_event(event, data)
    if event == "key_up":
        key = data.get("key")
        if not isinstance(key, str) or not 0 < len(key) <= MAX_KEY_LENGTH:
            raise BadEventData("a key_up's 'key' must be the name of a key")
        if not isinstance(data.get("input_value"), str):
            raise BadEventData("a key_up's 'input_value' must be text")
    if event == "copy" and not isinstance(data.get("value"), str):
        raise BadEventData("a copy's 'value' must be the text copied")
    if event == "delete" and not isinstance(data.get("file"), dict):
        raise BadEventData("a delete's data needs the 'file' the visitor removed")
    if event == "download" and not isinstance(data.get("file"), dict):
        raise BadEventData("a download's data needs the 'file' the visitor downloaded")
    return data


def _check_message_event(event: str, data: dict[str, Any]) -> None:
    index = data.get("index")
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise BadEventData(f"a {event}'s 'index' must be the message's position (an integer >= 0)")
    if event == "like":
        liked = data.get("liked", True)
        if not isinstance(liked, (bool, str)):
            raise BadEventData("a like's 'liked' must be true, false or a feedback option's text")
    if event == "edit" and not isinstance(data.get("value"), str):
        raise BadEventData("an edit's 'value' must be the message's new text")


def check_choice_select(data: dict[str, Any], values: list[Any]) -> dict[str, Any]:
    """A select of one of ``values`` (a choice, a tab): ``index`` names it, ``value`` is it."""
    index = data.get("index")
    if not is_int(index) or not 0 <= index < len(values):
        raise BadEventData(f"a select's 'index' must be one of the {len(values)} choices")
    if "value" in data and not same_value(data["value"], values[index]):
        raise BadEventData(f"a select's 'value' is not choice {index}")
    return {**data, "value": values[index]}


def same_value(sent: Any, kept: Any) -> bool:
    """Whether the page's JSON ``sent`` is the server's ``kept`` (a tuple is a JSON list)."""
    if isinstance(kept, tuple):
        kept = list(kept)
    return bool(sent == kept) and isinstance(sent, bool) == isinstance(kept, bool)

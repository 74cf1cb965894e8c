"""``MultimodalTextbox``: a text box with files attached, sent together.

Its value is ``{"text": str, "files": [records]}`` (Gradio's MultimodalData): the files are
uploaded as any file component's (docs/files.md: its ``file_types``, limits and sniffing
apply), shown as removable chips, and handlers get ``{"text": str, "files": [paths]}``
(Gradio's MultimodalValue).
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from ..files import access
from ..files.store import Owner
from ..i18n import gradio_text
from .files import FileComponent, FileOptions
from .records import check_record, page_owners, record_from_page
from .schema import InvalidValue, check_json_safe

SOURCES = ("upload", "microphone")


def empty() -> dict[str, Any]:
    return {"text": "", "files": []}


class MultimodalTextbox(FileComponent):
    """Text and attached files; Enter (or the submit button) sends both."""

    template_name = "multimodaltextbox"
    change = Event()
    input = Event()
    select = Event()
    submit = Event()
    stop = Event()
    focus = Event()
    blur = Event()

    unsupported_options: ClassVar[dict[str, Any]] = {
        "autoscroll": True,
        "rtl": False,
        "text_align": None,
        "max_plain_text_length": 1000,
        "html_attributes": None,
    }

    def __init__(
        self,
        value: str | dict[str, Any] | Any | None = None,
        *,
        sources: list[str] | str | None = None,
        file_types: list[str] | None = None,
        file_count: str = "single",
        lines: int = 1,
        max_lines: int = 20,
        placeholder: str | None = None,
        autofocus: bool = False,
        autoscroll: bool = True,
        text_align: str | None = None,
        rtl: bool = False,
        submit_btn: str | bool | None = True,
        stop_btn: str | bool | None = False,
        max_plain_text_length: int = 1000,
        html_attributes: Any = None,
        **options: Unpack[FileOptions],
    ) -> None:
        if sources is None:
            sources = ["upload"]
        elif isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or any(s not in SOURCES for s in sources):
            raise ValueError(f"sources must be a list of {SOURCES}, got {sources!r}")
        self.sources = sources
        self.lines = lines
        self.max_lines = max(lines, max_lines)
        self.placeholder = placeholder
        self.autofocus = autofocus
        self.autoscroll = autoscroll
        self.text_align = text_align
        self.rtl = rtl
        self.submit_btn = submit_btn
        self.stop_btn = stop_btn
        self.max_plain_text_length = max_plain_text_length
        self.html_attributes = html_attributes
        super().__init__(value, file_count=file_count, file_types=file_types, **options)
        if "microphone" in sources:
            self.note_unsupported(["sources=['microphone']"])

    @property
    def multiple(self) -> bool:
        return True  # its files are a list, whatever file_count (which limits one upload)

    # -- the value: {"text", "files"} --------------------------------------------------------

    @staticmethod
    def _parts(value: Any) -> tuple[str, list[Any]]:
        """The text and files of a value given as text or as ``{"text", "files"}``."""
        if isinstance(value, str):
            return value, []
        if not isinstance(value, Mapping):
            raise InvalidValue(
                f"expected text or a dict with 'text' and 'files', got {type(value).__name__}"
            )
        unknown = set(value) - {"text", "files"}
        if unknown:
            raise InvalidValue(f"unknown keys {sorted(unknown)}: expected 'text' and 'files'")
        text = value.get("text") or ""
        files = value.get("files") or []
        if not isinstance(text, str):
            raise InvalidValue(f"'text' must be text, got {type(text).__name__}")
        if not isinstance(files, (list, tuple)):
            raise InvalidValue(f"'files' must be a list, got {type(files).__name__}")
        check_json_safe(text)
        return text, list(files)

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Keep the text and the files whose refs the server signed for this session."""
        if payload is None:
            return empty()
        text, files = self._parts(payload)
        owners = page_owners()
        return {"text": text, "files": [record_from_page(item, owners) for item in files]}

    def item_from_handler(self, item: Any, owner: Owner) -> Any:
        # A file of a chat history (a dict with a local path) is taken as its path.
        from .chat_files import store_record_or_path

        return store_record_or_path(item, owner)

    def to_handler(self, payload: Any) -> Any:
        if payload is None:
            return None
        return {
            "text": payload["text"],
            "files": [self.item_to_handler(item) for item in payload["files"]],
        }

    def store_output(self, value: Any, owner: Owner) -> Any:
        if value is None:
            return None
        text, files = self._parts(value)
        return {"text": text, "files": [self.item_from_handler(item, owner) for item in files]}

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return empty()
        owners = page_owners(required=False) or self.app_owners()
        try:
            text, files = self._parts(value)
            return {"text": text, "files": [check_record(item, owners) for item in files]}
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {reprlib.repr(value)}: {exc}") from None

    def initial_value(self) -> Any:
        value = super().initial_value()
        return empty() if value is None else value

    def page_value(self, value: Any) -> Any:
        if value is None:
            return empty()
        return {"text": value["text"], "files": [access.page_record(f) for f in value["files"]]}

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        page_value = self.page_value(context["value"])
        submit = self.submit_btn
        stop = self.stop_btn
        return {
            "page_value": page_value,
            "text": page_value["text"],
            "rows": self.lines,
            "file_count": self.file_count,
            "file_types": self.file_types,
            "submit_text": gradio_text(submit if isinstance(submit, str) else "Send")
            if submit
            else None,
            "stop_text": gradio_text(stop if isinstance(stop, str) else "Stop") if stop else None,
            "uploads": "upload" in self.sources,
        }

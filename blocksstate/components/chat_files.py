"""Files in chat messages: the content forms Gradio's Chatbot takes, stored as parts.

A message's content is text, or (Gradio 6's normalised form) a list of parts:
``{"type": "text", "text": str}`` and ``{"type": "file", "file": record, "alt_text": str | None}``.
What a handler may give as content, alone or in a list: text, ``{"path": ...}`` (and
``alt_text``), ``{"file": {...}}`` / ``{"type": "file", ...}``, a ``FileData``, or a file
component (``gr.Image(path)``, ``gr.Audio``, ``gr.Video``, ``gr.File``). Files are stored as
the session's (``store_file``: a path already stored is not copied), shown through signed URLs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from ..app.event_data import FileData
from ..files import access, store
from ..files.store import RECORD_KEYS, Owner, Record
from .files import FileComponent
from .markdown import render_markdown
from .records import check_record, store_file
from .schema import InvalidValue, check_json_safe


def content_of(message: Any) -> Any:
    """A message's content (a dict's or a ChatMessage's), or None for anything else."""
    if isinstance(message, Mapping):
        return message.get("content")
    return getattr(message, "content", None)


def has_files(messages: Any) -> bool:
    """Whether any message's content is something other than text (it may hold files)."""
    if not isinstance(messages, (list, tuple)):
        return False
    for message in messages:
        content = content_of(message)
        if content is not None and not isinstance(content, str):
            return True
    return False


def _file_part(record: Record, alt_text: Any = None) -> dict[str, Any]:
    return {"type": "file", "file": record, "alt_text": alt_text}


def store_content(content: Any, owner: Owner) -> Any:
    """A message's content with its files stored for ``owner`` (text as it is; may block)."""
    if content is None or isinstance(content, str):
        return content
    items = list(content) if isinstance(content, (list, tuple)) else [content]
    parts: list[dict[str, Any]] = []
    for item in items:
        parts.extend(_store_item(item, owner))
    return parts


def store_record_or_path(file: Any, owner: Owner) -> Record:
    """A record kept as it is (checked later), or a path (a handler's: local) stored."""
    if isinstance(file, Mapping):
        path = file.get("path")
        if set(RECORD_KEYS) <= set(file) and (not path or Owner.of(path) is not None):
            return {key: file[key] for key in RECORD_KEYS}
        if not isinstance(path, str) or not path:
            raise InvalidValue("a file in a message needs a 'path'")
        rec = store_file(path, owner)
        return {**rec, "orig_name": file.get("orig_name") or rec["orig_name"]}
    return store_file(file, owner)


def _store_item(item: Any, owner: Owner) -> list[dict[str, Any]]:
    if isinstance(item, str):
        return [{"type": "text", "text": item}]
    if isinstance(item, FileData):
        return [_file_part(store_file(item, owner))]
    if isinstance(item, FileComponent):
        value = item.value() if callable(item.value) else item.value
        files = value if isinstance(value, (list, tuple)) else [value]
        alt = getattr(item, "alt_text", None)
        return [_file_part(store_record_or_path(f, owner), alt) for f in files if f is not None]
    if isinstance(item, Mapping):
        kind = item.get("type")
        if kind == "text" and isinstance(item.get("text"), str):
            return [{"type": "text", "text": item["text"]}]
        if kind in (None, "file") and isinstance(item.get("file"), Mapping):
            return [_file_part(store_record_or_path(item["file"], owner), item.get("alt_text"))]
        if kind is None and "path" in item:
            return [_file_part(store_record_or_path(item, owner), item.get("alt_text"))]
    if hasattr(item, "render") and hasattr(item, "value"):
        raise InvalidValue(
            f"a {type(item).__name__} cannot be a message here: only text and files "
            "(gr.Image, gr.Audio, gr.Video, gr.File, {'path': ...}) are shown in a Chatbot"
        )
    raise InvalidValue(
        f"a message's content is text, a file ({{'path': ...}}, gr.FileData, gr.Image...) "
        f"or a list of them; got {type(item).__name__}"
    )


def check_parts(content: Any, owners: tuple[Owner, ...]) -> Any:
    """Content as stored: text, or parts whose files the session (or the app) owns."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise InvalidValue(
            "a message's content must be text or a list of parts (files are stored first)"
        )
    checked = []
    for part in content:
        if not isinstance(part, Mapping):
            raise InvalidValue("a message part must be a dict")
        if part.get("type") == "text" and isinstance(part.get("text"), str):
            check_json_safe(part["text"])
            checked.append({"type": "text", "text": part["text"]})
        elif part.get("type") == "file":
            alt = part.get("alt_text")
            if alt is not None and not isinstance(alt, str):
                raise InvalidValue("a file's alt_text must be text")
            checked.append(_file_part(check_record(part.get("file"), owners), alt))
        else:
            raise InvalidValue(f"unknown message part {part!r}")
    return checked


def map_files(content: Any, fn: Callable[[Record], Any]) -> Any:
    """Content with each file part's record replaced by ``fn(record)`` (a copy)."""
    if isinstance(content, str) or content is None:
        return content
    return [
        {**part, "file": fn(part["file"])} if part.get("type") == "file" else dict(part)
        for part in content
    ]


def handler_file(rec: Record) -> dict[str, Any]:
    """A file as handlers get it in a history: Gradio's FileData fields, a local path."""
    if not rec.get("path"):
        return dict(rec)
    return {**rec, "path": str(store.local_path(rec))}


def page_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages as the page is given them: each file with its signed ``url`` and ``ref``."""
    return [
        m
        if isinstance(m["content"], str)
        else {**m, "content": map_files(m["content"], access.page_record)}
        for m in messages
    ]


def content_html(content: Any) -> Any:
    """The sanitised HTML of a content: one string for text, one per part (None for a file)."""
    if isinstance(content, str) or content is None:
        return render_markdown(content)
    return [render_markdown(p["text"]) if p.get("type") == "text" else None for p in content]


def key_content(content: Any) -> Any:
    """What the page compares of a content (see chat.js: files by their stored path)."""
    if isinstance(content, str) or content is None:
        return content
    return [
        {"type": "file", "path": p["file"].get("path"), "alt_text": p.get("alt_text")}
        if p.get("type") == "file"
        else p
        for p in content
    ]


def text_of(content: Any) -> str:
    """A content's text (its text parts, for a list)."""
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or () if p.get("type") == "text")


def file_kind(rec: Mapping[str, Any]) -> str:
    """How a file is shown: ``image``, ``audio``, ``video`` (inline) or ``file`` (a link)."""
    mime = rec.get("mime_type") or ""
    if mime.startswith("image/") and mime != "image/svg+xml":
        return "image"
    for kind in ("audio", "video"):
        if mime.startswith(f"{kind}/"):
            return kind
    return "file"


def template_parts(content: Any) -> list[dict[str, Any]]:
    """A content's parts for the template: ``{"html"}`` or ``{"file", "kind", "alt"}``."""
    parts = []
    for part in content if isinstance(content, list) else []:
        if part.get("type") == "file":
            rec = access.page_record(copy.deepcopy(part["file"]))
            alt = part.get("alt_text") or rec.get("orig_name") or ""
            parts.append({"file": rec, "kind": file_kind(rec), "alt": alt})
        else:
            parts.append({"html": render_markdown(part.get("text"))})
    return parts

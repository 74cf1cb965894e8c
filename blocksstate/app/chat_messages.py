"""A conversation's messages as ``ChatInterface`` reads and writes them (Gradio's
"messages" format: ``{"role", "content"}`` dicts)."""

from __future__ import annotations

from typing import Any

from ..components.chat import as_message_dict
from ..components.chat_files import text_of
from ..components.files import FileComponent
from .event_data import FileData


def is_empty(message: Any) -> bool:
    """Whether a message (text, or a multimodal ``{"text", "files"}``) says nothing."""
    if isinstance(message, dict) and "content" not in message:
        return not message.get("text") and not message.get("files")
    return message is None or message == ""


def as_messages(response: Any, role: str) -> list[dict[str, Any]]:
    """What a chat function returned (text, ChatMessage, message dict, a file, a multimodal
    ``{"text", "files"}``, or a list of them) as messages."""
    messages = []
    for item in response if isinstance(response, list) else [response]:
        if item is None:
            continue
        item = as_message_dict(item)
        if isinstance(item, dict) and "content" in item:
            messages.append({**item, "role": item.get("role") or role})
        elif isinstance(item, dict) and ("text" in item or "files" in item):
            # Gradio 6: one message, a file part per file then the text (MultimodalPostprocess).
            content: list[Any] = [
                {"path": f.get("path")} if isinstance(f, dict) else {"path": f}
                for f in item.get("files") or []
            ]
            if item.get("text"):
                content.append(item["text"])
            messages.append({"role": role, "content": content})
        elif (
            isinstance(item, (FileData, FileComponent))
            or (isinstance(item, dict) and ("path" in item or "file" in item))
            or isinstance(item, str)
        ):
            messages.append({"role": role, "content": item})
        elif isinstance(item, (int, float)) and not isinstance(item, bool):
            messages.append({"role": role, "content": str(item)})
        else:
            raise TypeError(
                f"a chat function returns text, a gr.ChatMessage, a message dict or a list of "
                f"them; got {item!r}"
            )
    return messages


def last_user_turn(history: list[dict[str, Any]]) -> int:
    """The index where the last user turn starts (its user messages, then the answers)."""
    i = len(history) - 1
    while i >= 0 and history[i]["role"] != "user":
        i -= 1
    while i >= 0 and history[i]["role"] == "user":
        i -= 1
    return i + 1


def message_text(messages: list[dict[str, Any]]) -> str:
    return "".join(text_of(m["content"]) for m in messages if m["role"] == "user")


def message_files(messages: list[dict[str, Any]]) -> list[str]:
    """The paths of the files of user messages (as handlers get them: local paths)."""
    return [
        part["file"]["path"]
        for m in messages
        if m["role"] == "user" and isinstance(m["content"], list)
        for part in m["content"]
        if part.get("type") == "file"
    ]

"""``Chatbot``: a conversation as a list of ``{"role", "content"}`` messages."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Unpack

from ..app.events import Event
from .base import Component, ComponentOptions
from .markdown import render_markdown
from .schema import ValueSchema


class Chatbot(Component):
    """Shows a conversation; its value is the message list and can serve as state."""

    template_name = "chatbot"
    accepts_input = False
    like = Event()
    select = Event()
    clear = Event()

    def __init__(
        self,
        value: list[Any] | Any | None = None,
        *,
        type: str = "messages",
        height: int | str | None = 400,
        placeholder: str | None = None,
        avatar_images: Any = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.type = type
        self.height = height
        self.placeholder = placeholder
        self.avatar_images = avatar_images
        # Not setdefault: an empty label is replaced too.
        options["label"] = options.get("label") or "Chatbot"
        super().__init__([] if value is None else value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("messages")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return super().postprocess([] if value is None else value, props)

    def page_update(self, value: Any) -> dict[str, Any]:
        # Each message's content as sanitised HTML, by position (see Markdown.page_update).
        return {"value": value, "html": [render_markdown(m["content"]) for m in value or ()]}

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        messages = [
            {
                "role": m["role"],
                "html": render_markdown(m["content"]),
                # What the page compares to keep the messages already shown (see components.js).
                "key": json.dumps(
                    [m["role"], m["content"]], ensure_ascii=False, separators=(",", ":")
                ),
            }
            for m in context["value"] or []
        ]
        return {"messages": messages}

    def to_handler(self, payload: Any) -> Any:
        # Handlers append to the history in place; give them their own list.
        return [dict(message) for message in payload or []]

"""``Chatbot``: a conversation as a list of ``{"role", "content"}`` messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..events import Event
from .base import Component
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
        label: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        height: int | str | None = 400,
        placeholder: str | None = None,
        avatar_images: Any = None,
        every: float | None = None,
        inputs: Any = None,
    ) -> None:
        self.type = type
        self.height = height
        self.placeholder = placeholder
        self.avatar_images = avatar_images
        super().__init__(
            [] if value is None else value,
            label=label or "Chatbot",
            show_label=show_label,
            container=container,
            scale=scale,
            min_width=min_width,
            visible=visible,
            elem_id=elem_id,
            elem_classes=elem_classes,
            render=render,
            key=key,
        )

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("messages")

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return super().postprocess([] if value is None else value, props)

    def to_handler(self, payload: Any) -> Any:
        # Handlers append to the history in place; give them their own list.
        return [dict(message) for message in payload or []]

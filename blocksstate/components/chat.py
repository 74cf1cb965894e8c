"""``Chatbot`` and ``ChatMessage``: a conversation as a list of ``{"role", "content"}`` messages.

A message may carry ``metadata`` (Gradio's thoughts and tool use: a ``title`` shows it
collapsible, open while its ``status`` is ``"pending"``) and ``options`` (answers the visitor
can pick). Content is Markdown, rendered and sanitised here, on the server.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from typing import Any, ClassVar, Literal, Unpack

from ..app.event_data import MESSAGE_EVENTS, BadEventData
from ..app.events import Event
from ..files.access import file_url
from ..files.storage import file_storage
from ..files.store import FileRefused, Owner, save_path
from . import chat_files
from .base import Component, ComponentOptions
from .markdown import render_markdown
from .records import page_owners
from .schema import InvalidValue, ValueSchema


@dataclasses.dataclass
class ChatMessage:
    """One message of a Chatbot (Gradio's ``gr.ChatMessage``); only ``content`` is required."""

    content: Any
    role: Literal["user", "assistant", "system"] = "assistant"
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    options: list[dict[str, Any]] = dataclasses.field(default_factory=list)


METADATA_KEYS = {
    "title": (str,),
    "id": (str, int),
    "parent_id": (str, int),
    "log": (str,),
    "duration": (int, float),
    "status": (str,),
}


def as_message_dict(message: Any) -> Any:
    """A ChatMessage as the dict Chatbot values hold; anything else as it is."""
    if isinstance(message, ChatMessage):
        item: dict[str, Any] = {"role": message.role, "content": message.content}
        if message.metadata:
            item["metadata"] = dict(message.metadata)
        if message.options:
            item["options"] = [dict(option) for option in message.options]
        return item
    return message


def check_metadata(metadata: Any) -> dict[str, Any]:
    """Return a message's ``metadata`` checked (Gradio's MetadataDict)."""
    if not isinstance(metadata, Mapping):
        raise InvalidValue("a message's metadata must be a dict")
    for key, value in metadata.items():
        kinds = METADATA_KEYS.get(key)
        if kinds is None:
            raise InvalidValue(
                f"unknown message metadata {key!r}; known: {', '.join(METADATA_KEYS)}"
            )
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise InvalidValue(f"message metadata {key!r} has the wrong type: {value!r}")
    if metadata.get("status") not in (None, "pending", "done"):
        raise InvalidValue("a message's metadata status must be 'pending' or 'done'")
    return dict(metadata)


def check_options(options: Any) -> list[dict[str, str]]:
    """Return a message's ``options`` checked (Gradio's OptionDict: value, optional label)."""
    if not isinstance(options, list):
        raise InvalidValue("a message's options must be a list")
    checked = []
    for option in options:
        if not isinstance(option, Mapping) or not isinstance(option.get("value"), str):
            raise InvalidValue("a message option must be a dict with a text 'value'")
        if not isinstance(option.get("label", ""), str):
            raise InvalidValue("a message option's label must be text")
        checked.append({k: option[k] for k in ("value", "label") if k in option})
    return checked


class Chatbot(Component):
    """Shows a conversation; its value is the message list and can serve as state."""

    template_name = "chatbot"
    accepts_input = False
    like = Event()
    select = Event()
    clear = Event()
    retry = Event()
    undo = Event()
    edit = Event()
    copy = Event()
    option_select = Event()
    example_select = Event()

    #: Gradio options accepted but not implemented, with the default that does nothing.
    unsupported_options: ClassVar[dict[str, Any]] = {
        "resizable": False,
        "max_height": None,
        "min_height": None,
        "latex_delimiters": None,
        "rtl": False,
        "watermark": None,
        "layout": None,
        "examples": None,
        "allow_file_downloads": True,
        "group_consecutive_messages": True,
        "allow_tags": True,
        "reasoning_tags": None,
        "line_breaks": True,
        "render_markdown": True,
        "show_share_button": None,
        "preserved_by_key": "value",
    }

    def __init__(
        self,
        value: list[Any] | Any | None = None,
        *,
        type: str = "messages",
        height: int | str | None = 400,
        placeholder: str | None = None,
        avatar_images: tuple[Any, Any] | list[Any] | None = None,
        editable: Literal["user", "all"] | None = None,
        buttons: list[Any] | None = None,
        show_copy_button: bool = False,
        show_copy_all_button: bool = False,
        feedback_options: list[str] | tuple[str, ...] | None = ("Like", "Dislike"),
        feedback_value: list[str | None] | None = None,
        like_user_message: bool = False,
        autoscroll: bool = True,
        sanitize_html: bool = True,
        resizable: bool = False,
        max_height: int | str | None = None,
        min_height: int | str | None = None,
        latex_delimiters: list[dict[str, Any]] | None = None,
        rtl: bool = False,
        watermark: str | None = None,
        layout: str | None = None,
        examples: list[Any] | None = None,
        allow_file_downloads: bool = True,
        group_consecutive_messages: bool = True,
        allow_tags: list[str] | bool = True,
        reasoning_tags: list[tuple[str, str]] | None = None,
        line_breaks: bool = True,
        render_markdown: bool = True,
        show_share_button: bool | None = None,
        preserved_by_key: list[str] | str | None = "value",
        **options: Unpack[ComponentOptions],
    ) -> None:
        if type == "tuples":
            raise ValueError(
                "Chatbot(type='tuples') is not supported (Gradio 6 removed it): use "
                "type='messages', a list of {'role', 'content'} dicts; [user, bot] pairs "
                "in a value are still read as two messages"
            )
        if type != "messages":
            raise ValueError(f"Chatbot type must be 'messages', got {type!r}")
        if editable not in (None, "user", "all"):
            raise ValueError(f"Chatbot editable must be None, 'user' or 'all', got {editable!r}")
        if not sanitize_html:
            raise ValueError(
                "Chatbot(sanitize_html=False) is refused: blocksstate always sanitises the "
                "HTML of messages (use gr.HTML for markup of your own)"
            )
        if avatar_images is not None and (
            not isinstance(avatar_images, (list, tuple)) or len(avatar_images) != 2
        ):
            raise ValueError("avatar_images must be a pair: (user avatar, assistant avatar)")
        self.type = type
        self.height = height
        self.placeholder = placeholder
        self.avatar_images = avatar_images
        self.editable = editable
        self.feedback_options = list(feedback_options or [])
        self.feedback_value = feedback_value
        self.like_user_message = like_user_message
        self.autoscroll = autoscroll
        self.show_copy_button = show_copy_button
        self.show_copy_all_button = show_copy_all_button
        self.buttons = buttons
        self.note_unsupported(self._take_buttons(buttons))
        # Not setdefault: an empty label is replaced too.
        options["label"] = options.get("label") or "Chatbot"
        super().__init__([] if value is None else value, **options)

    def _take_buttons(self, buttons: Any) -> list[str]:
        """Read Gradio 6's ``buttons`` ("copy", "copy_all", "share"); return what is not done."""
        if buttons is None:
            return []
        if isinstance(buttons, str) or not isinstance(buttons, (list, tuple)):
            raise ValueError(f"buttons must be a list, got {buttons!r}")
        unsupported = []
        for name in buttons:
            if name == "copy":
                self.show_copy_button = True
            elif name == "copy_all":
                self.show_copy_all_button = True
            elif name == "share":
                unsupported.append("buttons=['share']")
            elif isinstance(name, Component):
                unsupported.append("buttons=[gr.Button(...)]")
            else:
                raise ValueError(
                    f"Chatbot buttons must be among 'copy', 'copy_all', 'share', got {name!r}"
                )
        return unsupported

    # -- value ------------------------------------------------------------------------------

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("messages")

    def blocks_for(self, value: Any) -> bool:
        # Only a conversation holding files reads or writes the storage.
        return chat_files.has_files(value)

    def store_output(self, value: Any, owner: Owner) -> Any:
        """Store the files of messages (paths, FileData, gr.Image...) for ``owner``."""
        if not isinstance(value, (list, tuple)):
            return value
        messages = []
        for message in value:
            message = as_message_dict(message)
            if isinstance(message, Mapping) and not isinstance(message.get("content"), str):
                content = chat_files.store_content(message.get("content"), owner)
                message = {**message, "content": content}
            messages.append(message)
        return messages

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        messages = [] if value is None else value
        if isinstance(messages, (list, tuple)):
            messages = [as_message_dict(m) for m in messages]
        checked = super().postprocess(messages, props)
        owners: tuple[Owner, ...] | None = None
        for index, message in enumerate(checked):
            original = messages[index] if len(checked) == len(messages) else {}
            if not isinstance(original, Mapping):
                continue
            try:
                if not isinstance(message["content"], str):
                    if owners is None:
                        owners = page_owners(required=False) or self.app_owners()
                    message["content"] = chat_files.check_parts(message["content"], owners)
                if original.get("metadata"):
                    message["metadata"] = check_metadata(original["metadata"])
                else:
                    message.pop("metadata", None)
                if original.get("options"):
                    message["options"] = check_options(original["options"])
            except InvalidValue as exc:
                raise InvalidValue(f"{self!r}, message {index}: {exc}") from None
        return checked

    def initial_value(self) -> Any:
        """The default; its files (if any) stored app-owned, once per storage."""
        if callable(self.value) or not chat_files.has_files(self.value):
            value = self.value() if callable(self.value) else copy.deepcopy(self.value)
            if chat_files.has_files(value):
                value = self.store_output(value, self.app_owner())
            return self.postprocess(value)
        key = id(file_storage())
        cached = self.__dict__.get("_stored_default")
        if cached is None or cached[0] != key:
            stored = self.store_output(copy.deepcopy(self.value), self.app_owner())
            cached = (key, self.postprocess(stored))
            self.__dict__["_stored_default"] = cached
        return copy.deepcopy(cached[1])

    def app_owners(self) -> tuple[Owner, ...]:
        name = self.blocks.name if self.blocks is not None else None
        return (Owner(name),) if name else ()

    def app_owner(self) -> Owner:
        name = self.blocks.name if self.blocks is not None else None
        if not name:
            raise InvalidValue(
                f"{self!r}: files in its default are stored for its app; register the app"
            )
        return Owner(name)

    def page_update(self, value: Any) -> dict[str, Any]:
        # Each message's content as sanitised HTML, by position (see Markdown.page_update);
        # files with their signed URLs.
        messages = value or []
        return {
            "value": chat_files.page_messages(messages),
            "html": [chat_files.content_html(m["content"]) for m in messages],
        }

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        messages = [
            {
                "role": m["role"],
                "html": render_markdown(m["content"]) if isinstance(m["content"], str) else "",
                "parts": chat_files.template_parts(m["content"]),
                "metadata": m.get("metadata") or {},
                # What the page compares to keep the messages already shown (see chat.js).
                "key": message_key(m),
            }
            for m in context["value"] or []
        ]
        return {"messages": messages, "avatars": self.avatar_urls()}

    def to_handler(self, payload: Any) -> Any:
        # Handlers append to the history in place; give them their own list (files as
        # local paths: may block, run in a handler thread when there are files).
        messages = copy.deepcopy(list(payload or []))
        for message in messages:
            if not isinstance(message.get("content"), str):
                message["content"] = chat_files.map_files(
                    message["content"], chat_files.handler_file
                )
        return messages

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        """Fill a message event's ``value`` from the session's messages, never from the page."""
        data = super().event_data(event, data, props, value)
        if event not in MESSAGE_EVENTS:
            return data
        messages = value or []
        index = data["index"]
        if index >= len(messages):
            raise BadEventData(f"there is no message {index} (the chat has {len(messages)})")
        message = messages[index]
        if event == "edit":
            if self.editable is None or (self.editable == "user" and message["role"] != "user"):
                raise BadEventData(f"message {index} cannot be edited")
            return {**data, "previous_value": message["content"], "value": data["value"]}
        if event in ("retry", "undo") and message["role"] != "user":
            raise BadEventData(f"message {index} is not a user message")
        return {**data, "value": message["content"]}

    # -- avatars ----------------------------------------------------------------------------

    def avatar_urls(self) -> dict[str, str]:
        """The avatars' URLs by role: a URL as given, a file stored app-owned (once) and signed."""
        if not self.avatar_images:
            return {}
        cache_key = (id(file_storage()), tuple(map(str, self.avatar_images)))
        cached = self.__dict__.get("_stored_avatars")
        if cached is None or cached[0] != cache_key:
            stored = [self._store_avatar(image) for image in self.avatar_images]
            cached = (cache_key, stored)
            self.__dict__["_stored_avatars"] = cached
        urls = {}
        for role, image in zip(("user", "assistant"), cached[1], strict=True):
            if image is None:
                continue
            urls[role] = image if isinstance(image, str) else file_url(image["path"], None)
        return urls

    def _store_avatar(self, image: Any) -> Any:
        if image is None:
            return None
        text = str(image)
        if text.startswith(("http://", "https://", "data:image/")):
            return text
        name = self.blocks.name if self.blocks is not None else None
        if not name:
            raise InvalidValue(f"{self!r}: avatar files are stored for its app; register the app")
        try:
            return save_path(Owner(name), image)
        except FileRefused as exc:
            raise InvalidValue(f"{self!r} avatar: {exc}") from None


def message_key(message: Mapping[str, Any]) -> str:
    """What the page compares to keep a message already shown (see chat.js)."""
    return json.dumps(
        [
            message["role"],
            chat_files.key_content(message["content"]),
            message.get("metadata") or {},
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )

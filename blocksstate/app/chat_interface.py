"""``ChatInterface``: a chat app built from one function of ``message, history``.

The conversation is the Chatbot's value, kept per session like any value. Sending a
message runs one chain on the server: the box is emptied and the message kept, the
message joins the conversation, then the function answers (each ``yield`` replacing the
pending answer), then the box comes back. Retry, undo, edit and clear work on the
conversation as Gradio's ChatInterface does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

from ..components.base import Component
from ..components.buttons import Button
from ..components.chat import Chatbot
from ..components.layout import Accordion, Row
from ..components.multimodal import MultimodalTextbox
from ..components.shortcuts import component_named
from ..components.state import State
from ..components.text import Markdown, Textbox
from ..engine.updates import update
from ..warnings import warn_unsupported
from .blocks import Blocks
from .chat_messages import as_messages, is_empty, last_user_turn, message_files, message_text
from .event_data import EditData
from .events import as_list, on

#: Gradio options accepted but not implemented, with the default that does nothing.
UNSUPPORTED = {
    "additional_outputs": None,
    "example_icons": None,
    "cache_examples": None,
    "cache_mode": None,
    "flagging_mode": None,
    "flagging_options": ("Like", "Dislike"),
    "flagging_dir": ".gradio/flagged",
    "autofocus": True,
    "autoscroll": True,
    "stop_btn": True,
    "api_description": None,
    "api_visibility": "public",
    "save_history": False,
    "validator": None,
}


class ChatInterface(Blocks):
    """A Chatbot, a message box and ``fn(message, history, *additional_inputs)`` answering."""

    def __init__(
        self,
        fn: Callable[..., Any],
        *,
        type: str = "messages",
        multimodal: bool = False,
        chatbot: Chatbot | None = None,
        textbox: Textbox | None = None,
        additional_inputs: Any = None,
        additional_inputs_accordion: str | Accordion | None = None,
        additional_outputs: Any = None,
        editable: bool = False,
        examples: list[Any] | None = None,
        examples_label: str | None = "Examples",
        example_labels: list[str] | None = None,
        example_icons: list[str] | None = None,
        run_examples_on_click: bool = True,
        cache_examples: bool | None = None,
        cache_mode: str | None = None,
        title: str | None = None,
        description: str | None = None,
        flagging_mode: str | None = None,
        flagging_options: Any = ("Like", "Dislike"),
        flagging_dir: str = ".gradio/flagged",
        autofocus: bool = True,
        autoscroll: bool = True,
        submit_btn: str | bool | None = True,
        stop_btn: str | bool | None = True,
        concurrency_limit: int | str | None = "default",
        delete_cache: tuple[int, int] | None = None,
        show_progress: str = "minimal",
        api_name: str | None = None,
        api_description: Any = None,
        api_visibility: str = "public",
        save_history: bool = False,
        validator: Callable[..., Any] | None = None,
        css: str | None = None,
        **blocks_options: Any,
    ) -> None:
        if type != "messages":
            raise ValueError(
                f"ChatInterface type must be 'messages' (Gradio 6 has no other), got {type!r}"
            )
        if multimodal and textbox is not None and not isinstance(textbox, MultimodalTextbox):
            raise ValueError(
                "ChatInterface(multimodal=True) takes a gr.MultimodalTextbox as textbox"
            )
        if not multimodal and isinstance(textbox, MultimodalTextbox):
            raise ValueError(
                "a gr.MultimodalTextbox as textbox needs ChatInterface(multimodal=True)"
            )
        given = {
            "additional_outputs": additional_outputs,
            "example_icons": example_icons,
            "cache_examples": cache_examples,
            "cache_mode": cache_mode,
            "flagging_mode": flagging_mode,
            "flagging_options": flagging_options,
            "flagging_dir": flagging_dir,
            "autofocus": autofocus,
            "autoscroll": autoscroll,
            "stop_btn": stop_btn,
            "api_description": api_description,
            "api_visibility": api_visibility,
            "save_history": save_history,
            "validator": validator,
        }
        names = [n for n, default in UNSUPPORTED.items() if given[n] != default]
        if names:
            warn_unsupported("gr.ChatInterface", names, stacklevel=3)
        blocks_options.setdefault("fill_height", True)
        super().__init__(title=title, css=css, delete_cache=delete_cache, **blocks_options)
        self.fn = fn
        self.multimodal = multimodal
        self.editable = editable
        self.examples = examples
        with self:
            if title:
                Markdown(f"# {title}")
            if description:
                Markdown(description)
            self.chatbot = (
                self._rendered(chatbot)
                if chatbot is not None
                else Chatbot(
                    label="Chatbot", scale=1, height=400 if not self.fill_height else "60vh"
                )
            )
            if editable and self.chatbot.editable is None:
                self.chatbot.editable = "user"
            with Row():
                self.textbox = (
                    self._rendered(textbox)
                    if textbox is not None
                    else MultimodalTextbox(
                        label="Message",
                        show_label=False,
                        placeholder="Type a message or attach files...",
                        file_count="multiple",
                        submit_btn=False,
                        scale=7,
                    )
                    if multimodal
                    else Textbox(
                        label="Message",
                        show_label=False,
                        placeholder="Type a message...",
                        scale=7,
                    )
                )
                send_text = submit_btn if isinstance(submit_btn, str) else "Submit"
                self.submit_button = Button(send_text, variant="primary", scale=1, min_width=100)
                self.submit_button.visible = submit_btn is not False and submit_btn is not None
            self.saved_input = State()
            self.additional_inputs = self._additional_inputs(
                additional_inputs, additional_inputs_accordion
            )
            self.example_buttons = self._example_buttons(examples, examples_label, example_labels)
            self._wire(concurrency_limit, show_progress, api_name, run_examples_on_click)

    # -- layout ---------------------------------------------------------------------------------

    @staticmethod
    def _rendered(component: Any) -> Any:
        return component.render() if component.blocks is None else component

    def _additional_inputs(self, inputs: Any, accordion: str | Accordion | None) -> list[Component]:
        specs = as_list(inputs)
        if not specs:
            return []
        components = [
            component_named(spec, render=False) if isinstance(spec, str) else spec for spec in specs
        ]
        unrendered = [c for c in components if c.blocks is None]
        if unrendered:
            box = accordion if isinstance(accordion, Accordion) else None
            if box is None:
                box = Accordion(accordion or "Additional Inputs", open=False)
            else:
                box.render()
            with box:
                for component in unrendered:
                    component.render()
        return components

    def _example_buttons(
        self, examples: list[Any] | None, label: str | None, labels: list[str] | None
    ) -> list[tuple[Button, Any]]:
        if not examples:
            return []
        if labels is not None and len(labels) != len(examples):
            raise ValueError("example_labels must have one label per example")
        buttons = []
        if label:
            Markdown(f"**{label}**")
        with Row():
            for index, example in enumerate(examples):
                message = example[0] if isinstance(example, (list, tuple)) else example
                if isinstance(message, dict) and self.multimodal:
                    message = message.get("text") or "Example"
                if not isinstance(message, str):
                    raise ValueError(f"a ChatInterface example is a text message, got {message!r}")
                text = labels[index] if labels else message
                button = Button(text, size="sm", min_width=80, scale=0)
                buttons.append((button, example))
        return buttons

    # -- events ---------------------------------------------------------------------------------

    def _wire(
        self, concurrency_limit: Any, show_progress: str, api_name: str | None, run_examples: bool
    ) -> None:
        chatbot, textbox, saved = self.chatbot, self.textbox, self.saved_input
        answer = {
            "fn": self._answer_fn(),
            "inputs": [saved, chatbot, *self.additional_inputs],
            "outputs": [chatbot],
            "concurrency_limit": concurrency_limit,
            "show_progress": show_progress,
        }
        if api_name is not None:
            answer["api_name"] = api_name

        def respond_after(step: Any) -> None:
            step.then(self._append_user, [saved, chatbot], [chatbot]).then(**answer).then(
                self._box_back, None, textbox
            )

        triggers = [textbox.submit]
        if self.submit_button.visible:
            triggers.append(self.submit_button.click)
        respond_after(on(triggers, self._take_message, [textbox], [textbox, saved]))
        for button, example in self.example_buttons:
            if run_examples:
                respond_after(
                    button.click(
                        self._example(example),
                        None,
                        [textbox, saved, *self.additional_inputs],
                    )
                )
            else:
                button.click(
                    self._example(example, fill=True), None, [textbox, *self.additional_inputs]
                )
        respond_after(chatbot.retry(self._pop_last_turn, [chatbot], [chatbot, saved]))
        chatbot.undo(self._pop_last_turn, [chatbot], [chatbot, textbox])
        chatbot.clear(self._cleared, None, chatbot)
        if self.editable:
            respond_after(chatbot.edit(self._edited, [chatbot], [chatbot, saved]))

    def _example(self, example: Any, fill: bool = False) -> Callable[[], Any]:
        values = list(example) if isinstance(example, (list, tuple)) else [example]
        extra = [
            values[i + 1] if i + 1 < len(values) else update()
            for i in range(len(self.additional_inputs))
        ]

        def chosen() -> Any:
            if fill:
                return (values[0], *extra)
            return (update(value=self._empty_box(), interactive=False), values[0], *extra)

        return chosen

    def _take_message(self, message: Any) -> tuple[Any, Any]:
        return update(value=self._empty_box(), interactive=False), message

    def _empty_box(self) -> Any:
        return {"text": "", "files": []} if self.multimodal else ""

    @staticmethod
    def _box_back() -> Any:
        return update(interactive=True)

    @staticmethod
    def _cleared() -> list[Any]:
        return []

    @staticmethod
    def _append_user(message: Any, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if is_empty(message):
            return history
        return history + as_messages(message, "user")

    def _pop_last_turn(self, history: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], Any]:
        """Take the last user message and its answers off ``history``; return both (the
        message as ``{"text", "files"}`` when multimodal, as Gradio's)."""
        start = last_user_turn(history)
        text = message_text(history[start:])
        if self.multimodal:
            return history[:start], {"text": text, "files": message_files(history[start:])}
        return history[:start], text

    def _edited(self, history: list[dict[str, Any]], edit: EditData) -> tuple[Any, Any]:
        """Cut the conversation at the edited message, which is sent again as edited."""
        assert isinstance(edit.index, int)
        if self.multimodal:
            files = message_files(history[edit.index : edit.index + 1])
            return history[: edit.index], {"text": edit.value, "files": files}
        return history[: edit.index], edit.value

    @staticmethod
    def _arguments(
        message: Any, history: list[dict[str, Any]], extra: tuple[Any, ...]
    ) -> tuple[list[Any], list[dict[str, Any]]]:
        # The function gets the conversation before this message, as Gradio gives it.
        before = history[: last_user_turn(history)] if history else []
        return [message, [dict(m) for m in before], *extra], history

    def _answer_fn(self) -> Callable[..., Any]:
        """The step that calls ``fn``: of its kind (sync or async, returning or yielding), so
        the engine runs it as it runs ``fn`` (a thread and its limits for a synchronous one)."""
        fn = self.fn
        if inspect.isasyncgenfunction(fn):

            async def stream_async(message: Any, history: list[Any], *extra: Any) -> Any:
                if is_empty(message):
                    return
                arguments, history = self._arguments(message, history, extra)
                async for response in fn(*arguments):
                    yield history + as_messages(response, "assistant")

            return stream_async
        if inspect.isgeneratorfunction(fn):

            def stream(message: Any, history: list[Any], *extra: Any) -> Iterator[Any]:
                if is_empty(message):
                    return
                arguments, history = self._arguments(message, history, extra)
                for response in fn(*arguments):
                    yield history + as_messages(response, "assistant")

            return stream
        if inspect.iscoroutinefunction(fn):

            async def respond_async(message: Any, history: list[Any], *extra: Any) -> Any:
                if is_empty(message):
                    return update()
                arguments, history = self._arguments(message, history, extra)
                return history + as_messages(await fn(*arguments), "assistant")

            return respond_async

        def respond(message: Any, history: list[Any], *extra: Any) -> Any:
            if is_empty(message):
                return update()
            arguments, history = self._arguments(message, history, extra)
            return history + as_messages(fn(*arguments), "assistant")

        return respond

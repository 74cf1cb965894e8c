"""The test apps of the browser tests that the demo project does not have.

Four notes kept in the browser, each a different BrowserState configuration.

Every app has a *Note* box, a *Save* button that stores the box in the
BrowserState, and a *Saved note* box showing the stored value as JSON (so
``""`` and the default read differently). ``demo.load`` fills it on connect.

- ``note-plain``: signed with ``SECRET_KEY``, storage key derived from the app.
- ``note-encrypted``: the same, with ``encrypt=True``.
- ``note-alpha`` and ``note-beta``: the same ``storage_key`` on the same site,
  each with its own explicit ``secret``.

And ``prose``: a *Text* box whose text a *Show* button sends to a Markdown
and to a Chatbot, as a visitor's text reaches them in an update; and ``event-data``:
a Radio, a CheckboxGroup, a Dropdown, a Textbox and Tabs whose handlers show the event
data they got.
"""

import json

import blocksstate as gr

DEFAULT = "(nothing saved)"
SHARED_KEY = "e2e-shared-note"
ALPHA_SECRET = "alpha-app-secret-not-shared-with-beta"
BETA_SECRET = "beta-app-secret-not-shared-with-alpha"


def note_app(title: str, **options) -> gr.Blocks:
    with gr.Blocks(title=title) as demo:
        note = gr.BrowserState(DEFAULT, **options)
        text = gr.Textbox(label="Note")
        saved = gr.Textbox(label="Saved note", interactive=False)
        save = gr.Button("Save")
        save.click(lambda t: (t, json.dumps(t)), text, [note, saved])
        demo.load(lambda n: json.dumps(n), note, saved)
    return demo


gr.register("note-plain", note_app("Plain note"))
gr.register("note-encrypted", note_app("Encrypted note", encrypt=True))
gr.register("note-alpha", note_app("Alpha note", storage_key=SHARED_KEY, secret=ALPHA_SECRET))
gr.register("note-beta", note_app("Beta note", storage_key=SHARED_KEY, secret=BETA_SECRET))


def prose_app() -> gr.Blocks:
    with gr.Blocks(title="Prose") as demo:
        text = gr.Textbox(label="Text", lines=6)
        show = gr.Button("Show")
        shown = gr.Markdown(elem_id="shown")
        chat = gr.Chatbot(label="Conversation")
        show.click(lambda t: (t, [{"role": "user", "content": t}]), text, [shown, chat])
    return demo


gr.register("prose", prose_app())


def unlabel_app() -> gr.Blocks:
    with gr.Blocks(title="Labels") as demo:
        title = gr.Textbox(label="Title")
        toppings = gr.CheckboxGroup(["Cheese", "Olives"], label="Toppings")
        drop = gr.Button("Drop the labels")
        drop.click(lambda: (gr.update(label=None), gr.update(label=None)), None, [title, toppings])
    return demo


gr.register("unlabel", unlabel_app())


def upload_limits_app() -> gr.Blocks:
    """Pictures only, at most 20 KB each; a session's files expire a second after it ends."""
    with gr.Blocks(title="Upload limits", delete_cache=(1, 1)) as demo:
        pictures = gr.File(
            label="Pictures", file_count="multiple", file_types=["image"], max_file_size="20kb"
        )
        stored = gr.Number(label="Stored", value=0)
        pictures.upload(lambda files: len(files or []), pictures, stored)
    return demo


gr.register("upload-limits", upload_limits_app())


def event_data_app() -> gr.Blocks:
    """``event-data``: each component's events, each handler showing the data it got."""

    def selected(evt: gr.SelectData) -> str:
        return f"{evt.index} {evt.value} {evt.selected}"

    def key_released(evt: gr.KeyUpData) -> str:
        return f"{evt.key} {evt.input_value}"

    def copied(evt: gr.CopyData) -> str:
        return f"copied {evt.value}"

    with gr.Blocks(title="Event data") as demo:
        size = gr.Radio(["Small", "Medium", "Large"], label="Size")
        toppings = gr.CheckboxGroup(["Cheese", "Olives"], label="Toppings")
        flavour = gr.Dropdown(["Vanilla", "Mint"], label="Flavour")
        passage = gr.Textbox("hello world", label="Passage")
        with gr.Tabs() as tabs:
            with gr.Tab("First"):
                gr.Markdown("The first tab.")
            with gr.Tab("Second"):
                gr.Markdown("The second tab.")
        got = {
            name: gr.Textbox(label=f"{name} got")
            for name in ("Size", "Toppings", "Flavour", "Key", "Passage", "Copy", "Tab")
        }
        size.select(selected, None, got["Size"])
        toppings.select(selected, None, got["Toppings"])
        flavour.select(selected, None, got["Flavour"])
        flavour.key_up(key_released, None, got["Key"])
        passage.select(selected, None, got["Passage"])
        passage.copy(copied, None, got["Copy"])
        tabs.select(selected, None, got["Tab"])
    return demo


gr.register("event-data", event_data_app())


def multimodal_chat_app() -> gr.Blocks:
    """A multimodal ChatInterface taking images: the answer names each file and its size."""
    import os

    def describe(message, history):
        names = [f"{os.path.basename(p)} of {os.path.getsize(p)} bytes" for p in message["files"]]
        return f"You sent {message['text']!r} with {', '.join(names) or 'no file'}"

    box = gr.MultimodalTextbox(
        label="Message", file_types=["image"], file_count="multiple", submit_btn=False
    )
    return gr.ChatInterface(describe, multimodal=True, textbox=box)


gr.register("multimodal-chat", multimodal_chat_app())


def fill_page_app() -> gr.Blocks:
    """``fill-page``: fill_height and fill_width, a Column that grows to the window's height."""
    with (
        gr.Blocks(fill_height=True, fill_width=True, title="Filled") as demo,
        gr.Column(scale=1),
    ):
        gr.Textbox(label="Tall box", lines=3)
    return demo


gr.register("fill-page", fill_page_app())


from tests.e2e.browser_apps.display import display_app  # noqa: E402

gr.register("display", display_app())

# Test apps of their own modules, registered on import.
from . import dataframe_apps, plots, private, progress  # noqa: E402, F401

"""MultimodalTextbox, ChatInterface(multimodal=True), and files in chat messages."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

import blocksstate as gr
from blocksstate.files import access, store
from blocksstate.files.store import Owner
from blocksstate.rendering import render_app
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption
from tests.helpers_files import PNG, browser, page, upload
from tests.helpers_media import png_bytes, session_file

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def stored(page_value: dict) -> bytes:
    owners = (Owner.of(page_value["path"]),)
    return store.read_bytes(access.read_ref(page_value["ref"], owners))


def describe(message, history):
    """A multimodal chat function: names each file and its size."""
    names = [f"{os.path.basename(p)} ({os.path.getsize(p)} bytes)" for p in message["files"]]
    return f"{message['text']!r} with {', '.join(names) or 'no file'} after {len(history)}"


# -- MultimodalTextbox ---------------------------------------------------------------------------


def test_the_box_takes_gradios_options_and_warns_of_those_not_done():
    box = gr.MultimodalTextbox(sources="upload", file_types=["image"], render=False)
    assert box.sources == ["upload"] and box.accepts_upload and box.file_types == ["image"]
    with pytest.raises(ValueError, match="sources must be"):
        gr.MultimodalTextbox(sources=["webcam"], render=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gr.MultimodalTextbox(rtl=True, sources=["microphone"], render=False)
    found = [str(w.message) for w in caught if w.category is UnsupportedOption]
    assert found and "'rtl'" in found[0] and "microphone" in found[0]


async def test_a_handler_gets_text_and_paths_and_returns_files_the_page_gets_signed(media):
    seen = []

    def echo(value):
        seen.append(value)
        return {"text": value["text"].upper(), "files": value["files"]}

    with gr.Blocks() as demo:
        box = gr.MultimodalTextbox(label="Ask")
        out = gr.MultimodalTextbox(label="Echo")
        box.submit(echo, box, out)
    with registered(demo) as app:
        async with PageClient(app) as tab:
            assert tab.value(box) == {"text": "", "files": []}
            given = session_file(app, tab.session_id, PNG, "cat.png")
            reply = await tab.trigger(box, "submit", {box: {"text": "hi", "files": [given]}})
            assert reply.status == "done", reply.frames
            [value] = seen
            assert value["text"] == "hi" and Path(value["files"][0]).read_bytes() == PNG
            shown = tab.value(out)
            assert shown["text"] == "HI"
            [record] = shown["files"]
            assert record["orig_name"] == "cat.png" and record["url"] and stored(record) == PNG
            # the file was not copied: the handler returned the session's own path
            assert record["path"] == given["path"]


async def test_a_forged_or_foreign_file_or_a_bad_shape_is_refused_and_runs_nothing(media):
    calls = []
    with gr.Blocks() as demo:
        box = gr.MultimodalTextbox()
        box.submit(calls.append, box, None)
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as tab:
            foreign = session_file(app, other.session_id, b"secret")
            forged = {**session_file(app, tab.session_id, b"mine"), "ref": "forged"}
            for bad, message in [
                ({"text": "x", "files": [foreign]}, "another session"),
                ({"text": "x", "files": [forged]}, "not valid"),
                ({"text": "x", "files": "a.png"}, "'files' must be a list"),
                ({"text": 3, "files": []}, "'text' must be text"),
                ({"text": "x", "extra": 1}, "unknown keys"),
            ]:
                error = (await tab.trigger(box, "submit", {box: bad})).error
                assert error["code"] == "invalid_input" and message in error["message"]
            assert calls == []


async def test_an_upload_to_the_box_keeps_its_file_types(media):
    with gr.Blocks() as demo:
        box = gr.MultimodalTextbox(file_types=["image"])
    with registered(demo, "mm") as app:
        async with page(app) as tab:
            token = tab.session["upload"]
            text = SimpleUploadedFile("notes.png", b"just text", "image/png")
            refused = await upload(browser(), app, token, box, text)
            assert refused.status_code == 415
            assert "notes.png is not a file this component takes" in refused.json()["error"]
            image = SimpleUploadedFile("cat.png", PNG, "image/png")
            taken = await upload(browser(), app, token, box, image)
            assert taken.status_code == 200 and taken.json()["files"][0]["orig_name"] == "cat.png"


def test_the_box_renders_a_labelled_text_area_an_attach_input_and_a_send_button():
    with gr.Blocks() as demo:
        gr.MultimodalTextbox(label="Message", placeholder="Say it", file_types=["image"])
    with registered(demo):
        html = render_app(demo)
    assert 'class="bs-input bs-mm-text"' in html and 'placeholder="Say it"' in html
    assert 'aria-label="Attach files"' in html and 'accept="image/*"' in html
    assert ">Send</button>" in html


# -- ChatInterface(multimodal=True) ----------------------------------------------------------------


async def test_a_multimodal_chat_sends_text_and_files_as_one_turn_as_gradio_6_does(media):
    demo = gr.ChatInterface(describe, multimodal=True)
    assert isinstance(demo.textbox, gr.MultimodalTextbox)
    image = png_bytes(size=(4, 4))
    with registered(demo) as app:
        async with PageClient(app) as tab:
            given = session_file(app, tab.session_id, image, "dot.png")
            message = {"text": "what is this?", "files": [given]}
            reply = await tab.trigger(demo.textbox, "submit", {demo.textbox: message})
            assert reply.status == "done", reply.frames
            user, answer = tab.value(demo.chatbot)
            assert user["role"] == "user"
            file_part, text_part = user["content"]
            assert text_part == {"type": "text", "text": "what is this?"}
            assert file_part["type"] == "file" and file_part["file"]["orig_name"] == "dot.png"
            assert file_part["file"]["url"] and stored(file_part["file"]) == image
            assert answer == {
                "role": "assistant",
                "content": f"'what is this?' with dot.png ({len(image)} bytes) after 0",
            }
            assert tab.value(demo.textbox) == {"text": "", "files": []}
            html = tab.props(demo.chatbot)["html"]
            assert html[0][0] is None and "what is this?" in html[0][1]
            # Retry answers the same text and files again.
            retried = await tab.trigger(
                demo.chatbot, "retry", data={"index": 0, "value": user["content"]}
            )
            assert retried.status == "done", retried.frames
            assert tab.value(demo.chatbot)[1] == answer
            # Undo puts text and files back in the box.
            await tab.trigger(demo.chatbot, "undo", data={"index": 0, "value": ""})
            assert tab.value(demo.chatbot) == []
            back = tab.value(demo.textbox)
            assert back["text"] == "what is this?" and stored(back["files"][0]) == image


async def test_a_text_only_multimodal_message_and_an_empty_one(media):
    demo = gr.ChatInterface(describe, multimodal=True)
    with registered(demo) as app:
        async with PageClient(app) as tab:
            await tab.trigger(demo.textbox, "submit", {demo.textbox: {"text": "", "files": []}})
            assert tab.value(demo.chatbot) == []
            await tab.trigger(demo.textbox, "submit", {demo.textbox: {"text": "hi", "files": []}})
            assert tab.value(demo.chatbot)[-1]["content"] == "'hi' with no file after 0"


def test_multimodal_needs_a_multimodal_textbox():
    with pytest.raises(ValueError, match="takes a gr.MultimodalTextbox"):
        gr.ChatInterface(describe, multimodal=True, textbox=gr.Textbox(render=False))


# -- files in Chatbot messages -----------------------------------------------------------------------


async def test_a_handler_may_answer_with_files_in_every_form_gradio_takes(media, tmp_path):
    picture = tmp_path / "pic.png"
    picture.write_bytes(PNG)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")

    def answer(history):
        return history + [
            {"role": "assistant", "content": {"path": str(picture), "alt_text": "A pic"}},
            {"role": "assistant", "content": gr.Image(str(picture), render=False)},
            gr.ChatMessage(content=gr.File(str(notes), render=False)),
            {"role": "assistant", "content": gr.FileData(path=str(notes))},
            {"role": "assistant", "content": ["Two:", {"path": str(picture)}]},
        ]

    with gr.Blocks() as demo:
        chat = gr.Chatbot()
        gr.Button("Go").click(answer, chat, chat)
    with registered(demo) as app:
        async with PageClient(app) as tab:
            await tab.click("Go")
            messages = tab.value(chat)
            files = [
                part["file"] for m in messages for part in m["content"] if part["type"] == "file"
            ]
            assert [f["orig_name"] for f in files] == ["pic.png"] * 2 + ["notes.txt"] * 2 + [
                "pic.png"
            ]
            assert all(Owner(app, tab.session_id).owns(f["path"]) and f["url"] for f in files)
            assert messages[0]["content"][0]["alt_text"] == "A pic"
            assert stored(files[2]) == b"hello"
            assert messages[4]["content"][0] == {"type": "text", "text": "Two:"}
            # Sending the history through a handler again keeps the same stored files.
            await tab.click("Go")
            again = tab.value(chat)
            assert again[0]["content"][0]["file"]["path"] == files[0]["path"]


async def test_a_handler_cannot_show_another_sessions_file_or_an_unknown_form(media, caplog):
    foreign: list[dict] = []
    with gr.Blocks() as demo:
        chat = gr.Chatbot()
        gr.Button("Foreign").click(
            lambda: [{"role": "assistant", "content": {"file": foreign[0]}}], None, chat
        )
        gr.Button("Slider").click(
            lambda: [{"role": "assistant", "content": gr.Slider(render=False)}], None, chat
        )
    with registered(demo) as app:
        async with PageClient(app) as other, PageClient(app) as tab:
            foreign.append(store.save_bytes(Owner(app, other.session_id), b"secret", "s.txt"))
            for button, message in [("Foreign", "another session"), ("Slider", "only text")]:
                with caplog.at_level("ERROR", "blocksstate"):
                    reply = await tab.trigger(button, "click")
                assert reply.status == "failed" and tab.value(chat) == []
                assert message in caplog.text


def test_a_default_conversation_with_a_file_is_stored_for_the_app_and_rendered(media, tmp_path):
    picture = tmp_path / "pic.png"
    picture.write_bytes(PNG)
    with gr.Blocks() as demo:
        gr.Chatbot(
            [
                {"role": "user", "content": {"path": str(picture)}},
                {"role": "assistant", "content": "A red dot"},
            ]
        )
    with registered(demo):
        html = render_app(demo)
    assert 'class="bs-message-image"' in html and 'alt="pic.png"' in html
    assert "/blocksstate/files/" in html


def test_a_text_only_conversation_never_blocks():
    chat = gr.Chatbot(render=False)
    assert not chat.blocks_for([{"role": "user", "content": "hi"}])
    assert chat.blocks_for([{"role": "user", "content": {"path": "x.png"}}])

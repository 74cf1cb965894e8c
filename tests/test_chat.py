"""Chat: ChatMessage and thoughts, the Chatbot's events and their data, ChatInterface."""

from __future__ import annotations

import warnings

import pytest

import blocksstate as gr
from blocksstate.components.schema import InvalidValue
from blocksstate.rendering import render_app
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption


def texts(messages):
    return [(m["role"], m["content"]) for m in messages]


# -- ChatMessage and the Chatbot's value ----------------------------------------------------------


def test_a_chat_message_with_a_thought_is_kept_with_its_metadata():
    chatbot = gr.Chatbot()
    value = chatbot.postprocess(
        [
            {"role": "user", "content": "hi"},
            gr.ChatMessage("Looking it up", metadata={"title": "Thinking", "status": "pending"}),
            gr.ChatMessage("Pick one", options=[{"value": "a", "label": "A"}]),
        ]
    )
    assert value[1] == {
        "role": "assistant",
        "content": "Looking it up",
        "metadata": {"title": "Thinking", "status": "pending"},
    }
    assert value[2]["options"] == [{"value": "a", "label": "A"}]


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"status": "running"}, "status must be 'pending' or 'done'"),
        ({"colour": "red"}, "unknown message metadata 'colour'"),
        ({"title": 3}, "metadata 'title' has the wrong type"),
    ],
)
def test_metadata_that_does_not_fit_is_refused(metadata, message):
    with pytest.raises(InvalidValue, match=message):
        gr.Chatbot().postprocess([{"role": "assistant", "content": "x", "metadata": metadata}])


def test_tuples_are_refused_with_the_way_out():
    with pytest.raises(ValueError, match=r"type=.tuples.\) is not supported"):
        gr.Chatbot(type="tuples")


def test_unsupported_chatbot_options_warn_once_naming_them():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gr.Chatbot(rtl=True, buttons=["copy", "share"], render=False)
    found = [str(w.message) for w in caught if w.category is UnsupportedOption]
    assert found and "'rtl'" in found[0] and "buttons=['share']" in found[0]


def test_copy_buttons_come_from_buttons_or_show_copy_button():
    assert gr.Chatbot(buttons=["copy"], render=False).show_copy_button is True
    assert gr.Chatbot(show_copy_button=True, render=False).show_copy_button is True
    assert gr.Chatbot(render=False).show_copy_button is False


# -- the Chatbot's events ---------------------------------------------------------------------------


def chatbot_app():
    history = [
        {"role": "user", "content": "Hello"},
        {"role": "assistant", "content": "Hi there"},
    ]
    with gr.Blocks() as demo:
        chatbot = gr.Chatbot(history, editable="user")
        out = gr.Textbox(label="Out")

        def liked(evt: gr.LikeData) -> str:
            return f"{evt.index} {evt.value} {evt.liked}"

        def retried(evt: gr.RetryData) -> str:
            return f"retry {evt.index} {evt.value}"

        def undone(evt: gr.UndoData) -> str:
            return f"undo {evt.index} {evt.value}"

        def edited(evt: gr.EditData) -> str:
            return f"edit {evt.index} {evt.previous_value} -> {evt.value}"

        chatbot.like(liked, None, out)
        chatbot.retry(retried, None, out)
        chatbot.undo(undone, None, out)
        chatbot.edit(edited, None, out)
    return demo, chatbot, out


async def test_like_data_takes_the_message_from_the_session_not_the_page():
    demo, chatbot, out = chatbot_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            data = {"index": 1, "value": "forged", "liked": False}
            reply = await page.trigger(chatbot, "like", data=data)
            assert reply.status == "done"
            assert page.value(out) == "1 Hi there False"


async def test_retry_undo_and_edit_data_reach_their_handlers():
    demo, chatbot, out = chatbot_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(chatbot, "retry", data={"index": 0})
            assert page.value(out) == "retry 0 Hello"
            await page.trigger(chatbot, "undo", data={"index": 0})
            assert page.value(out) == "undo 0 Hello"
            await page.trigger(chatbot, "edit", data={"index": 0, "value": "Hey"})
            assert page.value(out) == "edit 0 Hello -> Hey"


@pytest.mark.parametrize(
    ("event", "data", "message"),
    [
        ("like", {"index": 5}, "there is no message 5"),
        ("like", {"index": "1"}, "'index' must be the message's position"),
        ("like", {"index": 1, "liked": 3}, "'liked' must be true, false"),
        ("retry", {"index": 1}, "message 1 is not a user message"),
        ("edit", {"index": 1, "value": "x"}, "message 1 cannot be edited"),
        ("edit", {"index": 0}, "an edit's 'value' must be"),
    ],
)
async def test_message_event_data_that_does_not_fit_is_refused_and_nothing_runs(
    event, data, message
):
    demo, chatbot, out = chatbot_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            error = (await page.trigger(chatbot, event, data=data)).error
            assert error is not None and message in error["message"]
            assert page.value(out) in (None, "")


# -- ChatInterface ----------------------------------------------------------------------------------


def echo(message, history):
    return f"You said {message!r} after {len(history)} messages"


async def test_a_message_is_answered_and_the_history_grows_per_session():
    demo = gr.ChatInterface(echo)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(demo.textbox, "submit", {demo.textbox: "hi"})
            assert texts(page.value(demo.chatbot)) == [
                ("user", "hi"),
                ("assistant", "You said 'hi' after 0 messages"),
            ]
            assert page.value(demo.textbox) == ""
            assert page.props(demo.textbox)["interactive"] is True
            await page.click("Submit", {demo.textbox: "again"})
            assert page.value(demo.chatbot)[-1]["content"] == "You said 'again' after 2 messages"
        async with PageClient(app) as other:
            assert other.value(demo.chatbot) == []


def thinking(message, history):
    thought = gr.ChatMessage("", metadata={"title": "Thinking", "status": "pending"})
    yield [thought]
    thought.metadata["status"] = "done"
    thought.content = "Checked the notes"
    answer = ""
    for word in ["Hello", " there"]:
        answer += word
        yield [thought, gr.ChatMessage(answer)]


async def test_a_streamed_answer_replaces_the_pending_one_at_each_yield():
    demo = gr.ChatInterface(thinking)
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.trigger(demo.textbox, "submit", {demo.textbox: "hi"})
            shown = [
                f["updates"][str(demo.chatbot.id)]["value"]
                for f in reply.update_frames
                if str(demo.chatbot.id) in f["updates"]
            ]
            assert shown[1][1]["metadata"] == {"title": "Thinking", "status": "pending"}
            final = page.value(demo.chatbot)
            assert texts(final) == [
                ("user", "hi"),
                ("assistant", "Checked the notes"),
                ("assistant", "Hello there"),
            ]
            assert final[1]["metadata"]["status"] == "done"


async def test_retry_answers_the_last_message_again_and_undo_gives_it_back():
    calls = []

    def counted(message, history):
        calls.append(message)
        return f"answer {len(calls)}"

    demo = gr.ChatInterface(counted)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(demo.textbox, "submit", {demo.textbox: "one"})
            await page.trigger(demo.chatbot, "retry", data={"index": 0})
            assert texts(page.value(demo.chatbot)) == [("user", "one"), ("assistant", "answer 2")]
            await page.trigger(demo.chatbot, "undo", data={"index": 0})
            assert page.value(demo.chatbot) == []
            assert page.value(demo.textbox) == "one"


async def test_clear_empties_the_conversation():
    demo = gr.ChatInterface(echo)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(demo.textbox, "submit", {demo.textbox: "hi"})
            await page.trigger(demo.chatbot, "clear")
            assert page.value(demo.chatbot) == []


async def test_editing_a_message_answers_it_again_from_there():
    demo = gr.ChatInterface(echo, editable=True)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(demo.textbox, "submit", {demo.textbox: "one"})
            await page.trigger(demo.textbox, "submit", {demo.textbox: "two"})
            await page.trigger(demo.chatbot, "edit", data={"index": 0, "value": "uno"})
            assert texts(page.value(demo.chatbot)) == [
                ("user", "uno"),
                ("assistant", "You said 'uno' after 0 messages"),
            ]


async def test_additional_inputs_and_examples():
    def with_tone(message, history, tone):
        return f"{message} ({tone})"

    demo = gr.ChatInterface(
        with_tone,
        additional_inputs=[gr.Dropdown(["calm", "loud"], value="calm", label="Tone")],
        examples=[["Hello", "loud"]],
        example_labels=["Say hello"],
    )
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Say hello")
            assert texts(page.value(demo.chatbot))[-1] == ("assistant", "Hello (loud)")
            assert page.value("Tone") == "loud"


async def test_a_function_returning_something_else_fails_clearly_and_the_box_comes_back():
    demo = gr.ChatInterface(lambda message, history: object())
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.trigger(demo.textbox, "submit", {demo.textbox: "hi"})
            assert [a["level"] for a in reply.alerts] == ["error"]
            assert page.props(demo.textbox)["interactive"] is True  # the box comes back
            assert page.value(demo.chatbot) == [{"role": "user", "content": "hi"}]


def test_chat_interface_refuses_what_it_cannot_do_and_warns_of_the_rest():
    with pytest.raises(ValueError, match="type must be 'messages'"):
        gr.ChatInterface(echo, type="tuples")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gr.ChatInterface(echo, save_history=True)
    assert any("'save_history'" in str(w.message) for w in caught)


# -- the first page -----------------------------------------------------------------------------


def test_a_thought_is_rendered_as_details_open_while_pending_and_avatars_as_images():
    with gr.Blocks() as demo:
        gr.Chatbot(
            [
                {"role": "user", "content": "hi"},
                gr.ChatMessage(
                    "Looking <b>it</b> up", metadata={"title": "Search", "status": "pending"}
                ),
                gr.ChatMessage(
                    "Done", metadata={"title": "Read", "status": "done", "duration": 1.5}
                ),
            ],
            avatar_images=(None, "https://example.com/bot.png"),
            buttons=["copy"],
        )
    with registered(demo) as app:
        html = render_app(demo, app)
    assert '<details class="bs-thought" open><summary><span class="bs-thought-title">Search' in html
    assert (
        "<p>Looking &lt;b&gt;it&lt;/b&gt; up</p>" in html
    )  # Markdown from the server, no raw HTML
    assert '<details class="bs-thought"><summary><span class="bs-thought-title">Read' in html
    assert "(1.5s)" in html
    assert 'data-bs-avatar-assistant="https://example.com/bot.png"' in html
    assert 'data-bs-copy="true"' in html

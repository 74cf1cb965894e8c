"""The streaming chat in a real browser: a thought, a streamed answer, retry, undo, like, drops."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app, session_id, wait_until_connected

pytestmark = pytest.mark.e2e

PATH, APP = "/chat-stream/", "chat-stream"
THE_END = "streamed one word at a time. The end."


def log(page):
    return page.get_by_role("log", name="Conversation")


def send(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Message")
    expect(box).to_be_editable()
    box.fill(text)
    box.press("Enter")


def test_a_message_gets_a_collapsible_thought_then_a_streamed_answer(page, demo_server):
    open_app(page, demo_server.url, PATH, APP)
    send(page, "Hello there")
    messages = log(page).get_by_role("listitem")
    expect(messages.first).to_contain_text("Hello there")
    thought = log(page).locator("details.bs-thought")
    expect(thought).to_have_attribute("open", "")  # open while pending
    expect(thought.locator("summary")).to_contain_text("Thinking")
    expect(messages.nth(2)).to_contain_text("You said: Hello there.")
    expect(messages.nth(2)).not_to_contain_text("The end.")  # still streaming
    expect(messages.nth(2)).to_contain_text(THE_END, timeout=15_000)
    expect(thought).not_to_have_attribute("open", "")  # done: folded away
    thought.locator("summary").click()
    expect(thought).to_contain_text("Reading your message")
    expect(page.get_by_role("textbox", name="Message")).to_be_editable()


def test_retry_answers_again_and_undo_gives_the_message_back(page, demo_server):
    open_app(page, demo_server.url, PATH, APP)
    send(page, "first")
    messages = log(page).get_by_role("listitem")
    expect(messages.nth(2)).to_contain_text(THE_END, timeout=15_000)
    page.get_by_role("button", name="Retry").click()
    expect(messages).to_have_count(2)  # the old answer goes, a new thought comes
    expect(messages.nth(2)).to_contain_text(THE_END, timeout=15_000)
    expect(messages).to_have_count(3)
    page.get_by_role("button", name="Undo").click()
    expect(messages).to_have_count(0)
    expect(page.get_by_role("textbox", name="Message")).to_have_value("first")


def test_a_like_is_recorded_by_its_handler(page, demo_server):
    open_app(page, demo_server.url, PATH, APP)
    page.get_by_role("button", name="Hello!").click()  # an example, sent at once
    messages = log(page).get_by_role("listitem")
    expect(messages.nth(2)).to_contain_text(THE_END, timeout=15_000)
    messages.nth(2).get_by_role("button", name="Like", exact=True).click()
    expect(page.get_by_text("Liked message 2: You said: Hello!.")).to_be_visible()
    messages.nth(1).get_by_role("button", name="Dislike").click()
    expect(page.get_by_text("Disliked message 1: Reading your message")).to_be_visible()


def test_a_reload_starts_an_empty_conversation(page, demo_server):
    open_app(page, demo_server.url, PATH, APP)
    send(page, "remember me")
    expect(log(page).get_by_role("listitem").nth(2)).to_contain_text(THE_END, timeout=15_000)
    page.reload()
    wait_until_connected(page, APP)
    expect(log(page).get_by_role("listitem")).to_have_count(0)


def test_an_answer_cut_by_a_dropped_connection_is_whole_after_the_resume(page, proxy):
    open_app(page, proxy.url, PATH, APP)
    before = session_id(page, APP)
    send(page, "keep going")
    answer = log(page).get_by_role("listitem").nth(2)
    expect(answer).to_contain_text("You said: keep going.")
    proxy.drop_all()  # mid-stream
    expect(answer).to_contain_text(THE_END, timeout=20_000)
    wait_until_connected(page, APP)
    assert session_id(page, APP) == before
    expect(log(page).get_by_role("listitem")).to_have_count(3)
    expect(page.get_by_role("textbox", name="Message")).to_be_editable()

"""A multimodal chat in a real browser: attach an image, type, send; a refused file's message."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

PATH, APP = "/blocksstate/apps/multimodal-chat/", "multimodal-chat"


def box(page):
    return page.locator(".bs-multimodaltextbox")


def test_an_image_and_text_are_sent_together_and_the_image_shows(page, browser_apps_site, tmp_path):
    picture = tmp_path / "dot.png"
    Image.new("RGB", (8, 6), (10, 200, 30)).save(picture)
    size = picture.stat().st_size
    open_app(page, browser_apps_site.url, PATH, APP)
    page.get_by_label("Attach files").set_input_files(picture)
    chip = box(page).get_by_role("link", name="dot.png")
    expect(chip).to_be_visible()
    text = page.get_by_role("textbox", name="Message")
    text.fill("What is this?")
    text.press("Enter")
    log = page.get_by_role("log", name="Chatbot")
    expect(log).to_contain_text(f"You sent 'What is this?' with dot.png of {size} bytes")
    image = log.get_by_role("img", name="dot.png")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 8
    expect(chip).to_have_count(0)  # the box is emptied
    expect(text).to_have_value("")


def test_a_file_of_a_refused_type_gets_the_uploads_message(page, browser_apps_site, tmp_path):
    notes = tmp_path / "notes.png"
    notes.write_text("this is text, named like a picture")
    open_app(page, browser_apps_site.url, PATH, APP)
    page.get_by_label("Attach files").set_input_files(notes)
    expect(box(page).get_by_role("alert")).to_contain_text(
        "notes.png is not a file this component takes"
    )
    expect(box(page).locator(".bs-file-item")).to_have_count(0)

"""Display components in a browser (``display`` in browser_apps): a visitor edits code and sees
it highlighted by the server, picks a colour, sets a date, clicks an entity and a class."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "display"


@pytest.fixture
def display_page(browser_apps_site, page):
    open_app(page, browser_apps_site.url, f"/blocksstate/apps/{APP}/", APP)
    return page


def test_edited_code_comes_back_highlighted_and_its_handler_runs(display_page):
    page = display_page
    view = page.get_by_role("region", name="Highlighted Source")
    expect(view.locator(".bs-code-line")).to_have_count(1)
    source = page.get_by_label("Source", exact=True)
    source.fill("def greet(name):\n    return 'hi ' + name")
    expect(page.get_by_label("Size")).to_have_value("2 lines, 40 characters")
    # Pygments' classes, drawn by the server: a keyword and a string.
    expect(view.locator(".k", has_text="def")).to_be_visible()
    expect(view.locator(".s1", has_text="'hi '")).to_be_visible()
    expect(view.locator(".bs-code-line")).to_have_count(2)


def test_typing_keeps_every_character_while_echoes_arrive(display_page):
    page = display_page
    source = page.get_by_label("Source", exact=True)
    source.fill("")
    source.press_sequentially("import os\nprint(os.sep)", delay=15)
    expect(page.get_by_label("Size")).to_have_value("2 lines, 23 characters")
    expect(source).to_have_value("import os\nprint(os.sep)")
    view = page.get_by_role("region", name="Highlighted Source")
    expect(view.locator(".kn", has_text="import")).to_be_visible()


def test_a_picked_colour_reaches_the_handler(display_page):
    page = display_page
    colour = page.get_by_label("Colour", exact=True)
    expect(colour).to_have_value("#336699")
    colour.fill("#ff8800")
    expect(page.get_by_label("Chosen colour")).to_have_value("#ff8800")


def test_a_date_set_reaches_the_handler(display_page):
    page = display_page
    when = page.get_by_label("When", exact=True)
    expect(when).to_have_value("2024-05-01T12:00")
    when.fill("2025-02-03T04:05:06")
    expect(page.get_by_label("Chosen date")).to_have_value("2025-02-03 04:05:06")


def test_clicking_an_entity_selects_it(display_page):
    page = display_page
    page.get_by_role("button", name="London (place)").click()
    expect(page.get_by_label("Picked entity")).to_have_value("2 London place")
    expect(page.get_by_role("list", name="Legend")).to_contain_text("person")


def test_confidences_are_bars_with_percentages_and_a_class_can_be_picked(display_page):
    page = display_page
    prediction = page.get_by_role("figure", name="Prediction")
    expect(prediction.locator(".bs-label-top")).to_have_text("cat")
    expect(prediction.locator("meter")).to_have_count(3)
    expect(prediction.locator(".bs-confidence-value")).to_have_text(["75%", "20%", "5%"])
    prediction.get_by_role("button", name="dog").click()
    expect(page.get_by_label("Picked class")).to_have_value("1 dog")


def test_the_code_viewer_demo_highlights_a_chosen_sample_and_counts_an_edit(demo_server, page):
    open_app(page, demo_server.url, "/code-viewer/", "code-viewer")
    view = page.get_by_role("region", name="Highlighted Code")
    expect(view.locator(".k", has_text="def")).to_be_visible()
    page.get_by_label("Language", exact=True).select_option("css")
    # The CSS sample, drawn by the server as CSS: a comment, no Python keyword.
    expect(view.locator(".c", has_text="orange")).to_be_visible()
    expect(view.locator(".k", has_text="def")).to_have_count(0)
    code = page.get_by_label("Code", exact=True)
    expect(code).to_have_value(re.compile(r"^\.greeting"))
    code.fill("p { color: red; }")
    expect(page.get_by_label("Size")).to_have_value("1 line, 17 characters")
    expect(view.locator(".bs-code-line")).to_have_count(1)
    expect(view).to_contain_text("p { color: red; }")

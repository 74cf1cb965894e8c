"""Markdown and Chatbot updates as a visitor sees them: the server's HTML, nothing the text says.

The server renders (markdown-it) and sanitises (nh3) every Markdown text, for the
first page and for updates alike; the page inserts that HTML and never turns a
value's text into markup itself.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "prose"
TABLE_AND_IMAGE = "| Item | Qty |\n|------|-----|\n| Milk | 2 |\n\n![A chart](/chart.png)"
HOSTILE = (
    "<script>window.__owned = 'script'</script>\n\n"
    "<img src=x onerror=\"window.__owned = 'onerror'\">\n\n"
    "[a link](javascript:window.__owned='link')"
)


@pytest.fixture
def show(browser_apps_site, page):
    """Open the prose app; return a function that shows a text in its Markdown and Chatbot."""
    open_app(page, browser_apps_site.url, f"/blocksstate/apps/{APP}/", APP)

    def show_text(text: str):
        page.get_by_label("Text").fill(text)
        page.get_by_role("button", name="Show").click()
        log = page.get_by_role("log", name="Conversation")
        expect(log.get_by_role("listitem")).to_have_count(1)
        return page.locator("#shown"), log.get_by_role("listitem")

    return show_text


def test_a_table_and_an_image_in_an_update_are_a_table_and_an_image(show):
    markdown, message = show(TABLE_AND_IMAGE)

    for shown in (markdown, message):
        table = shown.get_by_role("table")
        expect(table.get_by_role("columnheader", name="Item")).to_be_visible()
        expect(table.get_by_role("cell", name="Milk")).to_be_visible()
        expect(shown.get_by_role("img", name="A chart")).to_have_attribute("src", "/chart.png")
        expect(shown).not_to_contain_text("|------|")


def test_script_and_event_handlers_in_an_update_are_inert_text(show, page):
    markdown, message = show(HOSTILE)

    for shown in (markdown, message):
        expect(shown).to_contain_text("<script>window.__owned = 'script'</script>")
        expect(shown).to_contain_text("onerror=")
        assert shown.locator("script, img, [onerror]").count() == 0
        link = shown.get_by_text("a link")
        expect(link).to_be_visible()
        assert shown.locator("a[href^='javascript']").count() == 0
    page.get_by_role("button", name="Show").click()  # a second round trip: any handler had its turn
    expect(page.get_by_role("log", name="Conversation").get_by_role("listitem")).to_have_count(1)
    assert page.evaluate("window.__owned") is None

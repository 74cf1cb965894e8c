"""Event data in a browser: each component's select, a dropdown's key_up and a textbox's copy
reach their handlers with what the visitor did (``event-data`` in browser_apps)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "event-data"


def test_each_handler_gets_the_data_of_what_the_visitor_did(browser_apps_site, page):
    open_app(page, browser_apps_site.url, f"/blocksstate/apps/{APP}/", APP)

    def got(name):
        return page.get_by_label(f"{name} got")

    page.get_by_role("radio", name="Medium").check()
    expect(got("Size")).to_have_value("1 Medium True")

    olives = page.get_by_role("checkbox", name="Olives")
    olives.check()
    expect(got("Toppings")).to_have_value("1 Olives True")
    olives.uncheck()
    expect(got("Toppings")).to_have_value("1 Olives False")

    flavour = page.get_by_label("Flavour", exact=True)
    flavour.select_option("Mint")
    expect(got("Flavour")).to_have_value("1 Mint True")
    flavour.press("x")
    expect(got("Key")).to_have_value("x Mint")

    page.get_by_role("tab", name="Second").click()
    expect(got("Tab")).to_have_value("1 Second True")

    passage = page.get_by_label("Passage", exact=True)
    passage.click()
    passage.press("End")
    passage.press("Shift+Home")
    expect(got("Passage")).to_have_value("(0, 11) hello world True")
    passage.press("Control+c")
    expect(got("Copy")).to_have_value("copied hello world")

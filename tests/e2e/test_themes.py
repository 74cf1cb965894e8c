"""Themes on the page: a primary button and the body take the theme's colours in light and in
dark mode (the visitor's system, or ``?__theme=``), ``css=`` and ``head=`` apply, and
``fill_width`` / ``fill_height`` change the layout."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from blocksstate.themes import colors
from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "themed"


def rgb(hex_colour: str) -> str:
    value = hex_colour.lstrip("#")
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def greet_button(page):
    return page.get_by_role("button", name="Greet")


def test_the_primary_button_follows_the_theme_in_light_and_dark_mode(page, demo_server):
    page.emulate_media(color_scheme="light")
    open_app(page, demo_server.url, "/themed/", APP)
    expect(greet_button(page)).to_have_css("background-color", rgb(colors.violet.c600))
    page.get_by_label("Your name").fill("Ada")
    greet_button(page).click()
    expect(page.get_by_label("Greeting")).to_have_value("Good evening, Ada!")

    page.mouse.move(0, 0)  # not hovered: the hover colour is another variable
    page.emulate_media(color_scheme="dark")
    expect(greet_button(page)).to_have_css("background-color", rgb(colors.violet.c400))
    expect(greet_button(page)).to_have_css("color", rgb(colors.slate.c950))
    app = page.locator(f'.bs-app[data-bs-app="{APP}"]')
    expect(app).to_have_css("background-color", rgb(colors.slate.c950))


def test_the_theme_query_picks_the_mode_whatever_the_system_prefers(page, demo_server):
    page.emulate_media(color_scheme="light")
    open_app(page, demo_server.url, "/themed/?__theme=dark", APP)
    expect(greet_button(page)).to_have_css("background-color", rgb(colors.violet.c400))

    page.emulate_media(color_scheme="dark")
    open_app(page, demo_server.url, "/themed/?__theme=light", APP)
    expect(greet_button(page)).to_have_css("background-color", rgb(colors.violet.c600))


def test_the_body_of_the_apps_own_page_follows_the_theme(page, demo_server):
    page.emulate_media(color_scheme="light")
    open_app(page, demo_server.url, "/blocksstate/apps/themed/", APP)
    expect(page).to_have_title("Themed page")
    body = page.locator("body")
    expect(body).to_have_css("background-color", rgb(colors.slate.c50))
    page.emulate_media(color_scheme="dark")
    expect(body).to_have_css("background-color", rgb(colors.slate.c950))


def test_css_and_head_apply(page, demo_server):
    open_app(page, demo_server.url, "/themed/", APP)
    note = page.get_by_text("A Soft theme, violet, with its own dark values.", exact=True)
    expect(note).to_have_css("font-style", "italic")
    expect(page.locator('head meta[name="themed-demo"]')).to_have_attribute("content", "violet")


def test_fill_width_and_fill_height_change_the_layout(new_page, browser_apps_site):
    page = new_page(viewport={"width": 1400, "height": 900})
    open_app(page, browser_apps_site.url, "/blocksstate/apps/note-plain/", "note-plain")
    assert (
        page.locator("main").evaluate("el => el.getBoundingClientRect().width") <= 1024 + 32
    )  # 64rem and its padding

    open_app(page, browser_apps_site.url, "/blocksstate/apps/fill-page/", "fill-page")
    expect(page).to_have_title("Filled")
    main_width = page.locator("main").evaluate("el => el.getBoundingClientRect().width")
    assert main_width >= 1380
    app_box = page.locator('.bs-app[data-bs-app="fill-page"]').bounding_box()
    assert app_box is not None and app_box["height"] >= 900 - 80  # the page's padding aside
    box = page.get_by_label("Tall box").locator(
        "xpath=ancestor::*[contains(@class, 'bs-column')][1]"
    )
    column = box.bounding_box()
    assert column is not None and column["height"] >= 700

"""Plots as a visitor sees them: a number changes and every plot is drawn again."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "plots"
PATH = "/blocksstate/apps/plots/"


def picture_text(page) -> str:
    src = page.get_by_role("img", name="Matplotlib figure").get_attribute("src")
    head, data = src.split(",", 1)
    assert head == "data:image/svg+xml;base64"
    return base64.b64decode(data).decode()


def last_point(page):
    return page.get_by_role("img", name="Line of slope").locator("circle").last


def test_changing_the_number_redraws_every_plot(page, browser_apps_site):
    open_app(page, browser_apps_site.url, PATH, APP)
    expect(last_point(page)).to_have_attribute("data-y", re.compile(r"^18(\.0)?$"))
    first_cy = float(last_point(page).get_attribute("cy"))
    assert "Matplotlib slope 2" in picture_text(page)
    plotly = page.get_by_role("img", name="Plotly figure")
    expect(plotly.locator(".main-svg").first).to_be_visible()  # plotly.js loaded and drew
    expect(plotly).to_contain_text("Plotly slope 2")

    slope = page.get_by_role("spinbutton", name="Slope")
    slope.fill("-3")
    slope.press("Enter")
    expect(last_point(page)).to_have_attribute("data-y", re.compile(r"^-27(\.0)?$"))
    assert float(last_point(page).get_attribute("cy")) > first_cy  # lower on the page
    expect(plotly).to_contain_text("Plotly slope -3")
    assert "Matplotlib slope -3" in picture_text(page)


def test_dragging_across_the_line_plot_selects_an_x_range(page, browser_apps_site):
    open_app(page, browser_apps_site.url, PATH, APP)
    area = page.locator(".bs-chart-area")
    box = area.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.2, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    page.mouse.up()
    # The x axis runs from 0 to 9: a fifth to a half of it.
    expect(page.get_by_label("Selected")).to_have_value("1.8 to 4.5")
    page.mouse.dblclick(box["x"] + box["width"] * 0.1, box["y"] + box["height"] * 0.1)
    expect(page.get_by_label("Selected")).to_have_value("double-clicked")

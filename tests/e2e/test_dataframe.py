"""A Dataframe in a browser: a visitor edits cells, is refused a word in a number column,
and selects a cell (``dataframe`` in browser_apps)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e

APP = "dataframe"


@pytest.fixture
def table(browser_apps_site, page):
    open_app(page, browser_apps_site.url, f"/blocksstate/apps/{APP}/", APP)
    return page.get_by_role("grid", name="Prices")


def cell(table, text):
    return table.get_by_role("gridcell", name=text, exact=True)


def test_an_edited_cell_reaches_the_handler(table, page):
    total = page.get_by_label("Total")
    expect(total).to_have_value("6.5 (apple, plum)")
    cell(table, "2").click()
    editor = table.get_by_role("textbox", name="price, row 2")
    editor.fill("10")
    editor.press("Enter")
    expect(total).to_have_value("14.5 (apple, plum)")
    expect(cell(table, "10")).to_be_visible()
    # The arrow keys moved on to row 3; Enter edits it, Escape drops the edit.
    page.keyboard.press("Enter")
    table.get_by_role("textbox", name="price, row 3").fill("99")
    page.keyboard.press("Escape")
    expect(cell(table, "3")).to_be_visible()
    # A bool column is a checkbox.
    table.get_by_role("checkbox", name="in stock, row 2").click()
    expect(total).to_have_value("14.5 (apple, pear, plum)")


def test_a_word_in_a_number_column_is_refused_and_the_old_value_kept(table, page):
    cell(table, "1.5").click()
    editor = table.get_by_role("textbox", name="price, row 1")
    editor.fill("abc")
    editor.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="expected a number")).to_contain_text("'abc'")
    expect(cell(table, "1.5")).to_be_visible()
    expect(table.get_by_role("gridcell", name="abc")).to_have_count(0)
    expect(page.get_by_label("Total")).to_have_value("6.5 (apple, plum)")
    # A good edit afterwards goes through, and clears the refusal.
    cell(table, "1.5").click()
    table.get_by_role("textbox", name="price, row 1").fill("2.5")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Total")).to_have_value("7.5 (apple, plum)")
    expect(page.get_by_role("alert").filter(has_text="expected a number")).to_have_count(0)


def test_a_selected_cell_shows_its_row(table, page):
    cell(table, "pear").click()
    expect(page.get_by_label("Selected")).to_have_value("[1, 0] pear of row pear, 2, False")
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowDown")
    expect(cell(table, "plum")).to_be_focused()


def test_a_visitor_adds_a_row(table, page):
    page.get_by_role("button", name="Add row").click()
    expect(table.get_by_role("row")).to_have_count(5)
    page.keyboard.press("Enter")
    editor = table.get_by_role("textbox", name="item, row 4")
    editor.fill("fig")
    page.keyboard.press("Tab")  # keeps the edit and moves to the price
    page.keyboard.type("4")  # typing on a cell edits it
    expect(table.get_by_role("textbox", name="price, row 4")).to_have_value("4")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Total")).to_have_value("10.5 (apple, plum)")


def test_the_sales_editor_demo_redraws_its_line_plot_after_each_edit(demo_server, page):
    open_app(page, demo_server.url, "/sales-editor/", "sales-editor")
    grid = page.get_by_role("grid", name="Monthly sales")
    points = page.get_by_role("img", name="Sales by month").locator("circle")
    summary = page.get_by_label("Summary")
    expect(points).to_have_count(6)
    expect(summary).to_have_value("6 months, 904 sold, best month 6")
    # A visitor raises month 3: the plot's third point and the summary follow.
    cell(grid, "128").click()
    grid.get_by_role("textbox", name="sales, row 3").fill("300")
    page.keyboard.press("Enter")
    expect(summary).to_have_value("6 months, 1076 sold, best month 3")
    expect(points.nth(2)).to_have_attribute("data-y", re.compile(r"^300(\.0)?$"))
    # A word is refused and changes nothing.
    cell(grid, "135").click()
    grid.get_by_role("textbox", name="sales, row 2").fill("lots")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="expected a number")).to_be_visible()
    expect(summary).to_have_value("6 months, 1076 sold, best month 3")
    # A new month adds a point.
    page.get_by_role("button", name="Add row").click()
    page.keyboard.press("Enter")
    grid.get_by_role("textbox", name="month, row 7").fill("7")
    page.keyboard.press("Tab")
    page.keyboard.type("210")
    page.keyboard.press("Enter")
    expect(summary).to_have_value("7 months, 1286 sold, best month 3")
    expect(points).to_have_count(7)

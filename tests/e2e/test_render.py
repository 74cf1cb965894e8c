"""``@gr.render`` in a real browser: the todo list of the guide, its keyed notes, a reload
and a dropped connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app, wait_until_connected

pytestmark = pytest.mark.e2e

APP = "render-todo"


def add(page, name: str) -> None:
    """Add a task as a visitor does: type it, press Enter, see it listed."""
    box = page.get_by_role("textbox", name="Task Name")
    box.fill(name)
    box.press("Enter")
    expect(page.get_by_role("textbox", name=f"Note on {name}")).to_be_visible()
    expect(box).to_have_value("")


def row(page, task: str):
    """The row of an incomplete task, found by its note's label."""
    return page.locator(".bs-row").filter(has=page.get_by_role("textbox", name=f"Note on {task}"))


def heading(page, text: str):
    return page.get_by_role("heading", name=text, exact=True)


def test_tasks_are_added_ticked_deleted_and_keyed_notes_kept(page, proxy):
    open_app(page, proxy.url, f"/{APP}/", APP)
    expect(heading(page, "Incomplete Tasks (0)")).to_be_visible()
    for task in ("milk", "eggs", "bread"):
        add(page, task)
    expect(heading(page, "Incomplete Tasks (3)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Task Name")).to_have_value("")

    # A note typed in a keyed box survives the next re-render.
    page.get_by_role("textbox", name="Note on eggs").fill("free range")
    add(page, "jam")
    expect(heading(page, "Incomplete Tasks (4)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Note on eggs")).to_have_value("free range")

    row(page, "milk").get_by_role("button", name="Done").click()
    expect(heading(page, "Complete Tasks (1)")).to_be_visible()
    expect(heading(page, "Incomplete Tasks (3)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Note on milk")).to_have_count(0)

    row(page, "bread").get_by_role("button", name="Delete").click()
    expect(heading(page, "Incomplete Tasks (2)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Note on bread")).to_have_count(0)

    # The connection drops: the page resumes, the region and its listeners still work.
    proxy.reset_all()
    add(page, "tea")
    expect(heading(page, "Incomplete Tasks (3)")).to_be_visible()
    row(page, "jam").get_by_role("button", name="Delete").click()
    expect(heading(page, "Incomplete Tasks (2)")).to_be_visible()
    expect(page.get_by_role("textbox", name="Note on eggs")).to_have_value("free range")

    # A reload is a new session: the list starts empty.
    page.reload()
    wait_until_connected(page, APP)
    expect(heading(page, "Incomplete Tasks (0)")).to_be_visible()
    expect(heading(page, "Complete Tasks (0)")).to_be_visible()

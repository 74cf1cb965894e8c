"""A component whose label an update takes away is still named, by its type's name from the server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app

pytestmark = pytest.mark.e2e


def test_a_component_without_its_label_is_named_by_its_type(browser_apps_site, page):
    open_app(page, browser_apps_site.url, "/blocksstate/apps/unlabel/", "unlabel")
    expect(page.get_by_role("textbox", name="Title")).to_be_visible()

    page.get_by_role("button", name="Drop the labels").click()

    expect(page.get_by_role("textbox", name="Title")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Textbox")).to_be_visible()
    # The name Python gives it (CheckboxGroup.type_name), not the page's type key.
    expect(page.get_by_role("group", name="Checkbox group")).to_be_attached()
    expect(page.get_by_text("checkboxgroup", exact=True)).to_have_count(0)

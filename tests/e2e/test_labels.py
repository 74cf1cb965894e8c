"""A component whose label an update takes away is still named, by its type's name from the server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.conftest import require_tool
from tests.e2e.support import ServerProcess, open_app, run_demo_site

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    require_tool("chromium")
    server = run_demo_site(tmp_path_factory.mktemp("labels-site"), "tests.e2e.browser_settings")
    yield server
    server.stop()


def test_a_component_without_its_label_is_named_by_its_type(site, page):
    open_app(page, site.url, "/blocksstate/apps/unlabel/", "unlabel")
    expect(page.get_by_role("textbox", name="Title")).to_be_visible()

    page.get_by_role("button", name="Drop the labels").click()

    expect(page.get_by_role("textbox", name="Title")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Textbox")).to_be_visible()
    # The name Python gives it (CheckboxGroup.type_name), not the page's type key.
    expect(page.get_by_role("group", name="Checkbox group")).to_be_attached()
    expect(page.get_by_text("checkboxgroup", exact=True)).to_have_count(0)

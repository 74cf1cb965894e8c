"""Screenshots of the demo for the docs: taken on every run, kept in docs/images/ on request.

Run with ``BLOCKSSTATE_UPDATE_SCREENSHOTS=1`` to refresh ``docs/images/index.png``
and ``docs/images/cart.png``; otherwise they go to a temporary directory.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.support import REPO, open_app

pytestmark = pytest.mark.e2e

VIEWPORT = {"width": 1100, "height": 800}


@pytest.fixture
def images(tmp_path):
    if os.environ.get("BLOCKSSTATE_UPDATE_SCREENSHOTS") == "1":
        return REPO / "docs" / "images"
    return tmp_path


def test_screenshots_of_the_index_and_the_cart(new_page, demo_server, images):
    page = new_page(viewport=VIEWPORT)
    page.goto(demo_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=str(images / "index.png"), full_page=True)

    open_app(page, demo_server.url, "/cart/", "cart")
    page.get_by_label("Milk", exact=True).check()
    page.get_by_label("Water", exact=True).check()
    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.screenshot(path=str(images / "cart.png"), full_page=True)

    assert (images / "index.png").stat().st_size > 10_000
    assert (images / "cart.png").stat().st_size > 10_000

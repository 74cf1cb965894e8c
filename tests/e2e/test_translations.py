"""A French visitor: the page, what its script shows and what the server answers, in French.

The demo project has ``LocaleMiddleware`` and English and French in ``LANGUAGES``: a
browser whose language is French (Playwright's ``locale``) gets French, and ``?lang=fr``
switches an English one.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import open_app, session_id, wait_until_connected
from tests.e2e.test_progress import gate, new_job, result_box, start
from tests.e2e.test_refusals import RENDERED_BEFORE_THE_APP_WAS_REMOVED

pytestmark = pytest.mark.e2e


def test_a_french_browser_edits_a_table_in_french(browser_apps_site, new_page):
    page = new_page(locale="fr-FR")
    open_app(page, browser_apps_site.url, "/blocksstate/apps/dataframe/", "dataframe")
    table = page.get_by_role("grid", name="Prices")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Ajouter une ligne")).to_be_visible()
    expect(page.get_by_role("button", name="Add row")).to_have_count(0)
    # The cell's name comes from the page script's texts; the refusal from the server.
    table.get_by_role("gridcell", name="1.5", exact=True).click()
    editor = table.get_by_role("textbox", name="price, ligne 1")
    editor.fill("abc")
    editor.press("Enter")
    refusal = page.get_by_role("alert").filter(has_text="nombre attendu")
    expect(refusal).to_contain_text("reçu 'abc'")
    expect(table.get_by_role("gridcell", name="1.5", exact=True)).to_be_visible()
    expect(page.get_by_label("Total")).to_have_value("6.5 (apple, plum)")


def test_a_page_switched_to_french_says_why_it_cannot_connect(new_profile, demo_server):
    page = new_profile(init_script=RENDERED_BEFORE_THE_APP_WAS_REMOVED).new_page()

    page.goto(f"{demo_server.url}/cart/?lang=fr")

    expect(page.get_by_role("status")).to_have_text(
        "Cette application n’est plus disponible sur le serveur. Recharger la page peut aider."
    )
    expect(page.locator(".bs-app")).to_have_attribute("data-bs-state", "closed")
    # The language is kept in the cookie: the next page is French without asking again.
    page.goto(f"{demo_server.url}/sales-editor/")
    expect(page.get_by_role("button", name="Ajouter une ligne")).to_be_visible()


def test_a_french_page_says_it_is_reconnecting_and_what_waits(new_page, proxy):
    page = new_page(locale="fr-FR")
    open_app(page, proxy.url, "/cart/", "cart")
    page.get_by_label("Milk", exact=True).check()
    before = session_id(page, "cart")

    # Long enough for the page to notice (no pong), then cut: it reconnects and resumes.
    over = proxy.black_hole(9, then="reset")
    page.get_by_role("button", name="Add Items").click()
    status = page.locator(".bs-app[data-bs-key='cart'] > .bs-status")
    expect(status).to_have_text("Reconnexion… 1 action en attente.")
    assert over.wait(15)

    expect(page.get_by_label("Cart Size")).to_have_value("1")
    wait_until_connected(page, "cart")
    assert session_id(page, "cart") == before
    expect(status).to_have_text("")


def test_a_french_page_shows_a_running_event_s_progress_in_french(new_page, browser_apps_site):
    page, gate_page = new_page(locale="fr-FR"), new_page()
    open_app(page, browser_apps_site.url, "/blocksstate/apps/progress/", "progress")
    open_app(gate_page, browser_apps_site.url, "/blocksstate/apps/progress/", "progress")
    job = new_job("fr")

    start(page, job, "Crunch")  # five rows of ten, then it holds
    box = result_box(page)
    expect(box).to_contain_text(re.compile(r"Crunching - 50,0\s%"))
    # The step (its unit is the app's), the seconds run and the time left, as French writes them.
    timer = box.get_by_role("timer")
    expect(timer).to_have_text(
        re.compile(r"^5/10 rows \| \d+,\d\ss \| fin estimée dans \d+,\d\ss$")
    )

    gate(gate_page, job, "Release")
    expect(page.get_by_label("Result", exact=True)).to_have_value(f"{job} done")
    expect(timer).to_have_count(0)

"""The wizard: Columns a handler reveals, an Accordion it opens, Tabs a button switches; a
reload starts again at step 1, a dropped connection resumes on the step it was at."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    open_app,
    record_connection_states,
    session_id,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e

APP = "wizard"


def step(page, number: int):
    return page.get_by_role("heading", name=f"Step {number} of 3", exact=False)


def to_step_2(page, name: str = "Ada") -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Next").click()
    expect(step(page, 2)).to_be_visible()
    expect(step(page, 1)).to_be_hidden()


def test_the_wizard_goes_through_its_steps_and_a_reload_starts_again(page, demo_server):
    open_app(page, demo_server.url, "/wizard/", APP)
    expect(step(page, 1)).to_be_visible()
    expect(step(page, 2)).to_be_hidden()
    expect(step(page, 3)).to_be_hidden()

    page.get_by_role("button", name="Next").click()  # no name: refused, still step 1
    expect(page.get_by_text("Please tell us your name.", exact=True)).to_be_visible()
    expect(step(page, 1)).to_be_visible()

    to_step_2(page)
    page.get_by_role("button", name="Back").click()
    expect(step(page, 1)).to_be_visible()
    expect(step(page, 2)).to_be_hidden()
    page.get_by_role("button", name="Next").click()
    expect(step(page, 2)).to_be_visible()

    page.get_by_label("Poetry").check()
    page.get_by_role("button", name="Next").click()
    expect(step(page, 3)).to_be_visible()
    expect(step(page, 2)).to_be_hidden()
    expect(page.get_by_text("Ada likes Poetry.", exact=True)).to_be_visible()

    # The handler opened the accordion; the visitor can still close it.
    details = page.locator("details", has=page.get_by_text("What was sent", exact=True))
    expect(details).to_have_js_property("open", True)
    expect(page.get_by_role("figure", name="Answers")).to_be_visible()
    page.get_by_text("What was sent", exact=True).click()
    expect(details).to_have_js_property("open", False)

    greeting = page.get_by_role("tab", name="Greeting")
    suggestion = page.get_by_role("tab", name="Suggestion")
    expect(greeting).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("Welcome, Ada!", exact=True)).to_be_visible()
    page.get_by_role("button", name="Show the suggestion").click()
    expect(suggestion).to_have_attribute("aria-selected", "true")
    expect(greeting).to_have_attribute("aria-selected", "false")
    expect(page.get_by_text("Try a sonnet today.", exact=True)).to_be_visible()
    expect(page.get_by_text("Welcome, Ada!", exact=True)).to_be_hidden()
    greeting.click()  # the visitor's own tab switch still works
    expect(page.get_by_text("Welcome, Ada!", exact=True)).to_be_visible()

    before = session_id(page, APP)
    page.reload()
    wait_until_connected(page, APP)
    assert session_id(page, APP) != before  # a new session, at step 1
    expect(step(page, 1)).to_be_visible()
    expect(step(page, 2)).to_be_hidden()
    expect(step(page, 3)).to_be_hidden()


def test_after_a_dropped_connection_the_wizard_is_still_at_step_2(page, proxy):
    open_app(page, proxy.url, "/wizard/", APP)
    to_step_2(page, "Grace")
    before = session_id(page, APP)
    record_connection_states(page, APP)

    proxy.reset_all()
    page.wait_for_function(
        "app => window.__e2eStates.includes('reconnecting')"
        " && window.blocksstate.apps[app].state === 'open'",
        arg=APP,
    )
    wait_until_connected(page, APP)
    assert session_id(page, APP) == before  # resumed: same session, same step
    expect(step(page, 2)).to_be_visible()
    expect(step(page, 1)).to_be_hidden()

    page.get_by_role("button", name="Next").click()
    expect(step(page, 3)).to_be_visible()
    expect(page.get_by_text("Grace likes Maths.", exact=True)).to_be_visible()

"""A page on a network that fails: no click is lost or run twice, the session survives, and
one page at a time holds a session (a resume elsewhere detaches the page that had it)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect
from websockets.sync.client import connect

from blocksstate.protocol import frames_of
from tests.e2e.support import (
    connection_states,
    open_app,
    record_connection_states,
    session_id,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e


def status(page, app: str):
    return page.locator(f".bs-app[data-bs-key='{app}'] > .bs-status")


def add_items(page) -> None:
    page.get_by_role("button", name="Add Items").click()


@pytest.mark.parametrize(
    "fault",
    ["reset", "black hole, then through", "black hole, then reset"],
)
def test_a_click_when_the_connection_breaks_counts_once(page, proxy, fault):
    open_app(page, proxy.url, "/cart/", "cart")
    page.get_by_label("Milk", exact=True).check()
    page.get_by_label("Water", exact=True).check()
    add_items(page)
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    before = session_id(page, "cart")

    if fault == "reset":
        proxy.reset_all()
        add_items(page)
    elif fault == "black hole, then through":
        over = proxy.black_hole(3, then="resume")
        add_items(page)  # goes into the hole, as does the page's ping
        assert over.wait(10)
    else:
        # Long enough for the page to notice (no pong), and to retry into the hole too.
        over = proxy.black_hole(9, then="reset")
        add_items(page)
        expect(status(page, "cart")).to_have_text("Reconnecting\u2026 1 action waiting.")
        assert over.wait(15)

    expect(page.get_by_label("Cart Size")).to_have_value("4")
    wait_until_connected(page, "cart")
    assert session_id(page, "cart") == before  # the same session: no reload, no second load
    expect(status(page, "cart")).to_have_text("")
    add_items(page)  # the click ran once: the next one makes 6, not 8
    expect(page.get_by_label("Cart Size")).to_have_value("6")


def test_a_counter_counts_on_after_a_20_second_silent_drop(page, proxy):
    """The guide's per-session instance (made by ``load``) is still there: no new session."""
    open_app(page, proxy.url, "/non-deepcopyable/", "non-deepcopyable")
    expect(page.get_by_label("Status")).to_have_value("Session initialized!")
    page.get_by_role("button", name="Increment Counter").click()
    expect(page.get_by_label("Counter Value")).to_have_value("1")
    before = session_id(page, "non-deepcopyable")
    record_connection_states(page, "non-deepcopyable")

    over = proxy.black_hole(20, then="reset")
    page.get_by_role("button", name="Increment Counter").click()  # into the hole
    expect(status(page, "non-deepcopyable")).to_have_text("Reconnecting\u2026 1 action waiting.")
    assert over.wait(30)
    page.wait_for_function(
        "window.__e2eStates.includes('reconnecting')"
        " && window.blocksstate.apps['non-deepcopyable'].state === 'open'",
        timeout=30_000,
    )

    assert "reconnecting" in connection_states(page)
    assert session_id(page, "non-deepcopyable") == before
    expect(page.get_by_label("Counter Value")).to_have_value("2")
    page.get_by_role("button", name="Increment Counter").click()
    expect(page.get_by_label("Counter Value")).to_have_value("3")


def test_a_page_whose_session_was_resumed_elsewhere_says_so_and_stops(page, demo_server):
    open_app(page, demo_server.url, "/counter/", "counter")
    page.get_by_role("button", name="Increment").click()
    expect(page.get_by_label("Current Count")).to_have_value("Count: 1")
    token = page.evaluate("window.blocksstate.apps['counter'].app.connection.resumeToken")
    record_connection_states(page, "counter")

    url = demo_server.url.replace("http://", "ws://") + "/ws/blocks/counter/"
    with connect(url, origin=demo_server.url) as elsewhere:
        elsewhere.send(json.dumps({"type": "hello", "protocol": 1, "resume": token}))
        frame = frames_of(elsewhere.recv(timeout=15))[0]  # the session frame, then the page's
        assert frame["type"] == "session" and frame["resumed"] is True

        expect(status(page, "counter")).to_have_text(
            "This session continued in another tab or window."
        )
        expect(page.get_by_role("button", name="Increment")).to_be_disabled()
        assert page.evaluate("window.blocksstate.apps['counter'].state") == "closed"
        assert "reconnecting" not in connection_states(page)

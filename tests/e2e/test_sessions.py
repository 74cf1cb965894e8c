"""Session state as a visitor sees it: per page view, kept across dropped connections, private."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.support import (
    connection_states,
    open_app,
    record_connection_states,
    session_id,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e


def add_to_cart(page, *items: str) -> None:
    for item in items:
        page.get_by_label(item, exact=True).check()
    page.get_by_role("button", name="Add Items").click()


def test_a_refresh_starts_a_new_session(page, demo_server):
    open_app(page, demo_server.url, "/cart/", "cart")
    add_to_cart(page, "Milk", "Water")
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    before = session_id(page, "cart")

    page.reload()
    wait_until_connected(page, "cart")

    assert session_id(page, "cart") != before
    expect(page.get_by_label("Cart Size")).to_have_value("")
    add_to_cart(page, "Milk", "Water")
    expect(page.get_by_label("Cart Size")).to_have_value("2")


def test_a_dropped_connection_resumes_the_session(page, demo_server):
    open_app(page, demo_server.url, "/cart/", "cart")
    add_to_cart(page, "Milk", "Water")
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    before = session_id(page, "cart")
    record_connection_states(page, "cart")

    page.evaluate("window.blocksstate.apps['cart'].dropConnection()")
    page.wait_for_function(
        "window.__e2eStates.length >= 3 && window.blocksstate.apps['cart'].state === 'open'"
    )

    assert connection_states(page)[1] != "open"
    assert session_id(page, "cart") == before
    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("4")


def test_a_network_drop_resumes_the_session(page, proxy):
    """Every TCP connection is cut on the wire (the server sees its socket close, too)."""
    open_app(page, proxy.url, "/cart/", "cart")
    add_to_cart(page, "Milk", "Water")
    expect(page.get_by_label("Cart Size")).to_have_value("2")
    before = session_id(page, "cart")
    connections = proxy.accepted
    record_connection_states(page, "cart")

    proxy.drop_all()
    page.wait_for_function(
        "window.__e2eStates.length >= 3 && window.blocksstate.apps['cart'].state === 'open'"
    )

    assert proxy.accepted > connections  # the page really opened a new socket
    assert session_id(page, "cart") == before
    page.get_by_role("button", name="Add Items").click()
    expect(page.get_by_label("Cart Size")).to_have_value("4")


def test_two_visitors_never_see_each_others_state(new_page, demo_server):
    alice, bob = new_page(), new_page()
    open_app(alice, demo_server.url, "/cart/", "cart")
    open_app(bob, demo_server.url, "/cart/", "cart")
    assert session_id(alice, "cart") != session_id(bob, "cart")

    add_to_cart(alice, "Milk", "Water")
    expect(alice.get_by_label("Cart Size")).to_have_value("2")
    add_to_cart(bob, "Cereal")
    expect(bob.get_by_label("Cart Size")).to_have_value("1")

    alice.get_by_role("button", name="Add Items").click()
    expect(alice.get_by_label("Cart Size")).to_have_value("4")
    bob.get_by_role("button", name="Add Items").click()
    expect(bob.get_by_label("Cart Size")).to_have_value("2")


def test_two_tabs_of_one_browser_are_two_sessions(page, demo_server):
    open_app(page, demo_server.url, "/counter/", "counter")
    other = page.context.new_page()
    open_app(other, demo_server.url, "/counter/", "counter")

    page.get_by_role("button", name="Increment").click()
    expect(page.get_by_label("Current Count")).to_have_value("Count: 1")
    page.get_by_role("button", name="Increment").click()
    expect(page.get_by_label("Current Count")).to_have_value("Count: 2")
    other.get_by_role("button", name="Increment").click()

    expect(other.get_by_label("Current Count")).to_have_value("Count: 1")

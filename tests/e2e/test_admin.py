"""The admin in a real browser: a visitor fills a cart, staff find the session, see it, disconnect it;
the session list fits a 1280 px screen.

Run with ``BLOCKSSTATE_UPDATE_SCREENSHOTS=1`` to refresh ``docs/images/admin-sessions.png`` and
``docs/images/admin-session.png``; otherwise they go to a temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.support import REPO, TIMEOUT_MS, open_app, run_python, session_id

pytestmark = pytest.mark.e2e

PASSWORD = "e2e-admin-password-not-secret"
STAFF = {
    # May see state values and act on sessions.
    "inspector": ["view_livesession", "view_session_state", "change_livesession"],
    # May see sessions, not what they hold.
    "viewer": ["view_livesession"],
    # Sees sessions, their values and the event log.
    "reader": ["view_livesession", "view_session_state", "view_eventlog"],
}
SCREEN = {"width": 1280, "height": 800}

CREATE_STAFF = """
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

for name, codenames in json.loads(os.environ["E2E_STAFF"]).items():
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.is_staff = True
    user.set_password(os.environ["E2E_PASSWORD"])
    user.save()
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="blocksstate", codename__in=codenames)
    )
"""


# Sessions whose cells are as wide as they get: a long username, an IPv6 address, a long reason.
CREATE_WIDE_SESSIONS = """
import secrets
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from blocksstate.models import LiveSession

user, _ = get_user_model().objects.get_or_create(username="margaret.hamilton.apollo")
now = timezone.now()
for ended in (False, True):
    LiveSession.objects.create(
        session_id=secrets.token_urlsafe(24),
        app="multistep",
        user=user,
        client_address="2001:db8:85a3:8d3:1319:8a2e:370:7348",
        connected_at=now - timedelta(days=2),
        last_seen_at=now - timedelta(days=1),
        closed_at=now - timedelta(days=1) if ended else None,
        closed_reason="disconnected by an administrator" if ended else "",
        event_count=123456,
        error_count=789,
    )
"""


def manage_shell(server, code: str, **env: str) -> None:
    """Run ``code`` in ``manage.py shell`` against the live server's own database."""
    run_python(server, "manage.py", "shell", "--no-startup", "-c", code, **env)


@pytest.fixture(scope="module")
def staff(demo_server):
    """Create the staff users in the live server's own database (a separate SQLite file)."""
    manage_shell(demo_server, CREATE_STAFF, E2E_STAFF=json.dumps(STAFF), E2E_PASSWORD=PASSWORD)
    return demo_server


@pytest.fixture
def images(tmp_path):
    if os.environ.get("BLOCKSSTATE_UPDATE_SCREENSHOTS") == "1":
        return REPO / "docs" / "images"
    return tmp_path


def log_in(page, base_url: str, username: str) -> None:
    page.goto(base_url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Live sessions")).to_be_visible()


def find_session(page, base_url: str, session: str) -> None:
    """Search the session list for ``session`` (recorded within a second) and open its page."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        page.goto(base_url + "/admin/blocksstate/livesession/")
        search = page.get_by_role("textbox", name="Search")
        search.fill(session[:10])
        search.press("Enter")
        link = page.get_by_role("link", name=session[:10])
        if link.count() == 1 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text("Live")
    expect(row).to_contain_text("cart")
    link.click()
    expect(page.get_by_text(session, exact=True)).to_be_visible()


def test_staff_find_a_visitors_cart_see_it_and_disconnect_it(new_page, staff):
    url = staff.url
    visitor = new_page()
    open_app(visitor, url, "/cart/", "cart")
    visitor.get_by_label("Milk", exact=True).check()
    visitor.get_by_label("Water", exact=True).check()
    visitor.get_by_role("button", name="Add Items").click()
    expect(visitor.get_by_label("Cart Size")).to_have_value("2")
    session = session_id(visitor, "cart")

    inspector = new_page()
    log_in(inspector, url, "inspector")
    find_session(inspector, url, session)
    values = inspector.locator("#state-values")
    expect(values).to_contain_text("['Milk', 'Water']")
    expect(values).to_contain_text("read by add_items")
    expect(inspector.get_by_role("table").filter(has_text="click on Button")).to_contain_text(
        "add_items"
    )  # the recent events

    # Staff without the permission see the session, never its values.
    viewer = new_page()
    log_in(viewer, url, "viewer")
    viewer.goto(inspector.url)
    expect(viewer.get_by_text(session, exact=True)).to_be_visible()
    expect(viewer.locator("#state-values")).to_contain_text("State values are hidden")
    expect(viewer.get_by_text("Milk")).to_have_count(0)
    expect(viewer.get_by_role("button", name="Disconnect")).to_have_count(0)

    inspector.get_by_role("button", name="Disconnect").click()
    expect(inspector.get_by_text(re.compile(r"Disconnected 1 session"))).to_be_visible()

    # The visitor's page says so, and lets nothing be clicked any more.
    app = visitor.locator("[data-bs-app='cart']")
    expect(app.get_by_role("status")).to_have_text("Disconnected by an administrator.")
    expect(visitor.get_by_role("button", name="Add Items")).to_be_disabled()
    expect(visitor.get_by_label("Milk", exact=True)).to_be_disabled()

    # The admin records the end (within a flush).
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while "disconnected by an administrator" not in inspector.content():
        assert time.monotonic() < deadline, "the end was not recorded"
        time.sleep(0.3)
        inspector.reload()
    expect(inspector.locator(".bs-session-summary")).to_contain_text(
        "Ended (disconnected by an administrator)"
    )
    expect(inspector.get_by_role("button", name="Disconnect")).to_have_count(0)


def test_the_admin_shows_how_the_cart_is_wired(new_page, staff):
    page = new_page()
    log_in(page, staff.url, "viewer")
    page.get_by_role("link", name="Registered apps").click()
    page.get_by_role("link", name="cart", exact=True).click()

    events = page.locator("#events")
    expect(events).to_contain_text("click on Button 'Add Items'")
    expect(events).to_contain_text("add_items")
    expect(page.locator("#components")).to_contain_text("Cart Size")


def overflow(page, selector: str) -> int:
    """How many pixels the content of ``selector`` is wider than the element itself."""
    return page.locator(selector).evaluate("e => e.scrollWidth - e.clientWidth")


def test_the_session_list_fits_a_1280_screen_and_a_chat_shows_its_stored_size(
    new_page, staff, images
):
    manage_shell(staff, CREATE_WIDE_SESSIONS)
    url = staff.url
    visitor = new_page()
    open_app(visitor, url, "/chat/", "chat")
    message = visitor.get_by_placeholder("Type a message...")
    message.fill("Hello there")
    message.press("Enter")
    expect(visitor.get_by_text("Hello there")).to_be_visible()
    expect(message).to_have_value("")  # the reply is in
    chat = session_id(visitor, "chat")

    page = new_page(viewport=SCREEN)
    log_in(page, url, "reader")
    page.get_by_role("link", name="Live sessions").click()

    # Live sessions by default; the widest rows fit beside the filters, the page does not scroll.
    status = page.locator("#changelist-filter details", has_text="By status")
    expect(status.locator("li.selected")).to_have_text("Live")
    expect(page.get_by_role("link", name=chat[:10])).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="margaret.hamilton.apollo")).to_have_count(1)
    # (Django 6 puts a hidden heading, "Pagination live sessions", before the count.)
    expect(page.locator(".paginator")).to_have_text(
        re.compile(r"^\s*(Pagination live sessions\s+)?\d+ live sessions\s*$")
    )
    assert overflow(page, "#changelist .results") == 0
    assert overflow(page, "html") == 0
    page.mouse.move(0, 0)
    page.screenshot(path=str(images / "admin-sessions.png"))

    status.get_by_role("link", name="All").click()
    expect(page.get_by_text("disconnected by an administrator, 1 day ago")).to_be_visible()
    assert overflow(page, "#changelist .results") == 0
    assert overflow(page, "html") == 0

    page.get_by_role("link", name="Event log entries").click()
    expect(page.locator(".paginator")).to_have_text(
        re.compile(
            r"^\s*(Pagination event log entries\s+)?(1 event log entry|\d+ event log entries)\s*$"
        )
    )
    outcome = page.locator("#changelist-filter details", has_text="By outcome")
    expect(outcome.get_by_role("link", name="Failed")).to_be_visible()
    assert overflow(page, "html") == 0

    # The chat's page: its history takes bytes in the cache, and says how many.
    page.goto(url + "/admin/blocksstate/livesession/")
    page.get_by_role("link", name=chat[:10]).click()
    values = page.locator("#state-values")
    expect(values).to_contain_text("Hello there")
    history = values.get_by_role("row").filter(has_text="Chatbot")
    expect(history.get_by_role("cell").first).to_have_text(re.compile(r"^\d+\sbytes$"))
    expect(values).to_contain_text(re.compile(r"As stored in the cache, its values take [1-9]\d*"))
    assert overflow(page, "html") == 0
    page.mouse.move(0, 0)
    page.screenshot(path=str(images / "admin-session.png"), full_page=True)
    assert (images / "admin-sessions.png").stat().st_size > 10_000
    assert (images / "admin-session.png").stat().st_size > 10_000

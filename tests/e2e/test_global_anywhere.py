"""GlobalState changed from anywhere in Django reaches every open page (issue 21).

The demo site runs under daphne on Redis (django-redis cache, channels-redis layer), as
deployed. Two visitors keep the "announcement" example open while staff post from a Django
view, an operator runs a management command, and a separate Python process (a task worker)
sets the value: both pages show each change, and count exactly one update per change.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import require_tool
from tests.e2e.support import TcpProxy, open_app, run_demo_site, run_python, session_id

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

APP = "announcement"
KEY = "demo-announcement"
PASSWORD = "an-e2e-staff-password-1234"
TASK_WORKER = """
import django

django.setup()
import blocksstate as gr

# A process that does not serve the site: it declares the value itself (same key, same default).
gr.GlobalState("No announcement yet.", key="demo-announcement").set("Done: all systems go")
"""


@pytest.fixture(scope="module")
def redis_site(redis_server, tmp_path_factory):
    """The demo site on Redis database 6, emptied before and after, with a staff user."""
    import redis

    require_tool("chromium")
    url = redis_server.rsplit("/", 1)[0] + "/6"
    client = redis.Redis.from_url(url)
    client.flushdb()
    server = run_demo_site(tmp_path_factory.mktemp("redis-site"), REDIS_URL=url)
    run_python(
        server,
        "manage.py",
        "createsuperuser",
        "--noinput",
        "--username=staff",
        "--email=staff@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    yield server
    server.stop()
    client.flushdb()
    client.close()


def live(page):
    return page.get_by_role("region", name="Live example")


def updates(page):
    return live(page).get_by_label("Updates received by this page")


def shows(pages, text: str, count: int) -> None:
    for page in pages:
        expect(live(page).get_by_text(text, exact=True)).to_be_visible()
        expect(updates(page)).to_have_value(str(count))


def test_a_view_a_command_and_a_task_worker_update_every_open_page(redis_site, new_page):
    visitors = [new_page(), new_page()]
    for page in visitors:
        open_app(page, redis_site.url, f"/{APP}/", APP)
        expect(updates(page)).to_have_value("0")

    # 1. Staff post from a Django view (signing in first: the page is staff only).
    staff = new_page()
    staff.goto(redis_site.url + "/announcement/post/")
    staff.get_by_label("Username").fill("staff")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.get_by_label("Announcement").fill("Maintenance at 6 pm")
    staff.get_by_role("button", name="Post").click()
    expect(staff.get_by_role("status")).to_have_text("Posted: every open page shows it now.")
    shows(visitors, "Maintenance at 6 pm", 1)

    # An empty announcement is refused, and changes nothing.
    staff.get_by_label("Announcement").fill("   ")
    staff.get_by_role("button", name="Post").click()
    expect(staff.get_by_role("alert")).to_have_text("Write the announcement first.")

    # 2. A management command.
    out = run_python(
        redis_site, "manage.py", "blocksstate_global_state", "set", KEY, "Back at 7 pm"
    )
    assert out.strip() == '"Back at 7 pm"'
    shows(visitors, "Back at 7 pm", 2)

    # 3. A separate process sharing the cache and the channel layer.
    run_python(redis_site, "-c", TASK_WORKER)
    shows(visitors, "Done: all systems go", 3)

    # Any template shows the current value when rendered ({% global_state %}).
    late = new_page()
    open_app(late, redis_site.url, f"/{APP}/", APP)
    expect(late.locator("#rendered-announcement")).to_have_text(
        "When this page was rendered: Done: all systems go"
    )
    shows([late], "Done: all systems go", 0)
    shows(visitors, "Done: all systems go", 3)  # the refusal ran nothing


def test_an_admin_action_posts_an_announcement_to_every_open_page(redis_site, new_page):
    visitors = [new_page(), new_page()]
    for page in visitors:
        open_app(page, redis_site.url, f"/{APP}/", APP)
    counts = [int(updates(page).input_value()) for page in visitors]

    staff = new_page()
    staff.goto(redis_site.url + "/admin/examples/announcement/add/")
    if staff.get_by_label("Username").is_visible():
        staff.get_by_label("Username").fill("staff")
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Log in").click()
    for text in ("Doors open at 9", "Coffee in the lobby"):
        staff.goto(redis_site.url + "/admin/examples/announcement/add/")
        staff.get_by_label("Text").fill(text)
        staff.get_by_role("button", name="Save", exact=True).click()

    def run_action(*texts: str) -> None:
        for text in texts:
            row = staff.get_by_role("row").filter(has_text=text)
            row.get_by_role("checkbox").check()
        staff.get_by_role("combobox", name=re.compile("^Action")).select_option(
            label="Show on every open page"
        )
        staff.get_by_role("button", name=re.compile("^(Go|Run)$")).click()

    # Two at once is refused, and no page changes.
    run_action("Doors open at 9", "Coffee in the lobby")
    expect(staff.get_by_text("Choose exactly one announcement to show.")).to_be_visible()

    run_action("Coffee in the lobby")
    expect(staff.get_by_text("Every open page now shows “Coffee in the lobby”.")).to_be_visible()
    for page, count in zip(visitors, counts, strict=True):
        expect(live(page).get_by_text("Coffee in the lobby", exact=True)).to_be_visible()
        expect(updates(page)).to_have_value(str(count + 1))  # the refusal ran nothing
    row = staff.get_by_role("row").filter(has_text="Coffee in the lobby")
    expect(row).not_to_contain_text("-")  # posted_at is filled in


def test_a_page_cut_off_while_the_value_changed_shows_it_once_back(redis_site, page):
    proxy = TcpProxy(redis_site.port)
    try:
        open_app(page, proxy.url, f"/{APP}/", APP)
        before = session_id(page, APP)
        count = int(updates(page).input_value())

        # Nothing gets through for a while; the page notices and retries, into the hole too.
        over = proxy.black_hole(9, then="reset")
        run_python(
            redis_site, "manage.py", "blocksstate_global_state", "set", KEY, "Changed while away"
        )
        assert over.wait(30)

        open_app_again = live(page).get_by_text("Changed while away", exact=True)
        expect(open_app_again).to_be_visible()
        expect(updates(page)).to_have_value(str(count + 1))  # once, not once more on resume
        assert session_id(page, APP) == before  # the same session, resumed
    finally:
        proxy.close()

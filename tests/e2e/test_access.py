"""A protected app in a real browser: signed out you are sent to sign in; signed in with the
permission it works, until you sign out; without the permission you read why not."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.e2e.support import REPO, wait_until_connected

pytestmark = pytest.mark.e2e

APP = "e2e-private"
PASSWORD = "e2e-access-password-not-secret"
# Who may open the app: the key holder has its permission (tests/e2e/browser_apps/private.py).
USERS = {"keyholder": ["open_private"], "visitor": []}

CREATE_USERS = """
import json, os
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

User = get_user_model()
permission, _ = Permission.objects.get_or_create(
    codename="open_private",
    content_type=ContentType.objects.get_for_model(User),
    defaults={"name": "Can open the private counter"},
)
for name, codenames in json.loads(os.environ["E2E_USERS"]).items():
    user, _ = User.objects.get_or_create(username=name)
    user.set_password(os.environ["E2E_PASSWORD"])
    user.save()
    user.user_permissions.set([permission] if codenames else [])
"""


@pytest.fixture(scope="module")
def users(browser_apps_site):
    """Make the users and the permission in the live server's own database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-startup", "-c", CREATE_USERS],
        cwd=REPO,
        env={**browser_apps_site.env, "E2E_USERS": json.dumps(USERS), "E2E_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return browser_apps_site


def sign_in(page, username: str) -> None:
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_to_open_a_protected_app_and_read_why_when_refused(users, new_page):
    app_url = f"{users.url}/blocksstate/apps/{APP}/"

    page = new_page()
    page.goto(app_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/blocksstate/apps/e2e-private/"))
    sign_in(page, "keyholder")
    expect(page).to_have_url(app_url)
    wait_until_connected(page, APP)
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_label("Count")).to_have_value("1")

    # Signed out (say in another tab), the page cannot take its session back after a drop.
    page.context.clear_cookies()
    page.evaluate("app => window.blocksstate.apps[app].dropConnection()", APP)
    status = page.locator(".bs-app").get_by_role("status")
    expect(status).to_have_text("Sign in to use this app.")
    expect(page.get_by_role("button", name="Add")).to_be_disabled()

    # Signed in without the permission: the page says so, and shows nothing of the app.
    other = new_page()
    other.goto(app_url)
    sign_in(other, "visitor")
    expect(other).to_have_url(app_url)
    expect(other.get_by_text("You do not have permission to use this app.")).to_be_visible()
    expect(other.get_by_role("button", name="Add")).to_have_count(0)
    expect(other.get_by_label("Count")).to_have_count(0)

"""Browser state as a visitor sees it: kept in localStorage, signed by a server that can restart.

These tests run their own daphne (the demo project plus ``tests.e2e.browser_apps``)
so they can restart it, on the same port (localStorage belongs to an origin),
with the same ``SECRET_KEY``, a rotated one, or a rotated one whose old key is
gone. Each test is a fresh browser profile (a Playwright context); pages of one
context share localStorage, as tabs of one browser do.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core import signing
from playwright.sync_api import expect

from tests.conftest import require_tool
from tests.e2e.browser_apps.blocks import DEFAULT, SHARED_KEY
from tests.e2e.support import (
    GUIDES,
    REPO,
    ServerProcess,
    child_environment,
    free_port,
    open_app,
    run_script_server,
    session_id,
    wait_until_connected,
)

pytestmark = pytest.mark.e2e

FIRST_KEY = "e2e-browser-state-first-secret-key-0123456789"
SECOND_KEY = "e2e-browser-state-second-secret-key-9876543210"
SHOWN_DEFAULT = json.dumps(DEFAULT)


# -- a server that restarts on the same port ----------------------------------------------------


@dataclass
class RestartableSite:
    """The demo project with the test apps under daphne; restarted with other keys on demand."""

    directory: Path
    port: int = field(default_factory=free_port)
    keys: tuple[str, tuple[str, ...]] | None = None
    server: ServerProcess | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self, secret_key: str, fallbacks: tuple[str, ...]) -> dict[str, str]:
        return child_environment(
            DJANGO_SETTINGS_MODULE="tests.e2e.browser_settings",
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=secret_key,
            DJANGO_SECRET_KEY_FALLBACKS=",".join(fallbacks),
            BLOCKSSTATE_DB=str(self.directory / "db.sqlite3"),
        )

    def migrate(self) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            cwd=REPO,
            env=self.environment(FIRST_KEY, ()),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            pytest.fail(f"manage.py migrate failed:\n{result.stdout}{result.stderr}")

    def run(self, secret_key: str = FIRST_KEY, fallbacks: tuple[str, ...] = ()) -> None:
        """Make sure the server runs with these keys (restarting it if it runs with others)."""
        if self.keys == (secret_key, fallbacks) and self.server is not None:
            return
        self.restart(secret_key, fallbacks)

    def restart(self, secret_key: str = FIRST_KEY, fallbacks: tuple[str, ...] = ()) -> None:
        """Stop the server (all its memory, sessions included, is gone) and start it again."""
        self.stop()
        self.starts += 1
        self.server = ServerProcess(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "demo_project.asgi:application",
            ],
            self.environment(secret_key, fallbacks),
            self.directory / f"daphne-{self.starts}.log",
            self.port,
        ).start()
        self.keys = (secret_key, fallbacks)

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def log(self) -> str:
        return self.server.log() if self.server is not None else ""


@pytest.fixture(scope="module")
def restartable_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestartableSite]:
    require_tool("chromium")
    site = RestartableSite(tmp_path_factory.mktemp("browser-state-site"))
    site.migrate()
    yield site
    site.stop()


@pytest.fixture
def site(restartable_site: RestartableSite) -> RestartableSite:
    """The site, running with ``FIRST_KEY`` and no fallbacks when the test starts."""
    restartable_site.run()
    return restartable_site


# -- browser profiles ---------------------------------------------------------------------------


@pytest.fixture
def profile(new_profile):
    return new_profile()


# -- acting on a note app --------------------------------------------------------------------------


def open_note(context_or_page, site: RestartableSite, app: str):
    """Open ``app``'s page (a new tab of a profile, or again in a page) and wait until connected."""
    page = context_or_page.new_page() if hasattr(context_or_page, "new_page") else context_or_page
    open_app(page, site.url, f"/blocksstate/apps/{app}/", app)
    return page


def reconnect_after_restart(page, app: str, before: str) -> None:
    """Let the open page reconnect now (not at the end of its backoff) and start a new session."""
    page.evaluate("app => window.blocksstate.apps[app].app.connection.retryNow()", app)
    page.wait_for_function(
        "([app, before]) => { const a = window.blocksstate.apps[app];"
        " return a.state === 'open' && !!a.sessionId && a.sessionId !== before; }",
        arg=[app, before],
    )


def reload(page, app: str) -> None:
    page.reload()
    wait_until_connected(page, app)


def storage_key(page, app: str) -> str:
    """The app's one localStorage key, as the page config names it."""
    keys = page.evaluate("app => window.blocksstate.apps[app].app.config.browser_state", app)
    assert len(keys) == 1, keys
    return keys[0]


def stored(page, key: str) -> str | None:
    return page.evaluate("key => window.localStorage.getItem(key)", key)


def put(page, key: str, token: str) -> None:
    page.evaluate("([key, token]) => window.localStorage.setItem(key, token)", [key, token])


def save_note(page, text: str) -> str:
    """Type ``text``, click Save, wait until the page stored the new token; return it."""
    (app,) = page.evaluate("Object.keys(window.blocksstate.apps)")
    key = storage_key(page, app)
    before = stored(page, key)
    page.get_by_label("Note", exact=True).fill(text)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("Saved note")).to_have_value(json.dumps(text))
    page.wait_for_function(
        "([key, before]) => { const t = window.localStorage.getItem(key); return t && t !== before; }",
        arg=[key, before],
    )
    return stored(page, key)


def shown(page):
    return page.get_by_label("Saved note")


def visitor_can_read(token: str):
    """Decode a signed token as any visitor could, with no key: base64, maybe zlib."""
    payload = token.split(":", 1)[0]
    data = signing.b64_decode(payload.lstrip(".").encode())
    return json.loads(zlib.decompress(data) if payload.startswith(".") else data)


def warnings_in(site: RestartableSite) -> list[str]:
    return [line for line in site.log().splitlines() if "Ignored the stored value" in line]


# -- the tests ------------------------------------------------------------------------------------


def test_a_value_survives_a_refresh_and_a_new_tab_but_not_another_browser(
    site, profile, new_profile
):
    page = open_note(profile, site, "note-plain")
    expect(shown(page)).to_have_value(SHOWN_DEFAULT)
    key = storage_key(page, "note-plain")
    assert key.startswith("blocksstate:note-plain:")
    assert stored(page, key) is None

    token = save_note(page, "kept across pages")
    assert "kept across pages" not in token  # stored as the server's token, not as text
    first_session = session_id(page, "note-plain")

    reload(page, "note-plain")
    assert session_id(page, "note-plain") != first_session  # a refresh is a new session...
    expect(shown(page)).to_have_value('"kept across pages"')  # ...that got the value back

    tab = open_note(profile, site, "note-plain")
    expect(shown(tab)).to_have_value('"kept across pages"')

    stranger = open_note(new_profile(), site, "note-plain")
    expect(shown(stranger)).to_have_value(SHOWN_DEFAULT)


def test_a_falsy_value_is_kept_rather_than_the_default(site, profile):
    page = open_note(profile, site, "note-plain")
    save_note(page, "something")
    save_note(page, "")

    reload(page, "note-plain")
    expect(shown(page)).to_have_value('""')


def test_a_value_survives_a_server_restart(site, profile):
    page = open_note(profile, site, "note-plain")
    save_note(page, "before the restart")
    before = session_id(page, "note-plain")

    site.restart(FIRST_KEY)  # same key; every session the old process held is gone

    # The open page reconnects by itself; its session is gone, so it starts a new one
    # and hands its stored token back.
    reconnect_after_restart(page, "note-plain", before)
    expect(shown(page)).to_have_value('"before the restart"')
    save_note(page, "after the restart")

    fresh = open_note(profile, site, "note-plain")
    expect(shown(fresh)).to_have_value('"after the restart"')


def test_a_token_edited_by_hand_falls_back_to_the_default_and_the_page_keeps_working(site, profile):
    page = open_note(profile, site, "note-plain")
    key = storage_key(page, "note-plain")
    token = save_note(page, "the real value")
    warned = len(warnings_in(site))

    # The visitor edits the stored value: decode the payload, change it, encode it back.
    signature = token.split(":", 1)[1]
    forged_value = signing.b64_encode(json.dumps("a forged value").encode()).decode()
    put(page, key, f"{forged_value}:{signature}")
    reload(page, "note-plain")

    expect(shown(page)).to_have_value(SHOWN_DEFAULT)
    assert len(warnings_in(site)) == warned + 1

    put(page, key, "not a token at all")
    reload(page, "note-plain")
    expect(shown(page)).to_have_value(SHOWN_DEFAULT)
    assert len(warnings_in(site)) == warned + 2

    # The page works as before, and its next save replaces the bad token.
    save_note(page, "saved again")
    reload(page, "note-plain")
    expect(shown(page)).to_have_value('"saved again"')


def test_an_app_with_another_secret_cannot_read_the_first_ones_value(site, profile):
    alpha = open_note(profile, site, "note-alpha")
    assert storage_key(alpha, "note-alpha") == SHARED_KEY
    alpha_token = save_note(alpha, "alpha only")
    warned = len(warnings_in(site))

    # Same site, same localStorage key: beta gets alpha's token, and cannot use it.
    beta = open_note(profile, site, "note-beta")
    assert storage_key(beta, "note-beta") == SHARED_KEY
    assert stored(beta, SHARED_KEY) == alpha_token
    expect(shown(beta)).to_have_value(SHOWN_DEFAULT)
    assert len(warnings_in(site)) == warned + 1

    # Alpha still reads its own.
    reload(alpha, "note-alpha")
    expect(shown(alpha)).to_have_value('"alpha only"')


def test_an_encrypted_value_cannot_be_read_from_local_storage(site, profile):
    secret_text = "attack at dawn 4242"

    plain = open_note(profile, site, "note-plain")
    plain_token = save_note(plain, secret_text)
    assert visitor_can_read(plain_token) == secret_text  # signed only: readable, not forgeable

    page = open_note(profile, site, "note-encrypted")
    token = save_note(page, secret_text)

    every_stored = page.evaluate(
        "() => Object.keys(localStorage).map((k) => k + '=' + localStorage.getItem(k))"
    )
    encrypted_entry = next(e for e in every_stored if e.startswith("blocksstate:note-encrypted:"))
    assert token in encrypted_entry
    for fragment in ("attack", "dawn", "4242"):
        assert fragment not in token
    assert token.startswith("e1:")
    body = token.removeprefix("e1:")
    decoded = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert b"attack" not in decoded and b"4242" not in decoded

    reload(page, "note-encrypted")
    expect(shown(page)).to_have_value(json.dumps(secret_text))


def test_key_rotation_keeps_a_stored_value_readable(site, profile):
    page = open_note(profile, site, "note-plain")
    key = storage_key(page, "note-plain")
    old_token = save_note(page, "signed with the first key")

    site.restart(SECOND_KEY, fallbacks=(FIRST_KEY,))
    reload(page, "note-plain")
    expect(shown(page)).to_have_value('"signed with the first key"')
    new_token = save_note(page, "signed with the second key")

    site.restart(SECOND_KEY)  # the first key retired
    reload(page, "note-plain")
    expect(shown(page)).to_have_value('"signed with the second key"')

    warned = len(warnings_in(site))
    put(page, key, old_token)  # a visitor who did not come back during the rotation
    reload(page, "note-plain")
    expect(shown(page)).to_have_value(SHOWN_DEFAULT)
    assert len(warnings_in(site)) == warned + 1
    assert new_token != old_token


NO_LOCAL_STORAGE = """
Object.defineProperty(window, "localStorage", {
  configurable: true,
  get() { throw new DOMException("The user denied storage.", "SecurityError"); },
});
"""


def test_without_local_storage_the_page_still_works(site, new_profile):
    page = open_note(new_profile(NO_LOCAL_STORAGE), site, "note-plain")
    expect(shown(page)).to_have_value(SHOWN_DEFAULT)
    assert (
        page.evaluate("window.blocksstate.apps['note-plain'].app.browserStorage.persistent")
        is False
    )

    page.get_by_label("Note", exact=True).fill("only for this page")
    page.get_by_role("button", name="Save").click()
    expect(shown(page)).to_have_value('"only for this page"')

    # A reconnect that starts a new session still has the value (kept in page memory).
    before = session_id(page, "note-plain")
    site.restart(FIRST_KEY)
    reconnect_after_restart(page, "note-plain", before)
    expect(shown(page)).to_have_value('"only for this page"')

    reload(page, "note-plain")  # nothing outlives the page
    expect(shown(page)).to_have_value(SHOWN_DEFAULT)


def test_a_launched_script_keeps_its_values_across_a_restart(profile, tmp_path):
    """``python generate_randomly.py``: no project, a secret key made once and kept on disk."""
    port = free_port()
    script = [str(GUIDES / "generate_randomly.py")]
    server = run_script_server(script, tmp_path, port, BLOCKSSTATE_SERVER_PORT=str(port))
    try:
        page = profile.new_page()
        open_app(page, server.url, "/", "generate_randomly")
        page.get_by_role("button", name="Generate Randomly").click()
        expect(page.get_by_label("Username")).to_have_value(re.compile(r"^[A-Za-z0-9]{10}$"))
        username = page.get_by_label("Username").input_value()
        page.wait_for_function("() => localStorage.length > 0")
    finally:
        server.stop()

    server = run_script_server(script, tmp_path, port, BLOCKSSTATE_SERVER_PORT=str(port))
    try:
        page.reload()
        wait_until_connected(page, "generate_randomly")
        expect(page.get_by_label("Username")).to_have_value(username)
    finally:
        server.stop()


def test_the_storage_module_keeps_only_the_apps_keys_and_survives_a_full_quota(site, profile):
    page = open_note(profile, site, "note-plain")
    result = page.evaluate(
        """async () => {
            const { BrowserStorage } = await import("/static/blocksstate/browser-storage.js");
            const saved = new Map();
            let full = false;
            const fake = {
                getItem: (key) => (saved.has(key) ? saved.get(key) : null),
                setItem: (key, value) => {
                    if (full) throw new DOMException("full", "QuotaExceededError");
                    saved.set(key, value);
                },
                removeItem: (key) => saved.delete(key),
            };
            const storage = new BrowserStorage(["mine", "also-mine"], fake);
            storage.store({ mine: "t1", "not-mine": "x", "also-mine": 42 });
            const first = { tokens: storage.tokens(), saved: Object.fromEntries(saved) };
            full = true;
            storage.store({ mine: "t2" });  // cannot be written: kept in page memory
            const second = storage.tokens();
            full = false;
            storage.store({ mine: "t3" });
            saved.set("mine", "t4");  // another tab wrote a newer token
            const third = storage.tokens();
            const none = new BrowserStorage(["mine"], null);
            none.store({ mine: "m1" });
            return { first, second, third, memoryOnly: none.tokens(), persistent: none.persistent };
        }"""
    )

    assert result["first"] == {"tokens": {"mine": "t1"}, "saved": {"mine": "t1"}}
    assert result["second"] == {"mine": "t2"}
    assert result["third"] == {"mine": "t4"}
    assert result["memoryOnly"] == {"mine": "m1"} and result["persistent"] is False

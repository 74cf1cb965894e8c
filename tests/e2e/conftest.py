"""Browser tests: real servers in their own processes, driven by Chromium through Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.conftest import require_tool
from tests.e2e.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TIMEOUT_MS,
    ServerProcess,
    TcpProxy,
    run_demo_site,
)

# Every fixture here is package-scoped: the servers and the browser stop once the last
# browser test has run, before the rest of the suite goes on.


@pytest.fixture(scope="package", autouse=True)
def allow_django_next_to_playwright() -> Iterator[None]:
    """Let the ORM run in this thread while Playwright's sync API keeps an event loop in it.

    Set for the browser tests only, so that the rest of the suite keeps Django's check.
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The demo project under daphne, as in production: DEBUG off, a migrated database."""
    require_tool("chromium")  # without a browser, no point starting the server
    server = run_demo_site(tmp_path_factory.mktemp("demo-server"))
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser_apps_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The demo project with the browser tests' own apps (``tests/e2e/browser_apps``)."""
    require_tool("chromium")
    settings = "tests.e2e.browser_settings"
    server = run_demo_site(tmp_path_factory.mktemp("browser-apps-site"), settings)
    yield server
    server.stop()


@pytest.fixture
def proxy(demo_server: ServerProcess) -> Iterator[TcpProxy]:
    """A TcpProxy in front of the demo server."""
    tcp_proxy = TcpProxy(demo_server.port)
    yield tcp_proxy
    tcp_proxy.close()


# -- the browser ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, shared by the browser tests."""
    found = require_tool("chromium")
    executable = CHROMIUM if os.path.exists(CHROMIUM) else found
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_profile(browser):
    """Open browser contexts (a visitor's profile each); fail on errors in any of their pages."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    contexts = []
    errors: list[str] = []

    def open_profile(
        init_script: str | None = None,
        viewport: dict[str, int] | None = None,
        locale: str = "en-US",
    ):
        # ``locale`` is the browser's language (its Accept-Language): English unless a test
        # asks for another, whatever the machine's own.
        context = browser.new_context(
            viewport=viewport or {"width": 1100, "height": 900}, locale=locale
        )
        context.set_default_timeout(TIMEOUT_MS)
        if init_script:
            context.add_init_script(init_script)
        context.on(
            "page", lambda page: page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        )
        contexts.append(context)
        return context

    yield open_profile
    for context in contexts:
        context.close()
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


@pytest.fixture
def new_page(new_profile):
    """Open pages, each in a browser context (a visitor) of its own."""

    def open_page(viewport: dict[str, int] | None = None, locale: str = "en-US"):
        return new_profile(viewport=viewport, locale=locale).new_page()

    return open_page


@pytest.fixture
def page(new_page):
    """One visitor's page."""
    return new_page()

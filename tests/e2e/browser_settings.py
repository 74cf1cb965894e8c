"""The demo project's settings, plus the BrowserState test apps (``tests.e2e.browser_apps``)."""

from demo_project.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.e2e.browser_apps"]  # noqa: F405

"""The demo project's settings, plus the BrowserState test apps (``tests.e2e.browser_apps``)."""

from demo_project.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.e2e.browser_apps"]  # noqa: F405

# ``?csp=strict`` pages get a strict Content-Security-Policy (tests/e2e/test_event_options.py).
MIDDLEWARE = [*MIDDLEWARE, "tests.e2e.browser_apps.csp.StrictCspMiddleware"]  # noqa: F405

# A login page at LOGIN_URL (Django's default, /accounts/login/) for tests/e2e/test_access.py.
ROOT_URLCONF = "tests.e2e.browser_apps.urls"

"""Settings of the daphne process in tests/test_backpressure.py: no Redis, no database writes."""

SECRET_KEY = "blocksstate-backpressure-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "channels",
    "blocksstate",
    "tests.backpressure",
]

ROOT_URLCONF = "tests.backpressure.urls"
ASGI_APPLICATION = "tests.backpressure.asgi.application"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

BLOCKSSTATE = {
    "RECORD_SESSIONS": False,
    # The default window (16 million characters unread); a page that reads nothing is
    # closed after one second instead of thirty, to keep the test short.
    "UNACKED_TIMEOUT": 1,
}

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

"""Minimal settings for the test suite."""

import os
import socket


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The test redis-server (started by tests/conftest.py) listens on a port of its own,
# so runs side by side, or a Redis already on the machine, never collide.
os.environ.setdefault("BLOCKSSTATE_TEST_REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")

SECRET_KEY = "blocksstate-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "blocksstate",
    "demo_project.examples",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BLOCKSSTATE_TEST_DB", ":memory:"),
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
    "redis": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["BLOCKSSTATE_TEST_REDIS_URL"],
    },
}

CHANNEL_LAYERS = {
    "default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"},
}

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The admin's activity recorder writes to the database from a thread of its own, which tests
# without database access refuse: it is turned on where it is tested (the ``recording`` fixture
# of tests/test_activity.py and tests/test_admin.py). A test that replaces BLOCKSSTATE turns it
# back on, harmlessly: its writes, if any are due, are refused and kept to be retried.
BLOCKSSTATE = {"RECORD_SESSIONS": False}

USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

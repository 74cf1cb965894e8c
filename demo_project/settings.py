"""Settings for the blocksstate demo project.

Embedded by default (SQLite, LocMemCache, InMemoryChannelLayer: one process,
no services). Set ``REDIS_URL`` to use django-redis and channels-redis so that
several workers can share sessions.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "dev-only-insecure-secret-key-change-me-blocksstate-demo"
)
# Rotating the key: set the new one in DJANGO_SECRET_KEY and the old ones (comma-separated)
# in DJANGO_SECRET_KEY_FALLBACKS, so that values signed with them (BrowserState tokens,
# sessions) stay readable until they are dropped from the list.
SECRET_KEY_FALLBACKS = [
    key.strip()
    for key in os.environ.get("DJANGO_SECRET_KEY_FALLBACKS", "").split(",")
    if key.strip()
]
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "blocksstate",
    "demo_project.examples",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the language cookie, else the browser's Accept-Language;
    # ``?lang=fr`` sets the cookie (demo_project/language.py).
    "django.middleware.locale.LocaleMiddleware",
    "demo_project.language.LanguageFromQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "demo_project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

ASGI_APPLICATION = "demo_project.asgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BLOCKSSTATE_DB", str(BASE_DIR / "db.sqlite3")),
    }
}

REDIS_URL = os.environ.get("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 gives sockets a 5 s timeout by default, which cuts channels-redis'
            # blocking reads (and every idle WebSocket with them): turn it off.
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            # The default (300 entries) would evict live sessions' state past ~100 sessions.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "blocksstate.layers.InMemoryChannelLayer",
        }
    }

# Largest frame a page may send, in bytes (BLOCKSSTATE["MAX_FRAME_BYTES"]).
MAX_FRAME_BYTES = int(os.environ.get("BLOCKSSTATE_MAX_FRAME_BYTES", 1_000_000))

# blocksstate configuration: one dict, read lazily by blocksstate.conf.
# Missing keys take the documented defaults (default cache alias, TTLs,
# limits, event log). See the blocksstate docs for the available keys.
BLOCKSSTATE = {"MAX_FRAME_BYTES": MAX_FRAME_BYTES}

# What daphne reads of a WebSocket message before it cuts the connection (runserver takes
# these settings; the daphne command --websocket-max-message-size and
# --websocket-max-frame-size): twice MAX_FRAME_BYTES, so a frame a little too large is
# answered with a too_large error instead (docs/security.md).
DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE = DAPHNE_WEBSOCKET_MAX_FRAME_SIZE = 2 * MAX_FRAME_BYTES

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# blocksstate ships French besides English (docs/getting-started.md, "Translations").
LANGUAGES = [("en", "English"), ("fr", "Français")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"

# Uploaded and produced files of the apps live under MEDIA_ROOT/blocksstate/ (docs/files.md).
MEDIA_ROOT = os.environ.get("BLOCKSSTATE_MEDIA_ROOT", str(BASE_DIR / "media"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Minimal console logging for blocksstate; Django and daphne keep their own
# defaults (adding a root handler would print their records twice).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "blocksstate": {
            "handlers": ["console"],
            "level": os.environ.get("BLOCKSSTATE_LOG_LEVEL", "INFO"),
            "propagate": False,
        },
    },
}

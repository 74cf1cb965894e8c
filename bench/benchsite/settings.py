"""Settings of the benchmark server (``DJANGO_SETTINGS_MODULE=benchsite.settings``).

Embedded defaults unless ``BENCH_REDIS_URL`` is set: one process, LocMemCache and
InMemoryChannelLayer. With ``BENCH_REDIS_URL``: django-redis cache and channels-redis
layer, as several workers need. DEBUG is off, as in production.
"""

import json
import os
import resource
from pathlib import Path

# Many idle sockets are part of the benchmark: allow as many descriptors as the hard limit.
_soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if _hard == resource.RLIM_INFINITY or _soft < _hard:
    resource.setrlimit(resource.RLIMIT_NOFILE, (_hard, _hard))

if os.environ.get("BENCH_TRACEMALLOC"):
    import tracemalloc

    tracemalloc.start(int(os.environ["BENCH_TRACEMALLOC"]))

if os.environ.get("BENCH_GCSTATS"):
    from benchsite import gcstats

    gcstats.start()

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "channels",
    "blocksstate",
    "benchsite",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "benchsite.urls"
ASGI_APPLICATION = "benchsite.asgi.application"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("BENCH_DB", str(BASE_DIR.parent / "results" / "bench.sqlite3")),
    }
}

REDIS_URL = os.environ.get("BENCH_REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
    # redis-py 8 reads with a 5 s socket timeout by default, the same as channels-redis'
    # BZPOPMIN wait: under load an idle consumer's receive times out and its connection
    # dies with 1011 (redis/redis-py#4091). No socket timeout, as before redis-py 8;
    # BENCH_LAYER_SOCKET_TIMEOUT=default keeps redis-py's default (to show the failure).
    _layer_host = (
        REDIS_URL
        if os.environ.get("BENCH_LAYER_SOCKET_TIMEOUT") == "default"
        else {"address": REDIS_URL, "socket_timeout": None}
    )
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_layer_host]},
        }
    }
else:
    # LocMemCache's default MAX_ENTRIES (300) would evict live sessions' keys as soon as
    # about a hundred sessions exist; the benchmark keeps every key, as Redis does.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000_000},
        }
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"}}

# Package defaults, except a short resume grace so the memory run can see dropped
# sessions end without waiting 30 s (BENCH_RESUME_GRACE overrides).
# BENCH_BLOCKSSTATE (JSON) adds settings for an experiment, e.g. '{"EVENT_LOG": false}'.
BLOCKSSTATE = {
    "RESUME_GRACE": int(os.environ.get("BENCH_RESUME_GRACE", "5")),
    **json.loads(os.environ.get("BENCH_BLOCKSSTATE", "{}")),
}

# Stored files (issue 16): under BENCH_MEDIA_ROOT (bench/upload_bench.py gives each run
# its own folder in the results, deleted afterwards), else a temporary folder.
MEDIA_ROOT = os.environ.get("BENCH_MEDIA_ROOT", "")

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "blocksstate": {
            "handlers": ["console"],
            # BENCH_LOG_LEVEL=DEBUG: see, in the daphne logs, where each handler runs (inline.py).
            "level": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
            "propagate": False,
        }
    },
}

# One worker in embedded mode: the per-process cache warning does not apply.
SILENCED_SYSTEM_CHECKS = [] if REDIS_URL else ["blocksstate.W001"]

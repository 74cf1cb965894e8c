"""Settings of each daphne worker in tests/test_multiworker.py: shared Redis cache and layer.

The test passes the Redis URL (its own database number) in BLOCKSSTATE_MW_REDIS_URL, and
a Redis Cluster node's URL in BLOCKSSTATE_MW_CLUSTER_URL to put the cache on that cluster, or
Sentinels (``host:port,host:port``) in BLOCKSSTATE_MW_SENTINELS to put the cache and the layer
on the primary they name "mymaster" (docs/deployment.md's recipe).
"""

import os

REDIS_URL = os.environ.get("BLOCKSSTATE_MW_REDIS_URL", "redis://127.0.0.1:6399/3")

SECRET_KEY = "blocksstate-multiworker-tests-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "channels",
    "blocksstate",
    "tests.multiworker",
]

ROOT_URLCONF = "tests.multiworker.urls"
ASGI_APPLICATION = "tests.multiworker.asgi.application"

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}

CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}}
# tests/test_multiworker_cluster.py: the cache on a Redis Cluster (the layer stays on REDIS_URL:
# channels-redis has no Cluster support).
CLUSTER_URL = os.environ.get("BLOCKSSTATE_MW_CLUSTER_URL")
if CLUSTER_URL:
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": CLUSTER_URL,
        "OPTIONS": {
            "CONNECTION_FACTORY": "blocksstate.state.redis_cluster.ClusterConnectionFactory"
        },
    }
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # redis-py 8 reads with a 5 s socket timeout by default, shorter than the layer's
        # blocking receive: every idle consumer would crash (close code 1011) every 5 s.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
    }
}

# tests/test_multiworker_sentinel.py: docs/deployment.md's Sentinel recipe, cache and layer.
SENTINELS = [
    (host, int(port))
    for host, port in (
        address.rsplit(":", 1)
        for address in filter(None, os.environ.get("BLOCKSSTATE_MW_SENTINELS", "").split(","))
    )
]
if SENTINELS:
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://mymaster/0",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.SentinelClient",
            "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
            "SENTINELS": SENTINELS,
        },
    }
    CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [
        {"sentinels": SENTINELS, "master_name": "mymaster", "socket_timeout": None}
    ]

BLOCKSSTATE = {
    # Short enough for a test, long enough for a page to come back on the other worker.
    "RESUME_GRACE": 2.0,  # a reconnect on a loaded machine can take over a second
    # A lock held by a killed worker frees itself this fast (renewed every third of it meanwhile).
    "LOCK_TIMEOUT": 2,
    "SHOW_ERRORS": True,
}

# The workers share one folder, as workers on several machines would share a storage.
MEDIA_ROOT = os.environ.get("BLOCKSSTATE_MW_MEDIA_ROOT", "")

USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"blocksstate": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# The components' templates: a @gr.render region's markup is rendered by the worker that builds it.
TEMPLATES = [
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True}
]

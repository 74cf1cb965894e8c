"""Fixtures of the session-tier tests, loaded with ``pytest_plugins = ["tests.helpers_fixtures"]``."""

from __future__ import annotations

import pytest

from blocksstate.sessions.backends.cache import forget_expiry_heaps
from blocksstate.sessions.sweep import sweeper


@pytest.fixture
def fresh_index():
    """Give this test its own process-local expiry indexes (the Redis one is emptied with its db)."""
    forget_expiry_heaps()
    yield
    forget_expiry_heaps()


@pytest.fixture
def no_background_sweep():
    """Keep the process's periodic sweeper off: the test drives ``sweep(now=...)`` itself."""
    with sweeper.paused():
        yield


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def cache_alias(request, settings, fresh_index):
    """Run the test once with the local-memory cache and once with a real Redis.

    The test may add settings with ``helpers_session.blocksstate_settings(settings, ...)``.
    """
    if request.param == "redis":
        request.getfixturevalue("redis_cache")
        alias = "redis"
    else:
        from django.core.cache import caches

        caches["default"].clear()
        alias = "default"
    settings.BLOCKSSTATE = {"CACHE_ALIAS": alias}
    return alias

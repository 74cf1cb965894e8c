"""Fixtures of the session-tier tests, loaded with ``pytest_plugins = ["tests.helpers_fixtures"]``."""

from __future__ import annotations

import pytest

from blocksstate import lifecycle
from blocksstate.state import expiry


@pytest.fixture
def fresh_index(monkeypatch):
    """Give this test its own process-local expiry indexes (the Redis one is emptied with its db)."""
    monkeypatch.setattr(expiry, "_local_indexes", {})


@pytest.fixture
def no_background_sweep(monkeypatch):
    """Keep the process's periodic sweeper off: the test drives ``lifecycle.sweep(now=...)`` itself."""
    monkeypatch.setattr(lifecycle, "ensure_sweeper", lambda: None)


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

"""Checks of the test infrastructure itself."""

import pytest


@pytest.mark.redis
def test_redis_cache_round_trip(redis_cache):
    redis_cache.set("skeleton:key", {"cart": ["Milk", "Water"]}, timeout=30)

    assert redis_cache.get("skeleton:key") == {"cart": ["Milk", "Water"]}

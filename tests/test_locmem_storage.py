"""The locmem store's direct use of a ``LocMemCache``'s storage: what the cache API would do."""

from __future__ import annotations

import time

from django.core.cache.backends.locmem import LocMemCache

from blocksstate.sessions.backends.locmem_storage import LocMemStorage


def new_cache(name: str, **options) -> LocMemCache:
    cache = LocMemCache(name, {"OPTIONS": options})
    cache.clear()
    return cache


def test_a_write_is_read_back_through_the_cache_api_as_a_copy():
    cache = new_cache("storage-copy")
    storage = LocMemStorage.of(cache)
    items = ["milk"]
    assert storage.write_versioned("s:version", 0, {"s:1": items, "s:2": b"raw"}, 60) == 1
    items.append("eggs")  # the handler mutates the live object afterwards
    assert cache.get("s:1") == ["milk"]
    assert cache.get("s:2") == b"raw"
    assert cache.get("s:version") == 1
    assert storage.get("s:version") == 1
    assert storage.get("missing", 0) == 0


def test_a_write_over_a_version_that_moved_on_changes_nothing():
    cache = new_cache("storage-conflict")
    storage = LocMemStorage.of(cache)
    assert storage.write_versioned("s:version", 0, {"s:1": "first"}, 60) == 1
    assert storage.write_versioned("s:version", 1, {"s:1": "second"}, 60) == 2
    assert storage.write_versioned("s:version", 1, {"s:1": "stale"}, 60) is None
    assert cache.get("s:1") == "second"
    assert cache.get("s:version") == 2
    cache.incr("s:version")  # the cache API's incr on the same key
    assert storage.write_versioned("s:version", 3, {"s:1": "third"}, 60) == 4


def test_expiry_is_the_caches_and_an_expired_version_starts_again():
    cache = new_cache("storage-expiry")
    storage = LocMemStorage.of(cache)
    assert storage.write_versioned("s:version", 0, {"s:1": "v"}, 0.05) == 1
    assert cache.get("s:1") == "v"
    time.sleep(0.06)
    assert cache.get("s:1") is None
    assert storage.get("s:version", 0) == 0
    assert storage.write_versioned("s:version", 5, {"s:1": "w"}, None) == 6
    assert cache.get("s:1") == "w"
    assert cache._expire_info[cache.make_key("s:1")] is None  # no timeout: never expires


def test_max_entries_culls_as_the_cache_does():
    cache = new_cache("storage-cull", MAX_ENTRIES=10, CULL_FREQUENCY=2)
    storage = LocMemStorage.of(cache)
    for n in range(40):
        storage.write_versioned(f"s{n}:version", 0, {f"s{n}:1": n}, 60)
        assert len(cache._cache) <= 10
    assert cache.get("s39:1") == 39


def test_a_cache_not_known_inside_gets_no_adapter():
    assert LocMemStorage.of(object()) is None

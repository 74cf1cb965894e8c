"""The event path's scripts through redis.asyncio (``state/redis_async.py``): the cache's
connection settings, one client per event loop, values the cache's own client reads, and the
threaded path when the asyncio client is off or has no equivalent (Sentinel)."""

from __future__ import annotations

import asyncio

import pytest

import blocksstate as gr
from blocksstate.app.registry import get_app
from blocksstate.sessions.backends.redis import SessionStore
from blocksstate.sessions.session import Session
from blocksstate.state import redis_async
from blocksstate.state.caches import cache_for
from tests.conftest import REDIS_URL
from tests.helpers_session import blocksstate_settings

pytestmark = pytest.mark.redis


def django_redis(location: str, **options) -> dict:
    return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": location, "OPTIONS": options}


def zipped_cache(settings):
    """A compressing django-redis cache on db 5, emptied, as blocksstate's cache."""
    settings.CACHES = {
        **settings.CACHES,
        "zipped": django_redis(
            REDIS_URL.rsplit("/", 1)[0] + "/5",
            COMPRESSOR="django_redis.compressors.zlib.ZlibCompressor",
        ),
    }
    blocksstate_settings(settings, CACHE_ALIAS="zipped")
    cache = cache_for("zipped")
    cache.clear()
    return cache


def test_the_client_has_the_caches_connection_settings(settings):
    import redis.asyncio.connection

    settings.CACHES = {
        **settings.CACHES,
        "tls": django_redis(
            "rediss://someone@redis.invalid:6380/3",
            PASSWORD="secret",
            SOCKET_TIMEOUT=2,
            CONNECTION_POOL_KWARGS={"max_connections": 7, "ssl_cert_reqs": "none"},
        ),
    }
    kind, kwargs, size = redis_async.connection_settings(cache_for("tls"))
    assert kind is redis.asyncio.connection.SSLConnection
    assert size == 7
    assert kwargs["host"] == "redis.invalid" and kwargs["port"] == 6380 and kwargs["db"] == 3
    assert kwargs["username"] == "someone" and kwargs["password"] == "secret"
    assert kwargs["socket_timeout"] == 2 and kwargs["ssl_cert_reqs"] == "none"
    assert "parser_class" not in kwargs  # the synchronous client's own


def test_sentinel_and_the_setting_off_keep_the_threaded_path(redis_cache, settings):
    settings.CACHES = {
        **settings.CACHES,
        "sentinel": django_redis(
            "redis://mymaster/0",
            CLIENT_CLASS="django_redis.client.SentinelClient",
            CONNECTION_FACTORY="django_redis.pool.SentinelConnectionFactory",
            SENTINELS=[("127.0.0.1", 1)],
        ),
    }
    assert redis_async.connection_settings(cache_for("sentinel")) is None

    async def made() -> object:
        return redis_async.client(cache_for("redis"))

    assert asyncio.run(made()) is not None
    blocksstate_settings(settings, REDIS_ASYNCIO=False)
    assert asyncio.run(made()) is None


def test_each_event_loop_has_its_own_client(redis_cache):
    cache = cache_for("redis")

    async def twice() -> object:
        first = redis_async.client(cache)
        assert redis_async.client(cache) is first
        assert await first.call("PING")
        return first

    assert asyncio.run(twice()) is not asyncio.run(twice())


@pytest.fixture(params=["lean", "redis-py"])
def asyncio_client(request, settings):
    """Each asyncio client: blocksstate's lean one and redis-py's."""
    blocksstate_settings(settings, REDIS_LEAN_CLIENT=request.param == "lean")
    return request.param


async def test_the_asyncio_scripts_and_the_threaded_ones_share_a_cache(
    redis_server, settings, asyncio_client
):
    """A compressing cache on another db: both paths write values ``cache.get`` reads."""
    cache = zipped_cache(settings)
    demo = get_app("counter")
    state = next(c for c in demo.components.values() if isinstance(c, gr.State))
    store = SessionStore("zipped")
    assert redis_async.client(cache) is not None
    big = list(range(200))  # compressed by the cache's client

    session = Session.new(demo)
    session.set_state(state.id, big, state.dumps(big))
    async with store.transaction(demo, session, 60):
        pass
    assert cache.get(store.key(session.id, "version")) == 1
    assert (await store.load(demo, session.id)).values[state.id] == big

    blocksstate_settings(settings, REDIS_ASYNCIO=False)  # a worker without redis.asyncio
    async with store.transaction(demo, session.id, 60) as threaded:
        assert threaded.values[state.id] == big
        threaded.set_state(state.id, 7, state.dumps(7))
    blocksstate_settings(settings, REDIS_ASYNCIO=True)
    async with store.transaction(demo, session, 60) as current:
        assert current.values[state.id] == 7  # reloaded: the other worker wrote
        assert current.version == 2
    assert cache.get(store.key(session.id, "lock")) is None
    cache.clear()


async def test_global_state_on_the_asyncio_client_shares_the_cache(
    redis_server, settings, asyncio_client
):
    """GlobalState's reads, writes, increments and lock from the event loop go through the
    loop's client (no thread), in the encoding ``cache.get`` and the threaded path read."""
    from blocksstate.components.global_state import GlobalStateError
    from blocksstate.state import global_store

    cache = zipped_cache(settings)
    shared = gr.GlobalState([], key="asyncio-shared-list")
    counted = gr.GlobalState(0, key="asyncio-shared-count")
    store = shared.store
    big = list(range(200))  # compressed by the cache's client

    async def no_thread(*args):
        raise AssertionError("a thread hop on the asyncio path")

    real_cache_call = global_store.cache_call
    global_store.cache_call = no_thread
    try:
        assert await shared.aread() == ([], 0)
        await shared.aset(big)
        assert await counted.aincr(5) == 5
        owner = await shared.aacquire()
        assert not cache.add(f"{shared.cache_key}:lock", "another", 10)  # held, as for add
        await shared.arelease("not the owner")
        assert cache.get(f"{shared.cache_key}:lock") == owner
        await shared.arelease(owner)
        assert cache.get(f"{shared.cache_key}:lock") is None
        versions = await store.aversions([shared.cache_key, counted.cache_key, "never"])
    finally:
        global_store.cache_call = real_cache_call
    assert versions == {shared.cache_key: 1, counted.cache_key: 1, "never": 0}
    assert cache.get(shared.cache_key) == big  # the cache's own client reads them
    assert store.read(counted.cache_key) == (5, 1)

    blocksstate_settings(settings, REDIS_ASYNCIO=False)  # a worker without redis.asyncio
    assert await shared.aread() == (big, 1)
    assert await shared.awrite([1]) == 2
    assert await counted.aincr() == 6
    blocksstate_settings(settings, REDIS_ASYNCIO=True)
    assert await shared.aread() == ([1], 2)
    assert await counted.aincr() == 7
    cache.set(counted.cache_key, "text", None)
    with pytest.raises(GlobalStateError, match="integer value, not 'text'"):
        await counted.aincr()
    cache.clear()


async def test_a_sessions_keepalive_and_end_calls_run_on_the_loop_and_read_as_the_cache_does(
    redis_server, settings, asyncio_client
):
    """Touch, the expiry index, the meta, the end's claim, a write without the lock, the
    lock's renewal and release, and delete: on the loop's client (no thread), each
    leaving what the cache's own calls (the threaded path) read."""
    cache = zipped_cache(settings)
    demo = get_app("counter")
    store = SessionStore("zipped")
    session = Session.new(demo)
    async with store.transaction(demo, session, 60):
        pass
    meta_key, lock_key = store.key(session.id, "meta"), store.key(session.id, "lock")

    async def no_thread(*args):
        raise AssertionError("a thread hop on the asyncio path")

    store.run = no_thread  # type: ignore[method-assign]
    assert await store.read_meta(session.id) == cache.get(meta_key) == session.meta()
    await store.touch(demo, session.id, 1000)
    assert 990 <= cache.ttl(meta_key) <= 1000
    assert 990 <= cache.ttl(store.key(session.id, "version")) <= 1000

    await store.schedule("later", 100.0)
    await store.schedule("sooner", 50.0)
    await store.schedule("gone", 10.0)
    await store.cancel("gone")
    assert await store.pop_due(75.0, 10) == ["sooner"]
    assert store.index_size() == 1

    written = await store.write_versioned(session.id, 1, {"meta": {"x": [1] * 200}}, 60)
    assert written == 2 and cache.get(meta_key) == {"x": [1] * 200}  # compressed, read back
    assert await store.write_versioned(session.id, 1, {"meta": {}}, 60) is None  # stale: nothing
    assert cache.get(meta_key) == {"x": [1] * 200}

    assert await store.claim_end(session.id, 60) is True
    assert await store.claim_end(session.id, 60) is False
    assert cache.add(store.key(session.id, "ended"), 1, 60) is False  # the cache sees it claimed

    assert await store.take(session.id, "me") == 2
    cache.expire(lock_key, 1)
    await store.renew(session.id)
    assert cache.ttl(lock_key) > 1
    await store.release(session.id, "someone else")
    assert cache.get(lock_key) == "me"
    await store.release(session.id, "me")
    assert cache.get(lock_key) is None

    await store.delete(demo, session.id)
    assert cache.get(meta_key) is None and cache.get(store.key(session.id, "version")) is None
    cache.clear()

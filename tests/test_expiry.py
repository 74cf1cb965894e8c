"""Expiry of session state: kept while connected, deleted ``age`` after the end, per-value TTLs,
delete callbacks, and a sweep that touches only what is due (LocMem and real Redis)."""

from __future__ import annotations

import asyncio
import time

import pytest
from django.core.cache import caches

import blocksstate as gr
from blocksstate.app.registry import get_engine
from blocksstate.sessions import lifecycle
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.session import Session
from blocksstate.sessions.sweep import sweep
from blocksstate.testing import PageClient, dependency, eventually, registered
from tests.helpers_engine import Harness
from tests.helpers_session import blocksstate_settings, stored

pytest_plugins = ["tests.helpers_fixtures"]  # cache_alias, fresh_index, no_background_sweep

# -- apps --------------------------------------------------------------------------------------------


def counter_app(delete_cache=(1, 2), deleted=None):
    """A click counter whose State reports its deletion to ``deleted``."""
    deleted = deleted if deleted is not None else []
    with gr.Blocks(delete_cache=delete_cache) as demo:
        count = gr.State(0, delete_callback=deleted.append)
        shown = gr.Number(label="Count")
        gr.Button("Add").click(lambda c: (c + 1, c + 1), count, [count, shown])
    return demo, count


def three_states_app(deleted, delete_cache=(3600, 100)):
    """States written, only read, and with a callable default; each reports its deletion."""
    made = []

    def make_profile():
        made.append(object())
        return {"visits": len(made)}

    with gr.Blocks(delete_cache=delete_cache) as demo:
        written = gr.State([], delete_callback=lambda v: deleted.append(("written", v)))
        read_only = gr.State("hello", delete_callback=lambda v: deleted.append(("read", v)))
        profile = gr.State(make_profile, delete_callback=lambda v: deleted.append(("profile", v)))
        out = gr.Textbox(label="Out")

        def add(items, greeting, prof):
            return items + ["x"], f"{greeting} {prof['visits']} {len(items) + 1}"

        gr.Button("Go").click(add, [written, read_only, profile], [written, out])
    return demo, (written, read_only, profile)


def session_keys(alias: str, session_id: str) -> list[str]:
    """The session's keys still present in the cache."""
    cache = caches[alias]
    store = get_store(alias)
    candidates = [
        store.key(session_id, part) for part in ("meta", "version", "ended", *range(1, 12))
    ]
    return [key for key in candidates if cache.get(key) is not None]


# -- while connected, the state stays ----------------------------------------------------------------


async def test_state_survives_while_connected_even_past_age_and_key_timeout(cache_alias, settings):
    # Keys time out after age + 2 * frequency + grace = 3.1 s unless the keepalive touches them;
    # the real periodic sweeper runs too (every second).
    blocksstate_settings(settings, RESUME_GRACE=0.1)
    demo, count = counter_app(delete_cache=(1, 1))
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        await client.click("Add")
        await client.click("Add")
        timeout = lifecycle.key_timeout(get_engine(app))
        assert timeout < 3.5

        await asyncio.sleep(timeout + 0.6)  # waiting is the point: time must pass while connected

        assert (await stored(demo, client.session_id)).values[count.id] == 2
        await client.click("Add")
        assert client.value("Count") == 3
        await client.close()


# -- after the end, values go `age` seconds later, with their delete callbacks ----------------------


async def test_values_are_deleted_age_after_the_end_and_every_delete_callback_fires(
    cache_alias, no_background_sweep
):
    deleted = []
    demo, (written, read_only, profile) = three_states_app(deleted, delete_cache=(3600, 100))
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        await client.click("Go")
        await client.click("Go")
        assert client.value("Out") == "hello 1 2"
        session_id = client.session_id
        await client.close()
        ended_at = time.time()

        # Ended, but kept `age` seconds: a sweep before that deletes nothing.
        counts = await sweep(now=ended_at + 50)
        assert counts["expired"] == 0
        kept = await stored(demo, session_id)
        assert kept is not None and kept.ended and kept.values[written.id] == ["x", "x"]
        assert deleted == []

        counts = await sweep(now=ended_at + 100 + 1)

        assert counts["expired"] == 1
        assert await stored(demo, session_id) is None
        assert session_keys(cache_alias, session_id) == []
        # Each State's callback got the session's value: written, only read, and made per session.
        assert sorted(deleted, key=lambda d: d[0]) == [
            ("profile", {"visits": 1}),
            ("read", "hello"),
            ("written", ["x", "x"]),
        ]
        # Nothing is left to do for that session.
        assert (await sweep(now=ended_at + 10_000))["expired"] == 0
        assert len(deleted) == 3


async def test_a_state_never_touched_by_any_event_still_gets_its_delete_callback(
    cache_alias, no_background_sweep
):
    deleted = []
    with gr.Blocks(delete_cache=(3600, 10)) as demo:
        gr.State({"k": 1}, delete_callback=deleted.append)
        gr.Textbox(label="Name")
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        await client.close()
        await sweep(now=time.time() + 11)

    assert deleted == [{"k": 1}]


async def test_the_periodic_sweeper_deletes_an_ended_session_in_real_time(cache_alias, settings):
    deleted = []
    demo, count = counter_app(delete_cache=(1, 1), deleted=deleted)
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        await client.click("Add")
        session_id = client.session_id
        await client.close()

        async def gone():
            return await stored(demo, session_id) is None

        await eventually(gone, what="the session to be deleted")
        assert deleted == [1]
        assert session_keys(cache_alias, session_id) == []


async def test_a_delete_callback_that_raises_does_not_stop_the_others(
    cache_alias, no_background_sweep
):
    deleted = []

    def broken(value):
        raise RuntimeError("boom")

    with gr.Blocks(delete_cache=(3600, 5)) as demo:
        gr.State(1, delete_callback=broken)
        gr.State(2, delete_callback=deleted.append)
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        session_id = client.session_id
        await client.close()
        await sweep(now=time.time() + 6)

    assert deleted == [2]
    assert await stored(demo, session_id) is None


# -- State(time_to_live=...) ---------------------------------------------------------------------------


def ttl_app(deleted, ttl):
    with gr.Blocks() as demo:
        basket = gr.State([], time_to_live=ttl, delete_callback=deleted.append)
        size = gr.Number(label="Size")
        gr.Button("Add").click(lambda b: (b + ["item"], len(b) + 1), basket, [basket, size])
        gr.Button("Show").click(lambda b: len(b), basket, size)
    return demo, basket


async def test_time_to_live_resets_the_value_after_ttl_since_the_last_write():
    deleted = []
    demo, basket = ttl_app(deleted, ttl=10)
    harness = Harness(demo)
    add = dependency(demo, demo.components[basket.id + 2], "click")
    session = harness.session()
    await harness.run(session, add)
    await harness.run(session, add)
    session.written[basket.id] -= 5  # as if written five seconds ago
    written = session.written[basket.id]

    await harness.engine.expire_values(session, now=written + 9.9)
    assert session.values[basket.id] == ["item", "item"] and deleted == []

    # A write restarts the clock.
    await harness.run(session, add)
    rewritten = session.written[basket.id]
    await harness.engine.expire_values(session, now=written + 10.1)
    assert session.values[basket.id] == ["item"] * 3 and deleted == []

    await harness.engine.expire_values(session, now=rewritten + 10.1)
    assert session.values[basket.id] == []
    assert deleted == [["item", "item", "item"]]
    assert basket.id in session.dirty  # the reset reaches the store


async def test_time_to_live_of_a_value_only_read_counts_from_the_session_start():
    deleted = []
    demo, basket = ttl_app(deleted, ttl=10)
    harness = Harness(demo)
    show = dependency(demo, demo.components[basket.id + 3], "click")
    session = harness.session()
    await harness.run(session, show)

    await harness.engine.expire_values(session, now=session.created + 10.1)

    assert deleted == [[]]


async def test_time_to_live_does_not_call_the_callback_again_for_the_untouched_default():
    deleted = []
    demo, basket = ttl_app(deleted, ttl=10)
    harness = Harness(demo)
    add = dependency(demo, demo.components[basket.id + 2], "click")
    session = harness.session()
    await harness.run(session, add)
    written = session.written[basket.id]

    for later in (10.1, 20.2, 30.3, 40.4):
        await harness.engine.expire_values(session, now=written + later)

    assert deleted == [["item"]]


async def test_time_to_live_expires_while_connected_and_the_next_event_sees_the_default(
    cache_alias, no_background_sweep
):
    deleted = []
    demo, basket = ttl_app(deleted, ttl=0.5)
    with registered(demo) as app:
        client = PageClient(app)
        await client.open()
        await client.click("Add")
        assert client.value("Size") == 1

        # The keepalive expires it, with no event needed (the callback runs before the save).
        await eventually(lambda: deleted == [["item"]], what="the delete callback")

        async def default_stored() -> bool:
            return (await stored(demo, client.session_id)).values[basket.id] == []

        await eventually(default_stored, what="the default to be stored")
        await client.click("Show")
        assert client.value("Size") == 0
        await client.click("Add")
        assert client.value("Size") == 1
        await client.close()
    assert deleted[0] == ["item"]


# -- the sweep touches only what is due ----------------------------------------------------------------


async def test_the_sweep_handles_only_due_entries(cache_alias, no_background_sweep):
    deleted = []
    demo, count = counter_app(delete_cache=(3600, 60), deleted=deleted)
    with registered(demo) as app:
        store = get_store()
        now = time.time()
        due_ids = []
        for n in range(10):
            session = Session.new(demo)
            session.set_state(count.id, n, count.dumps(n))
            await store.save(session, 3600)
            due_ids.append(session.id)
            await store.schedule(lifecycle.expire_member(app, session.id), now - 1 - n)
        for n in range(1000):
            await store.schedule(lifecycle.expire_member(app, f"later-{n}"), now + 10 + n)

        counts = await sweep(now=now)

        assert counts == {"ended": 0, "expired": 10, "skipped": 0}
        assert sorted(deleted) == list(range(10))
        for session_id in due_ids:
            assert await stored(demo, session_id) is None
        assert await store.pop_due(now + 10 + 999, 5000) == [
            lifecycle.expire_member(app, f"later-{n}") for n in range(1000)
        ]


async def test_the_sweep_stops_at_its_limit_and_the_rest_waits(cache_alias, no_background_sweep):
    demo, count = counter_app(delete_cache=(3600, 60))
    with registered(demo) as app:
        store = get_store()
        now = time.time()
        for n in range(25):
            await store.schedule(lifecycle.expire_member(app, f"s{n}"), now - 100 + n)

        assert (await sweep(now=now, limit=10))["expired"] == 10
        assert (await sweep(now=now, limit=10))["expired"] == 10
        assert (await sweep(now=now, limit=10))["expired"] == 5
        assert await store.pop_due(now, 100) == []


async def test_the_sweep_never_clears_or_scans_the_cache(
    cache_alias, no_background_sweep, monkeypatch
):
    cache = caches[cache_alias]

    def forbidden(*args, **kwargs):
        raise AssertionError("the sweep must not clear or scan the cache")

    for name in ("clear", "keys", "iter_keys", "delete_pattern"):
        if hasattr(cache, name):
            monkeypatch.setattr(cache, name, forbidden)
    cache.set("someone-else:key", "theirs", 3600)
    deleted = []
    demo, count = counter_app(delete_cache=(3600, 5), deleted=deleted)
    with registered(demo) as app:
        ended, live = PageClient(app), PageClient(app)
        await ended.open()
        await ended.click("Add")
        await live.open()
        await live.click("Add")
        await live.click("Add")
        await ended.close()

        counts = await sweep(now=time.time() + 6)

        assert counts["expired"] == 1
        assert cache.get("someone-else:key") == "theirs"
        assert await stored(demo, ended.session_id) is None
        assert (await stored(demo, live.session_id)).values[count.id] == 2
        assert deleted == [1]
        await live.click("Add")
        assert live.value("Count") == 3
        await live.close()


async def test_an_entry_of_an_app_no_longer_registered_is_skipped(cache_alias, no_background_sweep):
    store = get_store()
    await store.schedule(lifecycle.expire_member("gone-app", "abc"), time.time() - 1)

    counts = await sweep(now=time.time())

    assert counts == {"ended": 0, "expired": 0, "skipped": 1}
    assert await store.pop_due(time.time(), 100) == []


# -- Django's own Redis backend ---------------------------------------------------------------------------


@pytest.mark.redis
async def test_django_builtin_redis_cache_shares_the_index_between_workers(redis_cache, settings):
    """Django's own Redis backend supports an ordered index too: every worker must see it."""
    from blocksstate.sessions.backends.cache import forget_expiry_heaps

    settings.CACHES = {
        **settings.CACHES,
        "django-redis-builtin": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHES["redis"]["LOCATION"],
        },
    }
    await get_store("django-redis-builtin").schedule("end|app|session", 5.0)
    forget_expiry_heaps()  # another process: nothing in its memory

    assert await get_store("django-redis-builtin").pop_due(10.0, 10) == ["end|app|session"]


@pytest.mark.redis
async def test_a_session_lives_and_expires_in_djangos_builtin_redis_cache(
    redis_cache, settings, fresh_index, no_background_sweep
):
    settings.CACHES = {
        **settings.CACHES,
        "builtin": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHES["redis"]["LOCATION"],
        },
    }
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "builtin"}
    deleted = []
    demo, count = counter_app(delete_cache=(3600, 10), deleted=deleted)
    with registered(demo) as app:
        first = PageClient(app)
        await first.open()
        await first.click("Add")
        await first.drop()
        second = PageClient(app)
        await second.connect()
        await second.hello(resume=first.resume_token)
        await second.click("Add")
        assert second.value("Count") == 2
        await second.close()

        assert (await sweep(now=time.time() + 11))["expired"] == 1

        assert await stored(demo, first.session_id) is None
    assert deleted == [2]

"""The session store's contract, once per backend (in-process, any Django cache, django-redis
with and without its scripts): the lock, versioned writes, one transaction, the end, the index."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import blocksstate as gr
from blocksstate.app.registry import get_app
from blocksstate.sessions.backends import automatic_store, get_store
from blocksstate.sessions.base import SessionBusy, SessionConflict, Superseded
from blocksstate.sessions.session import Session
from blocksstate.state.caches import cache_for
from blocksstate.testing import registered


def counter_state(demo):
    return next(c for c in demo.components.values() if isinstance(c, gr.State))


def count_to(session: Session, state, value: int) -> None:
    session.set_state(state.id, value, state.dumps(value))


async def new_counter_session(store):
    """A saved session of the counter app: (the app, its State, the session)."""
    demo = get_app("counter")
    session = Session.new(demo)
    await store.save(session, 60)
    return demo, counter_state(demo), session


# -- the lock -------------------------------------------------------------------------------------------


async def test_the_lock_is_taken_by_one_owner_at_a_time(store):
    assert await store.take("s", "a") == 0
    assert await store.take("s", "b") is None
    assert await store.take("other", "b") == 0
    await store.release("s", "b")  # not b's to release
    assert await store.take("s", "b") is None
    await store.release("s", "a")
    assert await store.take("s", "b") == 0
    await store.release("s", "b")
    await store.release("other", "b")


async def test_locked_waits_up_to_lock_wait_then_says_busy(store, settings):
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "LOCK_WAIT": 0.2}
    async with store.locked("s"):
        with pytest.raises(SessionBusy):
            async with store.locked("s"):
                pass
    async with store.locked("s") as version:
        assert version == 0


# -- versioned writes ----------------------------------------------------------------------------------


async def test_a_write_over_a_version_that_moved_on_writes_nothing(store):
    demo = get_app("counter")
    state = counter_state(demo)
    assert await store.write_versioned("s", 0, {"meta": Session.new(demo).meta()}, 60) == 1
    assert await store.write_versioned("s", 0, {state.id: state.dumps(9)}, 60) is None
    assert (await store.load(demo, "s")).values[state.id] == 0  # nothing written
    async with store.locked("s") as version:  # (a failed write may count as a version)
        assert await store.write_versioned("s", version, {state.id: state.dumps(2)}, 60) == (
            version + 1
        )
    assert (await store.load(demo, "s")).values[state.id] == 2


async def test_a_stale_save_raises_a_conflict_and_keeps_the_other_write(store):
    demo, state, session = await new_counter_session(store)
    current, stale = await store.load(demo, session.id), await store.load(demo, session.id)
    count_to(current, state, 1)
    await store.save(current, 60)

    count_to(stale, state, 99)
    with pytest.raises(SessionConflict):
        await store.save(stale, 60)

    assert (await store.load(demo, session.id)).values[state.id] == 1


# -- the transaction -----------------------------------------------------------------------------------


async def test_a_transaction_yields_the_copy_in_hand_when_it_is_current_and_saves_it(store):
    demo, state, session = await new_counter_session(store)

    async with store.transaction(demo, session, 60) as current:
        assert current is session
        count_to(current, state, 5)

    assert session.dirty == set()
    assert (await store.load(demo, session.id)).values[state.id] == 5


async def test_a_transaction_reloads_a_copy_another_worker_made_stale(store):
    demo, state, mine = await new_counter_session(store)
    theirs = await store.load(demo, mine.id)
    count_to(theirs, state, 7)
    await store.save(theirs, 60)

    async with store.transaction(demo, mine, 60) as current:
        assert current is not mine and current.values[state.id] == 7
        count_to(current, state, 8)

    assert (await store.load(demo, mine.id)).values[state.id] == 8


async def test_a_transaction_over_a_session_resumed_since_is_superseded(store):
    demo, _, mine = await new_counter_session(store)
    resumed = await store.load(demo, mine.id)
    resumed.resumed_with(resumed.epoch)
    await store.save(resumed, 60)

    with pytest.raises(Superseded):
        async with store.transaction(demo, mine, 60):
            pass
    async with store.locked(mine.id):  # and it let go of the lock
        pass


async def test_a_transaction_by_id_yields_the_stored_session_or_none(store):
    demo, _, session = await new_counter_session(store)

    async with store.transaction(demo, session.id, 60) as current:
        assert current is not None and current.id == session.id
    async with store.transaction(demo, "unknown", 60) as current:
        assert current is None


# -- the end, expiry, deletion -------------------------------------------------------------------------


async def test_the_end_is_claimed_once(store):
    results = await asyncio.gather(*(store.claim_end("s", 60) for _ in range(5)))
    assert sorted(results) == [False] * 4 + [True]


async def test_meta_touch_and_delete(store):
    demo, _, session = await new_counter_session(store)
    assert (await store.read_meta(session.id))["epoch"] == 1

    await store.touch(demo, session.id, 120)
    await store.delete(demo, session.id)

    assert await store.load(demo, session.id) is None
    assert await store.read_meta(session.id) is None


# -- what a session takes ----------------------------------------------------------------------------


def bytes_in_cache(store, key: str) -> int:
    """The length of what the cache itself holds under ``key``, read from its storage."""
    cache = store.cache
    if hasattr(cache, "client"):  # django-redis: Redis's own count
        return cache.client.get_client().strlen(cache.client.make_key(key))
    return len(cache._cache[cache.make_key(key)])  # LocMemCache keeps the pickled bytes


async def test_stored_sizes_are_the_bytes_the_cache_holds_components_included(store):
    with gr.Blocks() as demo:
        chatbot = gr.Chatbot()
        notes = gr.State([])
        gr.Textbox(label="Message")
    history = [
        {"role": "user", "content": "Hello there"},
        {"role": "assistant", "content": "Nice day! " * 8},
    ]
    with registered(demo):
        session = Session.new(demo)
        session.set_value(chatbot.id, history)
        session.set_state(notes.id, ["first"], notes.dumps(["first"]))
        await store.save(session, 60)

        sizes = await store.stored_sizes(demo, session.id)

    # The textbox still holds its initial value: nothing of it is stored.
    assert set(sizes) == {chatbot.id, notes.id, "meta"}
    for part, size in sizes.items():
        assert size == bytes_in_cache(store, store.key(session.id, part))
    assert sizes[chatbot.id] > len("Hello there" + "Nice day! " * 8)  # the history is counted
    assert sizes[notes.id] > len(session.pickled[notes.id])  # the cache wraps the State's bytes


async def test_an_unknown_session_takes_nothing(store):
    with registered(gr.Blocks()) as app:
        assert await store.stored_sizes(get_app(app), "no-such-session") == {}


# -- the expiry index ----------------------------------------------------------------------------------


async def test_the_index_pops_due_members_in_due_order(store):
    for member, due in [("c", 30.0), ("a", 10.0), ("b", 20.0), ("later", 100.0)]:
        await store.schedule(member, due)

    assert await store.pop_due(5.0, 10) == []
    assert await store.pop_due(30.0, 10) == ["a", "b", "c"]
    assert await store.pop_due(30.0, 10) == []
    assert await store.pop_due(1000.0, 10) == ["later"]


async def test_the_index_pop_respects_the_limit(store):
    for n in range(20):
        await store.schedule(f"m{n:02}", float(n))

    assert await store.pop_due(100.0, 7) == [f"m{n:02}" for n in range(7)]
    assert await store.pop_due(100.0, 7) == [f"m{n:02}" for n in range(7, 14)]
    assert len(await store.pop_due(100.0, 100)) == 6


async def test_a_rescheduled_member_moves_later_or_earlier(store):
    await store.schedule("heartbeat", 10.0)
    await store.schedule("heartbeat", 50.0)  # pushed back: not due at 20
    await store.schedule("early", 40.0)
    await store.schedule("early", 5.0)  # brought forward

    assert await store.pop_due(20.0, 10) == ["early"]
    assert await store.pop_due(45.0, 10) == []
    assert await store.pop_due(50.0, 10) == ["heartbeat"]
    assert await store.pop_due(1000.0, 10) == []  # stale entries never come back


async def test_a_cancelled_member_is_not_due(store):
    await store.schedule("a", 1.0)
    await store.schedule("b", 2.0)
    await store.cancel("a")
    await store.cancel("never-scheduled")

    assert await store.pop_due(10.0, 10) == ["b"]
    await store.schedule("a", 3.0)  # scheduled again after a cancel, it is due again
    assert await store.pop_due(10.0, 10) == ["a"]


def test_two_concurrent_poppers_never_get_the_same_member(store):
    members = [f"m{n}" for n in range(3000)]
    for n, member in enumerate(members):
        asyncio.run(store.schedule(member, float(n % 97)))
    got: list[list[str]] = [[], [], [], []]
    start = threading.Barrier(len(got))

    def pop(into):
        start.wait()
        while batch := asyncio.run(store.pop_due(1000.0, 13)):
            into.extend(batch)
            time.sleep(0.0005)  # let the other poppers in between batches

    threads = [threading.Thread(target=pop, args=(into,)) for into in got]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    everything = [m for into in got for m in into]
    assert len(everything) == len(set(everything)) == len(members)
    assert sum(1 for into in got if into) >= 2  # they really ran side by side


# -- the choice of a store -----------------------------------------------------------------------------


@pytest.mark.redis
def test_the_automatic_choice_fits_the_cache(redis_cache, settings):
    settings.CACHES = {
        **settings.CACHES,
        "builtin-redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CACHES["redis"]["LOCATION"],
        },
        "files": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": "/tmp/bs",
        },
        # docs/deployment.md's Sentinel recipe (nothing connects until a call).
        "sentinel": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://mymaster/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.SentinelClient",
                "CONNECTION_FACTORY": "django_redis.pool.SentinelConnectionFactory",
                "SENTINELS": [("127.0.0.1", 26379)],
            },
        },
    }
    backends = "blocksstate.sessions.backends."
    assert automatic_store(cache_for("default")) == backends + "locmem.SessionStore"
    assert automatic_store(cache_for("redis")) == backends + "redis.SessionStore"
    assert automatic_store(cache_for("builtin-redis")) == backends + "redis.RedisIndexStore"
    assert automatic_store(cache_for("files")) == backends + "cache.SessionStore"
    assert automatic_store(cache_for("sentinel")) == backends + "redis.SessionStore"


def test_session_store_names_the_class(settings):
    settings.BLOCKSSTATE = {"SESSION_STORE": "blocksstate.sessions.backends.cache.SessionStore"}
    assert type(get_store()).__module__ == "blocksstate.sessions.backends.cache"
    settings.BLOCKSSTATE = {}
    assert type(get_store()).__module__ == "blocksstate.sessions.backends.locmem"

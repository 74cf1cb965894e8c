"""A page's lease on its session's lock between events (sessions/lease.py), on a real Redis.

The commit keeps the lock for ``SESSION_LEASE`` seconds, so the page's next event takes
nothing: one round trip per event. Others are never kept out for long, and the version
still fences every write.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from blocksstate.app.registry import get_app
from blocksstate.checks import check_settings
from blocksstate.sessions.backends import get_store
from blocksstate.sessions.base import SessionConflict
from blocksstate.sessions.hold import Hold
from blocksstate.sessions.lease import Lease
from blocksstate.testing import PageClient, eventually
from tests.test_session_store import count_to, new_counter_session

pytestmark = pytest.mark.redis

SCRIPTED = "blocksstate.sessions.backends.redis.SessionStore"


@pytest.fixture(params=["lean", "threaded", "redis-py-asyncio"])
def store(request, redis_cache, settings):
    """The Redis store with its scripts: on the loop's lean client, in a thread, and on
    redis-py's asyncio client."""
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "redis", "SESSION_STORE": SCRIPTED}
    if request.param == "threaded":
        settings.BLOCKSSTATE["REDIS_ASYNCIO"] = False
    if request.param == "redis-py-asyncio":
        settings.BLOCKSSTATE["REDIS_LEAN_CLIENT"] = False
    return get_store()


def scripts_run(store) -> int:
    """Scripts redis-server has run so far (each is one round trip of a worker)."""
    stats = store.redis().info("commandstats")
    return sum(stats.get(name, {}).get("calls", 0) for name in ("cmdstat_evalsha", "cmdstat_eval"))


def lock_ttl_ms(store, session_id: str) -> int:
    """The lock's time to live in Redis, in ms (-2: there is no lock)."""
    from blocksstate.state import redis_scripts

    return store.redis().pttl(redis_scripts.redis_key(store.cache, store.key(session_id, "lock")))


async def test_a_commit_keeps_the_lock_for_the_lease_and_the_next_event_takes_nothing(store):
    demo, state, session = await new_counter_session(store)
    lease = Lease(0.5)

    async with store.transaction(demo, session, 60, lease=lease) as current:
        count_to(current, state, 1)
    assert 0 < lock_ttl_ms(store, session.id) <= 500  # kept, and it expires by itself
    assert lease.usable(session.id)

    before = scripts_run(store)
    for n in range(2, 7):
        async with store.transaction(demo, session, 60, lease=lease) as current:
            assert current is session
            count_to(current, state, n)
    assert scripts_run(store) - before == 5  # one round trip per event: its commit
    assert (await store.load(demo, session.id)).values[state.id] == 6


async def test_a_lease_kept_for_one_session_is_not_used_for_another(store):
    demo, state, first = await new_counter_session(store)
    _, _, second = await new_counter_session(store)
    lease = Lease(5.0)
    async with store.transaction(demo, first, 60, lease=lease) as current:
        count_to(current, state, 1)

    before = scripts_run(store)
    async with store.transaction(demo, second, 60, lease=lease) as current:
        count_to(current, state, 2)
    assert scripts_run(store) - before == 2  # the second session's lock was taken
    assert lease.usable(second.id) and not lease.usable(first.id)


async def test_without_a_lease_every_commit_lets_go(store):
    demo, state, session = await new_counter_session(store)
    before = scripts_run(store)
    async with store.transaction(demo, session, 60) as current:
        count_to(current, state, 1)
    assert scripts_run(store) - before == 2  # take, then commit
    assert lock_ttl_ms(store, session.id) == -2


async def test_another_worker_gets_an_idle_lease_once_it_expires_and_the_page_sees_its_write(
    store,
):
    demo, state, mine = await new_counter_session(store)
    lease = Lease(0.3)
    async with store.transaction(demo, mine, 60, lease=lease) as current:
        count_to(current, state, 1)

    started = time.monotonic()
    async with store.transaction(demo, mine.id, 60) as theirs:  # another worker, by id
        waited = time.monotonic() - started
        count_to(theirs, state, 10)
    assert 0.1 < waited < 0.3 + 0.2  # held while the lease lasted, no longer

    # The page's next event: its lease is over; it takes the lock and sees their write.
    assert not lease.usable(mine.id)
    async with store.transaction(demo, mine, 60, lease=lease) as current:
        assert current.values[state.id] == 10
        count_to(current, state, 11)
    assert (await store.load(demo, mine.id)).values[state.id] == 11


async def test_a_waiter_makes_the_holder_let_go_at_its_next_commit(store):
    demo, state, mine = await new_counter_session(store)
    lease = Lease(5.0)  # far longer than the wait below
    async with store.transaction(demo, mine, 60, lease=lease) as current:
        count_to(current, state, 1)

    async def other_worker() -> float:
        started = time.monotonic()
        async with store.locked(mine.id):
            return time.monotonic() - started

    waiting = asyncio.create_task(other_worker())
    await asyncio.sleep(0.05)  # its take found the lock held: the session is wanted
    assert not waiting.done()
    async with store.transaction(demo, mine, 60, lease=lease) as current:  # on the lease
        count_to(current, state, 2)
    assert not lease.usable(mine.id)  # let go of, not kept
    assert await asyncio.wait_for(waiting, 1.0) < 1.0
    assert (await store.load(demo, mine.id)).values[state.id] == 2


async def test_a_lease_believed_after_the_lock_was_lost_cannot_overwrite_another_write(store):
    demo, state, mine = await new_counter_session(store)
    lease = Lease(5.0)
    async with store.transaction(demo, mine, 60, lease=lease) as current:
        count_to(current, state, 1)
    # The lock is gone from Redis (an expiry this worker did not see: a long pause, say)
    # and another worker writes.
    await store.release(mine.id, lease.owner)
    async with store.transaction(demo, mine.id, 60) as theirs:
        count_to(theirs, state, 10)

    assert lease.usable(mine.id)  # this worker still believes in its lease
    with pytest.raises(SessionConflict):
        async with store.transaction(demo, mine, 60, lease=lease) as current:
            count_to(current, state, 2)
    assert (await store.load(demo, mine.id)).values[state.id] == 10  # theirs is kept
    assert not lease.usable(mine.id)
    assert lock_ttl_ms(store, mine.id) == -2  # and nothing is left locked


async def test_a_failed_event_on_a_lease_lets_go(store):
    demo, state, mine = await new_counter_session(store)
    lease = Lease(5.0)
    async with store.transaction(demo, mine, 60, lease=lease) as current:
        count_to(current, state, 1)
    with pytest.raises(RuntimeError):
        async with store.transaction(demo, mine, 60, lease=lease):
            raise RuntimeError("the event failed before its commit")
    assert not lease.usable(mine.id)
    assert lock_ttl_ms(store, mine.id) == -2


async def test_a_page_that_goes_lets_go_of_its_lease_at_once(store, settings):
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, "SESSION_LEASE": 20}
    demo, state, session = await new_counter_session(store)
    hold = Hold(_engine(demo), store)
    hold.session = session
    assert hold.lease is not None and hold.lease.seconds == 20
    async with hold.transaction(session) as current:
        count_to(current, state, 1)
    assert lock_ttl_ms(store, session.id) > 10_000

    hold.let_go()
    await eventually(lambda: lock_ttl_ms(store, session.id) == -2, what="the lease let go of")
    started = time.monotonic()
    async with store.locked(session.id):
        assert time.monotonic() - started < 0.5


def _engine(demo):
    from blocksstate.app.registry import get_engine

    return get_engine(demo.name)


async def test_a_page_on_redis_answers_each_click_with_one_round_trip(redis_cache, settings):
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "redis"}
    store = get_store()
    async with PageClient("counter") as page:
        await page.click("Increment")
        before = scripts_run(store)
        for _ in range(10):
            await page.click("Increment")
        assert scripts_run(store) - before == 10
        assert page.value("Current Count") == "Count: 11"
        async with PageClient("counter") as other:  # its own session, its own lease
            await other.click("Increment")
            assert other.value("Current Count") == "Count: 1"
        session_id = page.session_id
    await eventually(lambda: lock_ttl_ms(store, session_id) == -2, what="the closed page's lock")


async def test_no_lease_with_session_lease_zero_or_a_store_that_cannot_keep_a_lock(
    redis_cache, settings
):
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "redis", "SESSION_LEASE": 0}
    assert Hold(_engine(get_app("counter")), get_store()).lease is None
    settings.BLOCKSSTATE = {"CACHE_ALIAS": "default"}
    assert Hold(_engine(get_app("counter")), get_store()).lease is None


@pytest.mark.parametrize("value", [-1, "0.5", True, 31])
def test_a_bad_session_lease_is_an_error_naming_it(settings, value):
    settings.BLOCKSSTATE = {"SESSION_LEASE": value}
    (message,) = [m for m in check_settings() if m.id == "blocksstate.E006"]
    assert "SESSION_LEASE" in message.msg and repr(value) in message.msg

"""Global tier: GlobalState is shared by every session, updated atomically, and pushed live."""

from __future__ import annotations

import itertools
import threading

import pytest

import blocksstate as gr
from blocksstate.components.global_state import GlobalStateError
from blocksstate.testing import PageClient, registered

_keys = itertools.count()


def fresh_key() -> str:
    return f"test-global-{next(_keys)}"


def test_get_set_update_incr(global_cache):
    votes = gr.GlobalState({"yes": 0}, key=fresh_key())
    assert votes.get() == {"yes": 0}
    votes.set({"yes": 2})
    assert votes.update(lambda v: {**v, "yes": v["yes"] + 1}) == {"yes": 3}
    assert votes.get() == {"yes": 3}
    counter = gr.GlobalState(10, key=fresh_key())
    assert counter.incr() == 11
    assert counter.incr(5) == 16
    assert counter.get() == 16


def test_concurrent_updates_and_increments_lose_nothing(global_cache):
    total = gr.GlobalState(0, key=fresh_key())
    listed = gr.GlobalState([], key=fresh_key())

    def work(n: int) -> None:
        for i in range(25):
            total.incr()
            listed.update(lambda items, i=i: [*items, (n, i)])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert total.get() == 100
    assert len(listed.get()) == 100 and len(set(listed.get())) == 100


def test_a_key_reused_with_another_default_is_refused():
    key = fresh_key()
    gr.GlobalState(0, key=key)
    gr.GlobalState(0, key=key)  # the same default: the same shared value, fine
    with pytest.raises(GlobalStateError, match="already used with another default"):
        gr.GlobalState(1, key=key)


def test_a_value_that_cannot_be_stored_is_refused_naming_the_state():
    shared = gr.GlobalState(None, key=fresh_key())
    with pytest.raises(TypeError, match="cannot be pickled"):
        shared.set(threading.Lock())
    assert shared.get() is None


def test_incr_needs_an_integer():
    with pytest.raises(GlobalStateError, match="integer"):
        gr.GlobalState("text", key=fresh_key()).incr()


def test_a_key_is_required():
    with pytest.raises(GlobalStateError, match="needs a key"):
        gr.GlobalState(0, key="")


def counter_app(key: str) -> gr.Blocks:
    with gr.Blocks() as demo:
        clicks = gr.GlobalState(0, key=key)
        mine = gr.State(0)
        total = gr.Number(label="Total")
        own = gr.Number(label="Mine")
        gr.Button("Add").click(
            lambda c, m: (c + 1, m + 1, m + 1), [clicks, mine], [clicks, mine, own]
        )
        clicks.change(lambda c: c, clicks, total)
        demo.load(lambda c: c, clicks, total)
    return demo


async def test_a_click_in_one_session_updates_every_other_session_live():
    with registered(counter_app(fresh_key())) as app:
        alice, bob = PageClient(app), PageClient(app)
        await alice.open()
        await bob.open()
        assert alice.value("Total") == bob.value("Total") == 0

        await alice.click("Add")
        await alice.click("Add")
        assert alice.value("Total") == 2 and alice.value("Mine") == 2

        # Bob did nothing: both changes were pushed to him, as server-initiated updates.
        pushed = await bob.receive_until(
            lambda f: f["type"] == "update" and bob.value("Total") == 2
        )
        assert all(f["seq"] is None for f in pushed if f["type"] == "update")
        assert bob.value("Mine") is None  # his own count was never touched

        latecomer = PageClient(app)
        await latecomer.open()
        assert latecomer.value("Total") == 2
        for client in (alice, bob, latecomer):
            await client.close()


async def test_a_global_is_never_sent_to_the_page_nor_settable_from_it():
    with registered(counter_app(fresh_key())) as app:
        page = PageClient(app)
        await page.open()
        shared_id = next(c.id for c in page.blocks.components.values() if c.shared)
        outcome = await page.trigger("Add", "click", {shared_id: 99})
        assert outcome.status == "error" and outcome.error["code"] == "invalid_input"
        outcome = await page.click("Add")
        assert str(shared_id) not in {k for f in outcome.update_frames for k in f["updates"]}
        assert page.value("Total") == 1
        await page.close()

"""An event that reads and writes a GlobalState: lock and read, then write and let go (on
django-redis one script each), on both kinds of cache."""

from __future__ import annotations

import itertools

import blocksstate as gr
from blocksstate.state.caches import cache_for
from blocksstate.testing import PageClient, registered

_keys = itertools.count()


def list_app(key: str, handler) -> tuple[gr.Blocks, gr.GlobalState]:
    with gr.Blocks() as demo:
        items = gr.GlobalState([], key=key)
        gr.Button("Go").click(handler, items, items)
    return demo, items


def assert_unlocked(alias: str, state: gr.GlobalState) -> None:
    assert cache_for(alias).get(f"{state.cache_key}:lock") is None


def append(items: list) -> list:
    items.append(len(items))  # changed in place: still a change to store
    return items


async def test_a_value_changed_in_place_is_written_and_the_lock_let_go(global_cache):
    demo, items = list_app(f"test-global-events-{next(_keys)}", append)
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await page.click("Go")
        await page.click("Go")
        assert await items.aread() == ([0, 1], 2)
        assert_unlocked(global_cache, items)
        await page.close()


async def test_the_same_value_is_not_written_again(global_cache):
    demo, items = list_app(f"test-global-events-{next(_keys)}", lambda items: items)
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await page.click("Go")  # the default, never stored: nothing written
        assert await items.aread() == ([], 0)
        await items.aset([1, 2])
        await page.click("Go")
        assert await items.aread() == ([1, 2], 1)
        assert_unlocked(global_cache, items)
        await page.close()


async def test_a_value_that_cannot_be_stored_fails_the_step_and_changes_nothing(global_cache):
    demo, items = list_app(f"test-global-events-{next(_keys)}", lambda items: [lambda: None])
    with registered(demo) as app:
        page = PageClient(app)
        await page.open()
        await items.aset([1])
        reply = await page.trigger("Go", "click")
        assert reply.status != "done"
        assert await items.aread() == ([1], 1)
        assert_unlocked(global_cache, items)
        await page.close()

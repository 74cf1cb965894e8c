"""Short synchronous handlers run on the event loop once proved short; everything else stays threaded.

Where a call ran is what the handler sees: ``threading.get_ident()`` of the event loop's
thread, or of a handler thread.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest
from django.test import override_settings
from django.utils import translation

import blocksstate as gr
from blocksstate.engine import inline
from blocksstate.engine.inline import blocking
from blocksstate.testing import PageClient, eventually, registered

# Enough clicks for a short handler to be proved short, whatever the machine's load.
PLENTY = inline.INLINE_AFTER * 5


def where_it_ran(seen: list[bool]) -> None:
    """Note whether the calling handler runs on the event loop's thread."""
    try:
        asyncio.get_running_loop()
        seen.append(True)
    except RuntimeError:
        seen.append(False)


def counter_app(fn, **listen) -> gr.Blocks:
    with gr.Blocks() as demo:
        count = gr.Number(0, label="Count")
        button = gr.Button("Add")
        button.click(fn, count, count, **listen)
    return demo


async def click_until_inline(page: PageClient, seen: list[bool]) -> None:
    for _ in range(PLENTY):
        await page.click("Add")
        if seen[-1]:
            return
    pytest.fail(f"never ran inline: {seen}")


async def test_a_short_handler_runs_on_the_loop_after_its_first_calls_in_threads():
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            await click_until_inline(page, seen)
            assert seen[: inline.INLINE_AFTER] == [False] * inline.INLINE_AFTER
            for _ in range(3):
                await page.click("Add")
            assert seen[-3:] == [True, True, True]
            assert page.value("Count") == len(seen)


async def test_what_a_short_handler_says_reaches_the_page_before_its_result():
    """A ``gr.Info`` raised by a handler run on the loop is shown before the step's update,
    in the order the handler made them. (A handler that says something on every call is
    never proved short: waiting for the page from a thread is not. This one speaks only
    once it runs on the loop.)"""
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        if seen[-1]:
            gr.Info(f"adding one to {n:g}")
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            await click_until_inline(page, seen)
            reply = await page.click("Add")
            assert seen[-1]
            assert reply.types() == ["alert", "update", "done"]
            assert reply.alerts[0]["message"] == f"adding one to {len(seen) - 1}"


async def test_a_handler_that_blocks_on_the_loop_goes_back_to_the_threads_for_good():
    """Each call that blocks the loop sends it back on trial; the third, for good."""
    seen: list[bool] = []
    sleep = {"now": False}

    def add(n):
        where_it_ran(seen)
        if sleep["now"]:
            time.sleep(0.01)
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            for _ in range(inline.STRIKES):
                await click_until_inline(page, seen)
                sleep["now"] = True
                await page.click("Add")
                assert seen[-1] is True  # that call blocked the loop ...
                sleep["now"] = False
                await page.click("Add")
                assert seen[-1] is False  # ... and the next one is in a thread
            for _ in range(PLENTY):
                await page.click("Add")
            assert not any(seen[-PLENTY:])  # for good, however short it is now
            assert page.value("Count") == len(seen)


async def test_one_long_call_sends_a_short_handler_back_on_trial_not_for_good():
    """On a busy machine any call may be paused by the kernel or by another thread taking
    the interpreter's lock: one long call puts the handler back on trial, after which it
    runs on the loop again."""
    seen: list[bool] = []
    sleep = {"now": False}

    def add(n):
        where_it_ran(seen)
        if sleep["now"]:
            time.sleep(3 * inline.DEMOTE_AFTER)
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            await click_until_inline(page, seen)
            sleep["now"] = True
            await page.click("Add")
            sleep["now"] = False
            await page.click("Add")
            assert seen[-2:] == [True, False]  # paused on the loop, then on trial in a thread
            await click_until_inline(page, seen)  # and back on the loop after its trial
            assert page.value("Count") == len(seen)


async def test_a_garbage_collection_during_a_short_call_is_not_held_against_it():
    """The collector runs wherever objects are made: in a thread it would hold the
    interpreter's lock just as long. A call it slowed stays on the loop."""
    import gc

    seen: list[bool] = []
    collect: dict[str, float | bool] = {"now": False}
    kept = [[i] for i in range(400_000)]  # enough for a full collection past DEMOTE_AFTER

    def add(n):
        where_it_ran(seen)
        if collect["now"]:
            started = time.perf_counter()
            gc.collect()
            collect["took"] = time.perf_counter() - started
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            await click_until_inline(page, seen)
            collect["now"] = True
            await page.click("Add")
            collect["now"] = False
            for _ in range(3):
                await page.click("Add")
    assert collect["took"] > inline.DEMOTE_AFTER  # the call was long ...
    assert seen[-4:] == [True] * 4  # ... and the handler stays on the loop
    del kept


def test_long_calls_far_apart_are_forgiven():
    """Strikes count only within FORGIVE_AFTER inline calls of one another."""
    place = inline.Placement("add", inline=True)
    for _ in range(inline.STRIKES - 1):
        place._long_call(0.01)
        place.inline = True  # back on the loop after its trial
        for _ in range(inline.FORGIVE_AFTER):
            place.run_inline(lambda: None)
    place._long_call(0.01)
    assert not place.threaded
    place.inline = True
    for _ in range(inline.STRIKES - 1):
        place._long_call(0.01)
    assert place.threaded


async def test_a_handler_that_always_sleeps_never_runs_on_the_loop():
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        time.sleep(0.001)
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            for _ in range(inline.INLINE_AFTER * 2):
                await page.click("Add")
    assert not any(seen)


async def test_progress_generators_and_blocking_handlers_stay_threaded():
    seen: list[bool] = []

    def with_progress(n, progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        where_it_ran(seen)
        return n + 1

    def counting(n):
        where_it_ran(seen)
        yield n + 1

    @blocking
    def marked(n):
        where_it_ran(seen)
        return n + 1

    for fn in (with_progress, counting, marked):
        seen.clear()
        with registered(counter_app(fn)) as app:
            async with PageClient(app) as page:
                for _ in range(inline.INLINE_AFTER * 3):
                    await page.click("Add")
                assert page.value("Count") == inline.INLINE_AFTER * 3
        assert seen and not any(seen), fn.__name__


async def test_inlining_can_be_turned_off():
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        return n + 1

    with (
        override_settings(BLOCKSSTATE={"INLINE_SHORT_HANDLERS": False}),
        registered(counter_app(add)) as app,
    ):
        async with PageClient(app) as page:
            for _ in range(PLENTY):
                await page.click("Add")
    assert len(seen) == PLENTY and not any(seen)


async def test_a_handler_that_reads_a_global_state_is_never_inlined():
    total = gr.GlobalState(5, key="inline-test-total")
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        return n + total.get()

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            for _ in range(inline.INLINE_AFTER * 2):
                await page.click("Add")
            assert page.value("Count") == 5 * inline.INLINE_AFTER * 2
    assert not any(seen)


@pytest.mark.parametrize("catches", [False, True])
async def test_a_sync_only_call_met_on_the_loop_is_run_again_in_a_thread(catches):
    total = gr.GlobalState(10, key=f"inline-test-later-{catches}")
    seen: list[bool] = []
    read = {"now": False}

    def add(n):
        where_it_ran(seen)
        if not read["now"]:
            return n + 1
        if catches:  # a handler that hides the refusal still gets the value, as in a thread
            try:
                return n + total.get()
            except Exception:
                return -1
        return n + total.get()

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            await click_until_inline(page, seen)
            before = page.value("Count")
            read["now"] = True
            await page.click("Add")
            assert page.value("Count") == before + 10
            assert seen[-2:] == [True, False]  # refused on the loop, then run in a thread
            await page.click("Add")
            assert seen[-1] is False and page.value("Count") == before + 20


@pytest.mark.django_db(transaction=True)
async def test_a_handler_that_queries_the_database_is_never_inlined():
    from django.contrib.auth import get_user_model

    from tests.helpers_activity import close_connections

    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        try:
            return n + 1 + get_user_model().objects.count()
        finally:
            close_connections()  # the test database's, which later tests may not touch

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            for _ in range(inline.INLINE_AFTER * 2):
                await page.click("Add")
            assert page.value("Count") == inline.INLINE_AFTER * 2
    assert not any(seen)


async def test_an_inline_handler_sees_its_request_context_and_language():
    marker: contextvars.ContextVar[str] = contextvars.ContextVar("marker", default="unset")
    seen: list[bool] = []
    heard: list[tuple[str | None, str, str]] = []

    def add(n, request: gr.Request):
        where_it_ran(seen)
        heard.append((request.session_hash, translation.get_language(), marker.get()))
        marker.set("changed by the handler")  # stays in the handler's own context
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app, language="fr") as page:
            await click_until_inline(page, seen)
            session = page.session_id
    assert marker.get() == "unset"
    threaded = heard[0]
    assert threaded == (session, "fr", "unset")
    assert heard[-1] == threaded


def test_a_handler_thread_is_not_the_loop():
    # The helper above tells a handler thread from the loop by the running loop only.
    seen: list[bool] = []
    thread = threading.Thread(target=where_it_ran, args=(seen,))
    thread.start()
    thread.join()
    assert seen == [False]


def test_what_is_known_of_a_handler_goes_with_it():
    """``@gr.render`` makes new handler functions on every rebuild: none may be kept for good."""
    import gc
    import weakref

    from blocksstate.engine import handlers

    def make():
        def handler(x):
            yield x

        return handler

    fn = make()
    assert handlers.streams(fn) and not handlers.is_async(fn)
    gone = weakref.ref(fn)
    del fn
    gc.collect()
    assert gone() is None


async def test_a_plain_function_that_returns_a_generator_still_streams_once_inline():
    seen: list[bool] = []

    def add(n):
        where_it_ran(seen)
        if seen[-1]:  # on the loop now: it hands back a generator of three steps
            return (v for v in (n + 10, n + 20, n + 30))
        return n + 1

    with registered(counter_app(add)) as app:
        async with PageClient(app) as page:
            for _ in range(PLENTY):
                before = page.value("Count")
                reply = await page.trigger("Add", "click")
                if seen[-1]:
                    break
            else:
                pytest.fail(f"never ran inline: {seen}")
            assert reply.status == "done"
            shown = [f["updates"]["1"]["value"] for f in reply.update_frames]
            # As from any function that returns a generator: streamed from its second step.
            assert shown == [before + 20, before + 30]
            assert page.value("Count") == before + 30


async def test_an_inline_handler_waits_for_its_place_like_any_other():
    """A handler proved short still takes its place within its concurrency limit: while a
    slow run of the same ``concurrency_id`` holds it, a click waits (``queued``), then runs."""
    seen: list[bool] = []
    started, gate = threading.Event(), threading.Event()
    order: list[str] = []
    with gr.Blocks() as demo:
        count = gr.Number(0, label="Count")
        out = gr.Textbox(label="Out")

        def slow():
            started.set()
            gate.wait(10)
            order.append("slow")
            return "slow"

        def add(n):
            where_it_ran(seen)
            order.append("add")
            return n + 1

        gr.Button("Slow").click(slow, None, out, concurrency_id="one", concurrency_limit=1)
        gr.Button("Add").click(add, count, count, concurrency_id="one", concurrency_limit=1)
    with registered(demo) as app:
        async with PageClient(app) as page, PageClient(app) as other:
            await click_until_inline(page, seen)
            order.clear()
            slow_click = asyncio.ensure_future(other.click("Slow"))
            await eventually(started.is_set, what="the slow run to start")
            add_click = asyncio.ensure_future(page.click("Add"))
            await asyncio.sleep(0.2)
            assert not add_click.done()  # it waits for the place the slow run holds
            gate.set()
            slow_reply, add_reply = await asyncio.gather(slow_click, add_click)
            assert order == ["slow", "add"]
            assert "queued" in add_reply.types() and add_reply.status == "done"
            assert seen[-1]  # and still ran on the loop, once admitted

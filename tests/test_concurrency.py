"""Concurrency limits and fair shares: one busy listener cannot starve the others.

Listeners accept Gradio's ``concurrency_limit`` and ``concurrency_id``, and
``Blocks.queue(default_concurrency_limit=...)``; a listener left at "default" gets
at most ``DEFAULT_CONCURRENCY_LIMIT`` of the ``HANDLER_THREADS`` at once, and when
threads are short the listener served longest ago goes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable

import pytest

import blocksstate as gr
from blocksstate.engine.concurrency import Admission, Limit
from blocksstate.testing import PageClient, eventually, registered

SLOW_SESSIONS = 100


class Running:
    """Counts the runs of a handler in progress, and the most seen at once."""

    def __init__(self) -> None:
        self.now = self.most = self.started = 0
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def one(self):
        with self._lock:
            self.now += 1
            self.started += 1
            self.most = max(self.most, self.now)
        try:
            yield
        finally:
            with self._lock:
                self.now -= 1


async def open_pages(app: str, n: int) -> list[PageClient]:
    return [await PageClient(app).open() for _ in range(n)]


async def click_all(pages: list[PageClient], label: str) -> None:
    """Every page clicks at the same time; return when every click is answered."""
    outcomes = await asyncio.gather(*(page.click(label) for page in pages))
    assert all(o.status == "done" for o in outcomes)


# -- one busy listener, and a visitor who clicks something quick --------------------------------


def counted(running: Running, hold: Callable[[], object]) -> Callable[[], str]:
    """A synchronous handler that holds its thread with ``hold()``, counted in ``running``."""

    def handler() -> str:
        with running.one():
            hold()
        return "done"

    return handler


def slow_and_quick(gate: threading.Event, running: Running) -> tuple[gr.Blocks, gr.Blocks]:
    """An app whose "Slow" blocks a thread until ``gate`` opens; another whose "Quick" does not."""
    with gr.Blocks() as slow_app:
        out = gr.Textbox(label="Out")
        gr.Button("Slow").click(counted(running, lambda: gate.wait(10)), None, out)
        gr.Button("Quick").click(lambda: "quick", None, out)
    with gr.Blocks() as other_app:
        out = gr.Textbox(label="Out")
        gr.Button("Quick").click(lambda: "quick", None, out)
    return slow_app, other_app


@pytest.mark.parametrize("where", ["another app", "another listener"])
async def test_a_quick_click_is_not_queued_behind_a_hundred_slow_handlers(where):
    gate, running = threading.Event(), Running()
    slow_app, other_app = slow_and_quick(gate, running)
    with registered(slow_app) as slow_name, registered(other_app) as other_name:
        pages = await open_pages(slow_name, SLOW_SESSIONS)
        visitor = await PageClient(other_name if where == "another app" else slow_name).open()
        clicks = asyncio.gather(*(page.click("Slow") for page in pages))
        try:
            await eventually(lambda: running.started > 0, what="a slow handler")
            started = time.perf_counter()
            await visitor.click("Quick")
            waited = time.perf_counter() - started
            # The slow handlers take as long as the test wants (until the gate opens).
            assert waited < 0.5, f"the quick click waited {waited:.2f} s behind the slow ones"
            assert running.most <= 8  # DEFAULT_CONCURRENCY_LIMIT: the rest of the threads stay free
        finally:
            gate.set()
            await clicks
        for page in [*pages, visitor]:
            await page.close()


# -- the limits themselves ---------------------------------------------------------------------


def limited_app(running: Running, **options) -> gr.Blocks:
    """An app whose "Go" (synchronous, 50 ms) runs with the listener ``options``."""
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(counted(running, lambda: time.sleep(0.05)), None, out, **options)
    return demo


async def most_at_once(demo: gr.Blocks, label: str = "Go", sessions: int = 6) -> None:
    with registered(demo) as app:
        pages = await open_pages(app, sessions)
        await click_all(pages, label)
        for page in pages:
            await page.close()


async def test_a_listener_with_concurrency_limit_2_never_runs_more_than_2_at_once():
    running = Running()
    await most_at_once(limited_app(running, concurrency_limit=2))
    assert running.most == 2


async def test_concurrency_limit_none_lets_every_session_run_at_once():
    running = Running()
    # Each run waits for all twelve (a 50 ms sleep may not overlap on a loaded machine).
    everyone = threading.Barrier(12, timeout=15)
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(counted(running, everyone.wait), None, out, concurrency_limit=None)
    await most_at_once(demo, sessions=12)
    assert running.most == 12


async def test_queue_default_concurrency_limit_applies_to_listeners_left_at_default():
    running = Running()
    await most_at_once(limited_app(running).queue(default_concurrency_limit=1))
    assert running.most == 1


async def test_listeners_sharing_a_concurrency_id_share_its_lowest_limit():
    running = Running()
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")

        async def on_the_gpu() -> str:  # async handlers count too, once a limit is set
            with running.one():
                await asyncio.sleep(0.05)
            return "done"

        gr.Button("One").click(on_the_gpu, None, out, concurrency_id="gpu", concurrency_limit=3)
        gr.Button("Two").click(on_the_gpu, None, out, concurrency_id="gpu", concurrency_limit=1)
    with registered(demo) as app:
        pages = await open_pages(app, 6)
        await asyncio.gather(click_all(pages[:3], "One"), click_all(pages[3:], "Two"))
        for page in pages:
            await page.close()
    assert running.most == 1


@pytest.mark.parametrize("value", [0, -1, 2.5, "two", True])
def test_a_bad_concurrency_limit_is_refused(value):
    with gr.Blocks() as demo:
        button = gr.Button("Go")
        with pytest.raises(ValueError, match="concurrency_limit must be a positive integer"):
            button.click(lambda: None, concurrency_limit=value)
        with pytest.raises(TypeError, match="concurrency_id must be a string"):
            button.click(lambda: None, concurrency_id=3)
    with pytest.raises(ValueError, match="default_concurrency_limit must be a positive integer"):
        demo.queue(default_concurrency_limit=value)
    assert demo.dependencies == []


# -- who gets a free thread -------------------------------------------------------------------------


async def test_a_free_thread_goes_to_the_listener_served_longest_ago():
    """Two threads, both held by "busy" with more of its runs waiting: "quick" goes next."""
    admission = Admission(threads=2)
    busy, quick = Limit("busy", None), Limit("quick", None)
    order: list[str] = []
    release = {name: asyncio.Event() for name in ("busy-1", "busy-2", "busy-3", "quick")}

    async def run(name: str, limit: Limit) -> None:
        async with admission.run(limit, thread=True):
            order.append(name)
            await release[name].wait()

    tasks = [asyncio.create_task(run(f"busy-{i}", busy)) for i in (1, 2, 3)]
    await eventually(lambda: len(order) == 2)
    tasks.append(asyncio.create_task(run("quick", quick)))
    await asyncio.sleep(0)  # let it queue, behind busy-3
    release["busy-1"].set()
    await eventually(lambda: len(order) == 3)
    assert order == ["busy-1", "busy-2", "quick"]
    for event in release.values():
        event.set()
    await asyncio.gather(*tasks)
    assert order[-1] == "busy-3" and admission.busy_threads == 0


async def test_a_call_that_ends_before_anything_else_runs_starts_only_where_a_run_could():
    """``free_now`` (an inline call): yes where ``enter_now`` would admit a run, no where it
    would wait (its group full, or every thread busy), and it takes nothing either way."""
    admission = Admission(threads=1)
    one, other, never = Limit("one", 1), Limit("other", None), Limit("never", 0)
    assert admission.free_now(one, thread=True) and admission.free_now(other, thread=True)
    assert not admission.free_now(never, thread=True)

    held = asyncio.Event()
    release = asyncio.Event()

    async def hold(limit: Limit, thread: bool) -> None:
        async with admission.run(limit, thread=thread):
            held.set()
            await release.wait()

    task = asyncio.create_task(hold(one, thread=False))  # "one"'s place, no thread
    await held.wait()
    assert not admission.free_now(one, thread=True)  # its one place is taken
    assert admission.free_now(other, thread=True)  # the thread is free
    release.set()
    await task

    held.clear()
    release.clear()
    task = asyncio.create_task(hold(other, thread=True))  # the only thread
    await held.wait()
    assert not admission.free_now(one, thread=True)
    assert admission.free_now(one, thread=False)  # a run that needs no thread may start
    release.set()
    await task
    assert admission.busy_threads == 0 and admission.free_now(one, thread=True)

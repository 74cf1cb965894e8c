"""What the page hears while an event runs: ``gr.Progress`` frames, and ``queued``/``started``.

The page counts the elapsed time itself (docs/events.md, "Progress"); the server sends
nothing per event for it. It sends ``progress`` frames when a handler reports progress
(with the step it is at, so the page can show "3/10 steps"), and ``queued`` then
``started`` only when a run had to wait for its place.
"""

from __future__ import annotations

import asyncio
import threading

import blocksstate as gr
from blocksstate import protocol
from blocksstate.testing import PageClient, eventually, registered


def progress_frames(reply) -> list[dict]:
    return [f for f in reply.frames if f["type"] == "progress"]


async def click(demo: gr.Blocks, label: str = "Go"):
    with registered(demo) as app:
        async with PageClient(app) as page:
            return await page.click(label)


async def test_a_tqdm_loop_reports_its_steps_and_its_fraction():
    def work(progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        for _ in progress.tqdm(range(4), desc="Crunching", unit="rows"):
            pass
        return "done"

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(work, None, out)
    frames = progress_frames(await click(demo))

    first, last = frames[0], frames[-1]
    assert (first["index"], first["length"], first["progress"]) == (0, 4, 0.0)
    # Frames closer than 50 ms are dropped, but the last step always reaches the page.
    assert (last["index"], last["length"], last["progress"]) == (4, 4, 1.0)
    assert {(f["desc"], f["unit"]) for f in frames} == {("Crunching", "rows")}


async def test_a_fraction_has_no_steps_and_a_count_without_total_has_no_fraction():
    def work(progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        progress(0.25, desc="Loading")
        return "done"

    def count(progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        progress((7, None), desc="Reading", unit="files")
        return "done"

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(work, None, out)
        gr.Button("Count").click(count, None, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            [loading] = progress_frames(await page.click("Go"))
            [reading] = progress_frames(await page.click("Count"))

    assert loading == {**loading, "progress": 0.25, "desc": "Loading", "index": None}
    assert loading["length"] is None
    assert reading == {**reading, "progress": None, "index": 7, "length": None, "unit": "files"}


async def test_a_run_that_starts_at_once_is_told_nothing_more():
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda: "done", None, out, concurrency_limit=1)
    reply = await click(demo)

    assert reply.types() == ["update", "done"]


async def test_a_run_waiting_for_its_concurrency_limit_is_queued_then_started():
    gate = threading.Event()
    running = threading.Event()

    def work(who: str) -> str:
        if who == "first":
            running.set()
            gate.wait(10)
        return who

    with gr.Blocks() as demo:
        who = gr.Textbox(label="Who")
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(work, who, out, concurrency_limit=1)
    with registered(demo) as app:
        async with PageClient(app) as first, PageClient(app) as second:
            first_click = asyncio.ensure_future(first.click("Go", {"Who": "first"}))
            await eventually(running.is_set, what="the first run")
            second_click = asyncio.ensure_future(second.click("Go", {"Who": "second"}))
            await eventually(
                lambda: any(f["type"] == "queued" for f in second.received),
                what="the second run queued",
            )
            assert not any(f["type"] == "started" for f in second.received)
            gate.set()
            first_reply, second_reply = await first_click, await second_click

    assert first_reply.types() == ["update", "done"]
    assert second_reply.types() == ["queued", "started", "update", "done"]
    queued, started = second_reply.frames[:2]
    dep = second_reply.frames[2]["dep"]
    seq = second_reply.last["seq"]
    assert queued == protocol.queued(seq, dep) == {"type": "queued", "seq": seq, "dep": dep}
    assert started == {"type": "started", "seq": seq, "dep": dep}


async def test_a_run_refused_by_a_full_queue_is_not_said_to_be_queued():
    gate = threading.Event()
    running = threading.Event()

    def work() -> str:
        running.set()
        gate.wait(10)
        return "done"

    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(work, None, out, concurrency_limit=1)
    demo.queue(max_size=0)
    with registered(demo) as app:
        async with PageClient(app) as first, PageClient(app) as second:
            first_click = asyncio.ensure_future(first.click("Go"))
            await eventually(running.is_set, what="the first run")
            refused = await second.trigger("Go", "click")
            gate.set()
            await first_click

    assert refused.status == "failed"
    assert "queued" not in refused.types()
    assert refused.alerts[0]["message"].startswith("The server is busy")


def test_a_timer_tick_shows_no_progress_unless_asked_as_in_gradio():
    with gr.Blocks():
        timer = gr.Timer(1)
        clock = gr.Textbox(label="Clock")
        quiet = timer.tick(lambda: "now", None, clock)
        shown = timer.tick(lambda: "now", None, clock, show_progress="full")
        either = gr.on([timer.tick], lambda: "now", None, clock)

    assert quiet.show_progress == "hidden"
    assert shown.show_progress == "full"
    assert either.show_progress == "full"  # gr.on keeps its own default, as Gradio's

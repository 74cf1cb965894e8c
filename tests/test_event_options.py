"""Listener options that work (docs/events.md): each test fails if its option is ignored."""

from __future__ import annotations

import asyncio
import time
import warnings

import pytest

import blocksstate as gr
from blocksstate.app.listener_options import LISTENER_OPTIONS, REFUSED, WARNED
from blocksstate.rendering.config import wiring
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption

pytestmark = pytest.mark.django_db(transaction=True)


def timers(demo: gr.Blocks) -> list[gr.Timer]:
    return [c for c in demo.components.values() if isinstance(c, gr.Timer)]


async def until_done(page: PageClient, seq: int) -> list[dict]:
    return await page.receive_until(
        lambda f: f["type"] in ("done", "failed", "error") and f.get("seq") == seq
    )


async def send_event(page: PageClient, dep, seq: int) -> None:
    await page.send({"type": "event", "seq": seq, "dep": dep.id, "values": {}})


# -- every= ---------------------------------------------------------------------------------


def test_load_every_ticks_through_a_timer_that_starts_with_the_page():
    with gr.Blocks() as demo:
        clock = gr.Textbox(label="Clock")
        dep = demo.load(lambda: time.strftime("%H:%M:%S"), outputs=clock, every=1)
    (timer,) = timers(demo)
    assert timer.value == 1.0 and timer.active
    assert (timer, "tick") in dep.triggers
    _, dependencies = wiring(demo)
    assert any([timer.id, "tick"] in d["triggers"] for d in dependencies)


def test_a_click_with_every_starts_its_timer_on_the_first_click():
    with gr.Blocks() as demo:
        go = gr.Button("Go")
        out = gr.Number(label="n")
        dep = go.click(lambda: 1, outputs=out, every=2)
    (timer,) = timers(demo)
    assert not timer.active and dep.timer is timer
    _, dependencies = wiring(demo)
    (entry,) = [d for d in dependencies if d["id"] == dep.id]
    assert entry["starts_timer"] == timer.id


def test_a_callable_value_with_every_is_refreshed_by_a_timer_tick():
    calls = []

    def now():
        calls.append(1)
        return f"call {len(calls)}"

    with gr.Blocks() as demo:
        box = gr.Textbox(value=now, every=0.5, label="Now")
    (timer,) = timers(demo)
    assert timer.value == 0.5
    (tick,) = [d for d in demo.dependencies if (timer, "tick") in d.triggers]
    assert tick.outputs == [box] and tick.fn is now


async def test_a_tick_runs_the_value_function_again():
    count = iter(range(100))
    with gr.Blocks() as demo:
        gr.Textbox(value=lambda: str(next(count)), every=1, label="Count")
    with registered(demo) as name:
        async with PageClient(name) as page:
            first = page.value("Count")
            (timer,) = timers(demo)
            reply = await page.trigger(timer, "tick")
            assert reply.status == "done"
            assert page.value("Count") != first


def test_a_callable_value_with_inputs_is_computed_on_load():
    with gr.Blocks() as demo:
        name = gr.Textbox("Ada", label="Name")
        hello = gr.Textbox(value=lambda n: f"Hello {n}", inputs=[name], label="Hello")
    (load,) = [d for d in demo.dependencies if (demo, "load") in d.triggers]
    assert load.inputs == [name] and load.outputs == [hello]
    assert hello.initial_value() == ""


def test_every_is_refused_on_a_then_step():
    with gr.Blocks():
        b = gr.Button("b")
        with pytest.raises(ValueError, match="every="):
            b.click(lambda: None).then(lambda: None, every=1)


# -- cancels= -------------------------------------------------------------------------------


def streaming_app():
    with gr.Blocks() as demo:
        count = gr.Number(label="Count")
        start = gr.Button("Start")
        stop = gr.Button("Stop")
        after = gr.Textbox(label="After")

        def counting():
            for n in range(1, 1000):
                yield n
                time.sleep(0.05)

        run = start.click(counting, outputs=count)
        run.then(lambda: "ran", outputs=after)
        stop.click(None, cancels=[run])
    return demo, run


async def test_cancels_stops_a_streaming_handler_and_keeps_what_it_showed():
    demo, run = streaming_app()
    stop_dep = demo.dependencies[-1]
    with registered(demo) as name:
        async with PageClient(name) as page:
            await send_event(page, run, 1)
            await page.receive_until(lambda f: f["type"] == "update" and f.get("seq") == 1)
            await asyncio.sleep(0.3)
            await send_event(page, stop_dep, 2)
            frames = await until_done(page, 1)
            frames += await until_done(page, 2)
            shown = page.value("Count")
            assert 1 <= shown < 100
            await asyncio.sleep(0.3)
            assert page.value("Count") == shown  # the count stopped growing
            assert page.value("After") in ("", None)  # the .then step did not run
            assert [f["seq"] for f in frames if f["type"] == "done"] == [1, 2]


async def test_cancels_drops_a_queued_run():
    demo, run = streaming_app()
    stop_dep = demo.dependencies[-1]
    with registered(demo) as name:
        async with PageClient(name) as page:
            await send_event(page, run, 1)
            await send_event(page, run, 2)  # waits behind the first
            await page.receive_until(lambda f: f["type"] == "update" and f.get("seq") == 1)
            await send_event(page, stop_dep, 3)
            frames = await page.receive_until(lambda f: f["type"] == "done" and f.get("seq") == 3)
            ends = {f["seq"]: f["type"] for f in frames if f["type"] in ("done", "failed")}
            assert ends == {1: "done", 2: "failed", 3: "done"}  # 2 never ran
            assert not [f for f in frames if f["type"] == "update" and f.get("seq") == 2]


async def test_time_limit_stops_a_stream():
    with gr.Blocks() as demo:
        count = gr.Number(label="Count")
        go = gr.Button("Go")

        async def counting():
            for n in range(1, 1000):
                yield n
                await asyncio.sleep(0.05)

        go.click(counting, outputs=count, time_limit=0.3)
    with registered(demo) as name:
        async with PageClient(name) as page:
            started = time.monotonic()
            await page.click("Go")
            assert time.monotonic() - started < 2
            assert 1 <= page.value("Count") < 30


def test_cancels_takes_listeners_only():
    with gr.Blocks():
        b = gr.Button("b")
        with pytest.raises(TypeError, match="cancels="):
            b.click(lambda: None, cancels=[b])


# -- the cheap ones -------------------------------------------------------------------------


async def test_batch_calls_the_function_with_one_item_lists():
    with gr.Blocks() as demo:
        text = gr.Textbox("abc", label="In")
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda texts: [[t.upper() for t in texts]], text, out, batch=True)
    with registered(demo) as name:
        async with PageClient(name) as page:
            await page.click("Go")
            assert page.value("Out") == "ABC"


async def test_preprocess_false_gives_the_page_form_and_postprocess_false_skips_conversion():
    seen = []
    with gr.Blocks() as demo:
        files = gr.File(label="F")
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda f: seen.append(f) or "x", files, out, preprocess=False)
    dep = demo.dependencies[0]
    assert dep.preprocess is False
    with gr.Blocks() as demo2:
        n = gr.Number(label="N")
        gr.Button("Go").click(lambda: 3, None, n, postprocess=False)
    assert demo2.dependencies[0].postprocess is False


def test_show_progress_on_and_scroll_to_output_reach_the_page():
    with gr.Blocks() as demo:
        a = gr.Textbox(label="a")
        b = gr.Textbox(label="b")
        gr.Button("Go").click(lambda: "", None, a, show_progress_on=b, scroll_to_output=True)
    _, (entry,) = wiring(demo)
    assert entry["show_progress_on"] == [b.id]
    assert entry["scroll_to_output"] is True


def test_trigger_mode_and_show_progress_reach_the_page():
    with gr.Blocks() as demo:
        a = gr.Textbox(label="a")
        gr.Button("Go").click(lambda: "", None, a, trigger_mode="multiple", show_progress="minimal")
    _, (entry,) = wiring(demo)
    assert entry["trigger_mode"] == "multiple" and entry["show_progress"] == "minimal"


# -- API options, warned and refused ones -------------------------------------------------------


def test_api_options_are_accepted_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with gr.Blocks():
            b = gr.Button("b")
            dep = b.click(
                lambda: None,
                api_name="go",
                api_description="d",
                api_visibility="private",
                show_api=False,
            )
            b.click(lambda: None, api_name=False)
            gr.on([b.click], lambda: None, api_name="on")
    assert dep.api_name == "go"


def test_every_gradio_listener_option_is_in_the_table():
    import inspect

    from blocksstate.app.listener_options import LISTENER_OPTIONS

    gradio_options = {
        "api_name",
        "api_description",
        "scroll_to_output",
        "show_progress",
        "show_progress_on",
        "queue",
        "batch",
        "max_batch_size",
        "preprocess",
        "postprocess",
        "cancels",
        "trigger_mode",
        "js",
        "concurrency_limit",
        "concurrency_id",
        "api_visibility",
        "time_limit",
        "stream_every",
        "key",
        "validator",
        "inputs_kwargs",
    }  # Gradio 6.31's Button.click, less fn, inputs, outputs
    assert gradio_options <= set(LISTENER_OPTIONS)
    assert inspect.isclass(gr.Button)


@pytest.mark.parametrize("name", [n for n, o in LISTENER_OPTIONS.items() if o.support == WARNED])
def test_warned_options_warn_once_naming_it(name):
    value = {"stream_every": 1.0, "key": "k"}[name]
    with gr.Blocks():
        b = gr.Button("b")
        with pytest.warns(UnsupportedOption, match=name):
            b.click(lambda: None, **{name: value})


@pytest.mark.parametrize("name", [n for n, o in LISTENER_OPTIONS.items() if o.support == REFUSED])
def test_refused_options_raise_naming_it(name):
    value = {"validator": lambda x: x, "inputs_kwargs": {"x": None}}[name]
    with gr.Blocks():
        b = gr.Button("b")
        with pytest.raises(TypeError, match=name):
            b.click(lambda: None, **{name: value})
    with gr.Blocks():
        gr.Button("b").click(lambda: None, **{name: None})  # the default is fine


def test_queue_options():
    demo = gr.Blocks()
    with pytest.warns(UnsupportedOption, match="status_update_rate"):
        demo.queue(status_update_rate=1)
    with pytest.warns(UnsupportedOption, match="api_open"):  # there is no HTTP API
        demo.queue(max_size=3, api_open=False)
    assert demo.max_size == 3
    with pytest.raises(TypeError, match="default_concurrency_limit"):
        demo.queue(concurrency_count=3)
    with pytest.raises(ValueError, match="max_size"):
        demo.queue(max_size=-1)


async def test_queue_max_size_refuses_a_run_when_that_many_wait():
    import threading

    release = threading.Event()
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        gr.Button("Go").click(lambda: release.wait(5) and "done", None, out, concurrency_limit=1)
    demo.queue(max_size=1)
    with registered(demo) as name:
        pages = [await PageClient(name).open() for _ in range(3)]
        try:
            first = asyncio.ensure_future(pages[0].click("Go"))
            await asyncio.sleep(0.2)
            second = asyncio.ensure_future(pages[1].click("Go"))  # waits: the one place
            await asyncio.sleep(0.2)
            third = await pages[2].trigger("Go", "click")  # no place left
            assert third.status == "failed"
            assert "busy" in str(third.alerts)
            release.set()
            await first
            await second
        finally:
            release.set()
            for page in pages:
                await page.close()


def test_js_functions_are_registered_by_the_app_script_not_evaluated():
    from blocksstate.rendering.scripts import registration

    with gr.Blocks(js="() => document.title = 'loaded'") as demo:
        box = gr.Textbox(label="In")
        dep = gr.Button("Go").click(lambda t: t, box, box, js="(t) => t + '</script>'")
    body = str(registration(demo, "shout"))
    assert f"\"{dep.id}\": ((t) => t + '<\\/script>')" in body
    assert "\"load\": (() => document.title = 'loaded')" in body
    _, (entry,) = wiring(demo)
    assert entry["js"] == dep.id and entry["inputs"] == [box.id] and entry["server"] is True


def test_the_app_script_carries_the_page_nonce():
    from blocksstate.rendering.tree import render_app

    with gr.Blocks() as demo:
        box = gr.Textbox(label="In")
        gr.Button("Go").click(None, box, box, js="(t) => t.trim()")
    with registered(demo) as name:
        html = str(render_app(demo, name, nonce="n0nce"))
    assert '<script nonce="n0nce">' in html and "window.blocksstate.js" in html

"""Recording event listeners: triggers, decorator forms, gr.on, chains and their options."""

import pytest

import blocksstate as gr
from blocksstate.engine.runner import UnknownDependency
from tests.helpers_engine import Harness


def test_a_listener_records_its_trigger_inputs_and_outputs():
    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        out = gr.Textbox(label="Out")
        btn = gr.Button("Go")
        dep = btn.click(str.upper, name, out, api_name="shout")

    assert demo.dependencies == [dep]
    assert dep.triggers == [(btn, "click")]
    assert (dep.inputs, dep.outputs) == ([name], [out])
    assert dep.api_name == "shout"
    assert dep.id == 0


def test_the_decorator_form_attaches_the_function_and_returns_it():
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        btn = gr.Button("Go")

        @btn.click(inputs=None, outputs=out)
        def go():
            return "went"

        @demo.load(outputs=out)
        def on_load():
            return "loaded"

    assert go() == "went"
    assert [d.fn for d in demo.dependencies] == [go, on_load]
    assert demo.dependencies[1].triggers == [(demo, "load")]


def test_gr_on_attaches_one_listener_to_several_triggers():
    with gr.Blocks() as demo:
        first = gr.Textbox(label="First")
        second = gr.Textbox(label="Second")
        out = gr.Textbox(label="Out")

        @gr.on([first.change, second.submit], inputs=[first, second], outputs=out)
        def join(a, b):
            return a + b

    (dep,) = demo.dependencies
    assert dep.triggers == [(first, "change"), (second, "submit")]
    assert dep.fn is join


def test_gr_on_without_triggers_listens_to_changes_of_its_inputs():
    with gr.Blocks() as demo:
        first = gr.Textbox(label="First")
        second = gr.Number(label="Second")
        out = gr.Textbox(label="Out")
        gr.on(None, lambda a, b: f"{a}{b}", [first, second], out)

    assert demo.dependencies[0].triggers == [(first, "change"), (second, "change")]


def test_chains_are_recorded_on_the_step_they_follow_and_are_server_only():
    with gr.Blocks() as demo:
        out = gr.Textbox(label="Out")
        click = gr.Button("Go").click(lambda: "a", None, out)
        then = click.then(lambda: "b", None, out)
        ok = click.success(lambda: "c", None, out)
        bad = then.failure(lambda: "d", None, out)

    assert click.chain == [("then", then), ("success", ok)]
    assert then.chain == [("failure", bad)]
    harness = Harness(demo)
    assert harness.engine.client_dependency(click.id) is click
    for step in (then, ok, bad):
        assert step.client_triggers == []
        with pytest.raises(UnknownDependency):
            harness.engine.client_dependency(step.id)


def test_the_decorator_form_of_a_chain_step():
    with gr.Blocks():
        out = gr.Textbox(label="Out")
        click = gr.Button("Go").click(lambda: "a", None, out)

        @click.then(outputs=out)
        def after():
            return "b"

    assert click.chain[0][1].fn is after


def test_state_change_load_and_unload_are_run_by_the_server_only():
    with gr.Blocks() as demo:
        state = gr.State(0)
        out = gr.Number(label="Out")
        change = state.change(lambda s: s, state, out)
        load = demo.load(lambda: 1, None, out)
        unload = demo.unload(lambda: None)

    assert unload.triggers == [(demo, "unload")]
    for dep in (change, load, unload):
        assert dep.client_triggers == []


def test_trigger_mode_defaults_follow_the_event():
    with gr.Blocks():
        box = gr.Textbox(label="Box")
        click = gr.Button("Go").click(lambda: "x", None, box)
        change = box.change(lambda v: v, box, None)
        explicit = box.submit(lambda v: v, box, None, trigger_mode="multiple")

    assert (click.trigger_mode, change.trigger_mode, explicit.trigger_mode) == (
        "once",
        "always_last",
        "multiple",
    )


def test_gradio_options_are_accepted_and_mistakes_are_refused():
    with gr.Blocks():
        box = gr.Textbox(label="Box")
        btn = gr.Button("Go")
        btn.click(
            lambda: "x",
            None,
            box,
            queue=False,
            scroll_to_output=True,
            show_progress=False,
            concurrency_limit=2,
        )

        with pytest.raises(TypeError, match="unexpected event listener option"):
            btn.click(lambda: "x", None, box, colour="red")
        with pytest.raises(TypeError, match="must be callable"):
            btn.click("not a function", None, box)
        with pytest.raises(TypeError, match="must be components"):
            btn.click(lambda: "x", None, "box")
        with pytest.raises(ValueError, match="trigger_mode"):
            btn.click(lambda: "x", None, box, trigger_mode="sometimes")
        with pytest.raises(TypeError, match="not an event"):
            gr.on([btn], lambda: "x", None, box)


def test_a_component_of_another_blocks_is_refused():
    with gr.Blocks():
        foreign = gr.Textbox(label="Foreign")
    with gr.Blocks():
        btn = gr.Button("Go")
        with pytest.raises(ValueError, match="another Blocks"):
            btn.click(lambda v: v, foreign, None)


async def test_inputs_given_as_a_set_reach_the_handler_as_a_dict():
    with gr.Blocks() as demo:
        first = gr.Textbox(label="First", value="a")
        second = gr.Textbox(label="Second", value="b")
        out = gr.Textbox(label="Out")
        dep = gr.Button("Join").click(lambda data: data[first] + data[second], {first, second}, out)
    assert dep.inputs_as_dict
    harness = Harness(demo)

    run = await harness.run(harness.session(), 0, {second: "z"})

    assert run.updates == {out.id: {"value": "az"}}

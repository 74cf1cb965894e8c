"""Which steps are plain (``engine.plan``), run without the general step's machinery, and
what a plain step still does as any step does: all or nothing, its State size limited."""

from __future__ import annotations

import pytest
from django.test import override_settings

import blocksstate as gr
from blocksstate.engine.plan import is_plain
from blocksstate.testing import dependency
from tests.helpers_engine import Harness


def listener(build):
    """The one listener ``build(inputs, button)`` wires in a new app."""
    with gr.Blocks() as demo:
        state = gr.State(0)
        box = gr.Textbox()
        button = gr.Button("Go")
        build(state, box, button)
    return demo.dependencies[0]


def plain_fn(value):
    return value


def with_event_data(value, evt: gr.EventData):
    return value


def with_request(value, request: gr.Request):
    return value


PLAIN = {
    "a function of a State and a Textbox": lambda s, b, go: go.click(plain_fn, s, b),
    "a function of nothing": lambda s, b, go: go.click(lambda: "x", None, b),
}


async def async_fn(value):
    return value


def generator_fn(value):
    yield value


NOT_PLAIN = {
    "an async function": lambda s, b, go: go.click(async_fn, s, b),
    "a generator": lambda s, b, go: go.click(generator_fn, s, b),
    "no function (a js-only listener)": lambda s, b, go: go.click(None, s, b, js="() => 1"),
    "an EventData parameter": lambda s, b, go: go.click(with_event_data, s, b),
    "a Request parameter": lambda s, b, go: go.click(with_request, s, b),
    "a batch": lambda s, b, go: go.click(lambda v: [v], s, b, batch=True),
    "a GlobalState input": lambda s, b, go: go.click(plain_fn, gr.GlobalState(0, key="p1"), b),
    "a GlobalState output": lambda s, b, go: go.click(plain_fn, s, gr.GlobalState(0, key="p2")),
    "a file output": lambda s, b, go: go.click(plain_fn, s, gr.File()),
    "a file input": lambda s, b, go: go.click(plain_fn, gr.Image(), b),
}


@pytest.mark.parametrize("build", PLAIN.values(), ids=PLAIN.keys())
def test_a_step_needing_nothing_more_than_its_values_is_plain(build):
    assert is_plain(listener(build))


@pytest.mark.parametrize("build", NOT_PLAIN.values(), ids=NOT_PLAIN.keys())
def test_a_step_needing_more_takes_the_general_way(build):
    assert not is_plain(listener(build))


def test_a_dict_of_inputs_takes_the_general_way():
    with gr.Blocks() as demo:
        state = gr.State(0)
        box = gr.Textbox()
        gr.Button("Go").click(lambda values: values[state], {state}, box)
    assert not is_plain(demo.dependencies[0])


@pytest.mark.parametrize("size", [500, 1200], ids=["within the limit", "over it together"])
async def test_a_state_output_and_a_state_grown_in_place_are_limited_together(size):
    """Each alone fits MAX_STATE_BYTES (2,000); at 1,200 each, together they do not:
    the plain step then fails whole, and otherwise is applied and shown."""

    def both(notes, other):
        notes.append("x" * size)
        return "y" * size, "after"

    with gr.Blocks() as demo:
        notes = gr.State([])
        other = gr.State("")
        said = gr.Textbox(value="before")
        go = gr.Button("Go")
        go.click(both, [notes, other], [other, said])
    assert is_plain(demo.dependencies[0])
    harness = Harness(demo)
    session = harness.session()

    with override_settings(BLOCKSSTATE={"MAX_STATE_BYTES": 2000}):
        run = await harness.run(session, dependency(demo, go, "click"))

    if size == 500:
        assert run.ok
        assert run.updates == {said.id: {"value": "after"}}
        assert (session.values[notes.id], session.values[other.id]) == (["x" * 500], "y" * 500)
    else:
        assert not run.ok
        assert [f["type"] for f in run.frames] == ["alert"]
        assert (session.values[notes.id], session.values[other.id]) == ([], "")
        assert session.values[said.id] == "before"

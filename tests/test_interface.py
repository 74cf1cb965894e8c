"""gr.Interface's arguments: examples, additional inputs, title/description/article, live, flagging."""

from __future__ import annotations

import warnings

import pytest

import blocksstate as gr
from blocksstate.components.layout import Accordion
from blocksstate.rendering.tree import render_app
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption


def greet(name, times, punctuation="!"):
    return f"Hello {name}" * int(times or 1) + punctuation


def full_interface(**options):
    return gr.Interface(
        greet,
        ["text", gr.Number(label="Times")],
        "text",
        examples=[["Ada", 1, "?"], ["Bob", 2, "."]],
        additional_inputs=[gr.Textbox("!", label="Punctuation")],
        title="Greeter",
        description="Says *hello*.",
        article="Made for the **tests**.",
        api_name="greet",
        **options,
    )


def test_title_description_article_additional_inputs_and_examples_are_laid_out():
    demo = full_interface()
    accordion = next(b for b in _blocks(demo) if isinstance(b, Accordion))
    assert (accordion.label, accordion.open) == ("Additional Inputs", False)
    assert [c.label for c in accordion.children] == ["Punctuation"]
    assert [c.label for c in demo.input_components] == ["name", "Times", "Punctuation"]
    dataset = demo.examples_handler.dataset
    assert dataset.samples == [["Ada", 1], ["Bob", 2]]  # the additional input is hidden
    assert demo.dependencies[0].api_name == "greet"
    with registered(demo) as app:
        html = render_app(demo, app)
    for text in ("<h1>Greeter</h1>", "<em>hello</em>", "<strong>tests</strong>", "Examples"):
        assert text in html
    assert html.index("Examples") < html.index("<strong>tests</strong>")


async def test_an_interface_example_fills_every_input_and_submit_runs_fn():
    demo = full_interface()
    dataset = demo.examples_handler.dataset
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(dataset, "click", {dataset: 1})
            assert (page.value("name"), page.value("Times"), page.value("Punctuation")) == (
                "Bob",
                2,
                ".",
            )
            await page.click("Submit")
            assert page.value("output") == "Hello BobHello Bob."


async def test_a_live_interface_runs_on_change_and_has_no_submit_button():
    demo = gr.Interface(lambda text: text.upper(), "text", "text", live=True)
    assert not any(getattr(b, "value", None) == "Submit" for b in _blocks(demo))
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger("text", "change", {"text": "abc"})
            assert page.value("output") == "ABC"


async def test_a_batch_function_gets_lists_of_one_sample(fresh_warnings):
    def lengths(words):
        return ([len(w) for w in words],)

    with pytest.warns(gr.warnings.UnsupportedOption, match="batches of one sample"):
        demo = gr.Interface(lengths, "text", "number", batch=True, max_batch_size=8)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Submit", {"words": "four"})
            assert page.value("output") == 4


def test_buttons_and_the_accordion_can_be_given_as_components_or_text():
    demo = gr.Interface(
        lambda a, b: a,
        "text",
        "text",
        additional_inputs=["text"],
        additional_inputs_accordion=gr.Accordion("More", open=True, render=False),
        submit_btn=gr.Button("Go", variant="primary", render=False),
        clear_btn=None,
    )
    labels = [getattr(b, "label", None) for b in _blocks(demo)]
    assert "More" in labels
    assert any(getattr(b, "value", None) == "Go" for b in _blocks(demo))
    assert not any(isinstance(b, gr.ClearButton) for b in _blocks(demo))
    with pytest.raises(ValueError, match="additional_inputs_accordion"):
        gr.Interface(
            lambda a, b: a, "text", "text", additional_inputs="text", additional_inputs_accordion=3
        )


def test_flagging_and_other_unimplemented_options_warn_once_and_bad_values_are_refused():
    with pytest.warns(UnsupportedOption, match="'flagging_mode'"):
        gr.Interface(lambda x: x, "text", "text", flagging_mode="manual")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gr.Interface(lambda x: x, "text", "text", flagging_mode="never", api_name="x", live=False)
    with pytest.raises(ValueError, match="flagging_mode"):
        gr.Interface(lambda x: x, "text", "text", flagging_mode="sometimes")


def test_a_tabbed_interface_lays_each_interface_out_in_its_tab():
    upper = gr.Interface(lambda t: t.upper(), gr.Textbox(label="In"), "text")
    lower = gr.Interface(lambda t: t.lower(), "text", "text", examples=["ABC"])
    demo = gr.TabbedInterface([upper, lower], ["Upper", "Lower"], title="Cases")
    tabs = [b for b in _blocks(demo) if isinstance(b, gr.Tab)]
    assert [t.label for t in tabs] == ["Upper", "Lower"]
    assert upper.input_components[0].blocks is upper  # the original is left as it was
    assert demo.interfaces[0].input_components[0].blocks is demo
    with pytest.raises(TypeError, match="gr.Interface"):
        gr.TabbedInterface([gr.Blocks()])


async def test_a_tabbed_interface_runs_each_function():
    upper = gr.Interface(lambda t: t.upper(), gr.Textbox(label="In"), "text")
    demo = gr.TabbedInterface([upper])
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("Submit", {"In": "abc"})
            assert page.value("output") == "ABC"


def _blocks(root):
    stack = list(root.children)
    while stack:
        block = stack.pop(0)
        yield block
        stack[0:0] = getattr(block, "children", [])

"""gr.Dataset and gr.Examples: samples a visitor clicks, which fill the inputs (and may run fn)."""

from __future__ import annotations

import warnings

import pytest

import blocksstate as gr
from blocksstate.components.schema import InvalidValue
from blocksstate.files import store
from blocksstate.rendering.tree import render_app
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption
from tests.helpers_media import media_root  # noqa: F401

pytest_plugins = ["tests.helpers_files_fixtures"]  # media


def examples_app(**options):
    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name")
        count = gr.Number(label="Count")
        out = gr.Textbox(label="Out")
        examples = gr.Examples(
            [["Ada", 2], ["Bob", 3]],
            [name, count],
            out,
            fn=lambda n, c: n * int(c),
            **options,
        )
    return demo, examples, name, count, out


# -- Dataset --------------------------------------------------------------------------------------


def test_a_dataset_gives_handlers_the_sample_as_its_type_says():
    values = gr.Dataset(components=["text", "number"], samples=[["a", 1], ["b", 2]], render=False)
    index = gr.Dataset(components=["text"], samples=[["a"]], type="index", render=False)
    both = gr.Dataset(components=["text"], samples=[["a"], ["b"]], type="tuple", render=False)
    assert values.to_handler(values.preprocess(1)) == ["b", 2]
    assert index.to_handler(index.preprocess(0)) == 0
    assert both.to_handler(both.preprocess(1)) == (1, ["b"])
    assert values.preprocess(None) is None


@pytest.mark.parametrize("payload", [2, -1, "0", True, 1.5])
def test_a_dataset_refuses_an_index_it_does_not_have(payload):
    dataset = gr.Dataset(components=["text"], samples=[["a"], ["b"]], render=False)
    with pytest.raises(InvalidValue):
        dataset.preprocess(payload)


def test_a_dataset_shows_an_index_or_a_sample_and_refuses_new_samples_as_a_value():
    dataset = gr.Dataset(components=["text"], samples=[["a"], ["b"]], render=False)
    assert dataset.postprocess(1) == [1, ["b"]]
    assert dataset.postprocess(["a"]) == [0, ["a"]]
    assert dataset.page_update(dataset.postprocess(1)) == {"value": 1}
    with pytest.raises(InvalidValue, match=r"gr.Dataset\(samples=...\)"):
        dataset.postprocess(["z"])


def test_dataset_options_are_checked():
    with pytest.raises(ValueError, match="type must be one of"):
        gr.Dataset(components=["text"], type="value", render=False)
    with pytest.raises(ValueError, match="samples_per_page"):
        gr.Dataset(components=["text"], samples_per_page=0, render=False)
    with pytest.raises(ValueError, match="unknown component shortcut"):
        gr.Dataset(components=["nope"], render=False)
    with pytest.raises(ValueError, match="one label per sample"):
        gr.Dataset(components=["text"], samples=[["a"]], sample_labels=["x", "y"], render=False)


def test_a_dataset_reads_choices_by_label_and_files_by_name():
    dataset = gr.Dataset(
        components=[gr.Radio([("Yes", 1), ("No", 0)], render=False), gr.File(render=False)],
        samples=[[1, "/tmp/pics/cat.png"]],
        render=False,
    )
    assert dataset.sample_cells(dataset.samples) == [["Yes", "cat.png"]]


async def test_clicking_a_sample_fires_click_and_select_with_the_sample():
    def selected(evt: gr.SelectData) -> str:
        return f"selected {evt.index} {evt.value}"

    with gr.Blocks() as demo:
        dataset = gr.Dataset(components=["text"], samples=[["a"], ["b"]], label="Words")
        out = gr.Textbox(label="Out")
        dataset.click(lambda word: f"clicked {word}", dataset, out)
        dataset.select(selected, None, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(dataset, "click", {dataset: 1})
            assert page.value(out) == "clicked ['b']"
            reply = await page.trigger(
                dataset, "select", {dataset: 1}, data={"index": 1, "value": ["b"]}
            )
            assert reply.status == "done"
            assert page.value(out) == "selected 1 ['b']"
            error = (await page.trigger(dataset, "click", {dataset: 5})).error
            assert "there is no sample 5" in error["message"]
            assert page.value(out) == "selected 1 ['b']"


async def test_new_samples_from_a_handler_reach_the_page_as_texts_and_are_picked_from():
    with gr.Blocks() as demo:
        dataset = gr.Dataset(components=["text"], samples=[["a"]], label="Words")
        out = gr.Textbox(label="Out")
        gr.Button("More").click(lambda: gr.Dataset(samples=[["x"], ["y"]]), None, dataset)
        dataset.click(lambda word: word[0], dataset, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.click("More")
            assert page.props(dataset)["sample_cells"] == [["x"], ["y"]]
            await page.trigger(dataset, "click", {dataset: 1})
            assert page.value(out) == "y"


def test_a_dataset_renders_its_samples_as_buttons_in_pages():
    with gr.Blocks() as demo:
        gr.Dataset(
            components=["text"], samples=[[w] for w in "abc"], samples_per_page=2, label="Letters"
        )
    with registered(demo) as app:
        html = render_app(demo, app)
    assert html.count('class="bs-sample"') == 3
    assert 'aria-label="Pages of Letters"' in html
    assert '<li class="bs-sample-row" data-bs-page="1" hidden>' in html


# -- Examples -------------------------------------------------------------------------------------


async def test_clicking_an_example_fills_the_inputs_without_running_fn():
    demo, examples, name, count, out = examples_app()
    assert examples.dataset.headers == ["Name", "Count"]
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(examples.dataset, "click", {examples.dataset: 1})
            assert page.value(name) == "Bob"
            assert page.value(count) == 3
            assert page.value(out) in (None, "")


async def test_with_run_on_click_the_example_runs_fn_in_the_same_event():
    demo, examples, name, count, out = examples_app(run_on_click=True)
    with registered(demo) as app:
        async with PageClient(app) as page:
            reply = await page.trigger(examples.dataset, "click", {examples.dataset: 0})
            assert reply.status == "done"
            assert page.value(out) == "AdaAda"


def test_cache_examples_warns_once_and_runs_fn_on_click():
    with pytest.warns(UnsupportedOption, match="cache_examples"):
        _, examples, *_ = examples_app(cache_examples=True)
    assert examples.run_on_click
    with pytest.raises(ValueError, match="`fn` and `outputs` must be provided"), gr.Blocks():
        gr.Examples([["a"]], gr.Textbox(), cache_examples=True)
    with pytest.raises(ValueError, match="True or False"), gr.Blocks():
        gr.Examples([["a"]], gr.Textbox(), cache_examples="yes")


def test_examples_forms_and_their_errors():
    with gr.Blocks():
        box = gr.Textbox(label="Word")
        flat = gr.Examples(["a", "b"], box)
        assert flat.dataset.samples == [["a"], ["b"]]
        with pytest.raises(ValueError, match="run_on_click"):
            gr.Examples(["a"], box, run_on_click=True)
        with pytest.raises(ValueError, match="list of lists"):
            gr.Examples(["a", "b"], [box, gr.Number()])
        with pytest.raises(ValueError, match="example_labels"):
            gr.Examples(["a"], box, example_labels=["x", "y"])
        labelled = gr.Examples(["a"], box, example_labels=["First"])
        assert labelled.dataset.sample_cells(labelled.dataset.samples, ["First"]) == [["First"]]


def test_examples_outside_a_blocks_warn_as_in_gradio():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gr.Examples(["a"], gr.Textbox(render=False))
    assert any("examples.create()" in str(w.message) for w in caught)


def test_examples_from_a_folder(tmp_path):
    (tmp_path / "one.txt").write_text("1")
    (tmp_path / "two.txt").write_text("2")
    with gr.Blocks():
        examples = gr.Examples(str(tmp_path), gr.File())
    assert examples.dataset.samples == [["one.txt"], ["two.txt"]]


async def test_hidden_columns_are_filled_from_the_example():
    with gr.Blocks() as demo:
        word = gr.Textbox(label="Word")
        times = gr.Number(label="Times")
        examples = gr.Examples([["a", 2]], [word, times], visible_columns=[0])
    assert examples.dataset.samples == [["a"]]
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(examples.dataset, "click", {examples.dataset: 0})
            assert (page.value(word), page.value(times)) == ("a", 2)


async def test_a_file_example_is_stored_once_for_the_app(tmp_path):
    picture = tmp_path / "note.txt"
    picture.write_text("hello")
    with gr.Blocks() as demo:
        file = gr.File(label="Document")
        examples = gr.Examples([[str(picture)]], file)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(examples.dataset, "click", {examples.dataset: 0})
            first = page.value(file)
            await page.trigger(examples.dataset, "click", {examples.dataset: 0})
            assert page.value(file)["path"] == first["path"]
        assert first["orig_name"] == "note.txt"
        assert store.Owner.of(first["path"]).session_id is None  # the app's, not the session's

"""gr.Dataframe: the table on the wire, the value types handlers get and return, each cell
checked against its column's datatype, the counts a page may reach, and its events' data."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import blocksstate as gr
from blocksstate.app.event_data import BadEventData
from blocksstate.components import InvalidValue
from blocksstate.components.table import MAX_CELL_CHARS, MAX_CELLS
from blocksstate.testing import PageClient, registered
from blocksstate.warnings import UnsupportedOption

TABLE = {"headers": ["item", "price"], "data": [["apple", 1.5], ["pear", 2]]}


def prices(**options):
    return gr.Dataframe(TABLE, datatype=["str", "number"], **options)


# -- values from handlers --------------------------------------------------------------------


@pytest.mark.parametrize(
    "returned",
    [
        pd.DataFrame({"item": ["apple", "pear"], "price": [1.5, 2]}),
        pd.DataFrame({"item": ["apple", "pear"], "price": [1.5, 2]}).style.format(precision=1),
        {"headers": ["item", "price"], "data": [("apple", 1.5), ("pear", 2)]},
    ],
)
def test_a_dataframe_a_styler_or_a_dict_becomes_headers_and_data(returned):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnsupportedOption)
        shown = prices().postprocess(returned)
    assert shown == {"headers": ["item", "price"], "data": [["apple", 1.5], ["pear", 2]]}
    assert type(shown["data"][1][1]) in (int, float)


def test_arrays_and_lists_take_the_headers_given_and_number_the_rest():
    table = gr.Dataframe(headers=["a", "b"], datatype="number")
    assert table.postprocess(np.array([[1, 2, 3]])) == {
        "headers": ["a", "b", "3"],
        "data": [[1, 2, 3]],
    }
    assert table.postprocess([[1], [2]]) == {"headers": ["a"], "data": [[1], [2]]}
    assert table.postprocess([5, 6]) == {"headers": ["a"], "data": [[5], [6]]}
    assert table.postprocess([]) == {"headers": ["a", "b"], "data": []}


def test_none_shows_row_count_empty_rows():
    table = gr.Dataframe(headers=["name", "age"], datatype=["str", "number"], row_count=2)
    assert table.initial_value() == {"headers": ["name", "age"], "data": [["", None], ["", None]]}
    assert gr.Dataframe().initial_value()["headers"] == ["1", "2", "3"]


def test_nan_dates_and_numpy_scalars_become_json():
    frame = pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None]), "n": [np.int64(3), np.nan]})
    shown = gr.Dataframe(datatype=["date", "number"]).postprocess(frame)
    assert shown["data"] == [["2024-01-02T00:00:00", 3.0], [None, None]]


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (
            {"headers": ["item", "price"], "data": [["apple", "cheap"]]},
            "expected a number, got 'cheap'",
        ),
        ({"headers": ["a"]}, "needs 'data'"),
        ([["a", 1], ["b"]], "row 2 has 1 cells, expected 2"),
        (object(), "expected a table"),
        ("prices.csv", "read only as the constructor's value"),
        (np.zeros((2, 2, 2)), "1- or 2-dimensional"),
    ],
)
def test_a_handler_result_that_is_no_table_of_the_columns_is_refused(returned, message):
    with pytest.raises(InvalidValue, match=message):
        prices().postprocess(returned)


# -- values to handlers ----------------------------------------------------------------------


def test_handlers_get_the_type_asked_for():
    stored = prices().initial_value()
    frame = prices().to_handler(stored)
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == ["item", "price"]
    assert frame["price"].sum() == 3.5
    array = prices(type="numpy").to_handler(stored)
    assert isinstance(array, np.ndarray) and array.shape == (2, 2)
    rows = prices(type="array").to_handler(stored)
    assert rows == [["apple", 1.5], ["pear", 2]]
    rows[0][0] = "changed"
    assert stored["data"][0][0] == "apple"  # the handler's list is its own


def test_without_pandas_the_default_gives_lists_and_an_explicit_pandas_fails(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    monkeypatch.setattr(
        "blocksstate.components.dataframe.installed", lambda module: module != "pandas"
    )
    table = gr.Dataframe(TABLE, datatype=["str", "number"])
    assert table.to_handler(table.initial_value()) == [["apple", 1.5], ["pear", 2]]
    with pytest.raises(ImportError, match=r"pandas: pip install 'django-blocksstate\[data\]'"):
        gr.Dataframe(type="pandas")


def test_an_unknown_type_or_datatype_is_refused():
    with pytest.raises(ValueError, match="type must be one of"):
        gr.Dataframe(type="excel")
    with pytest.raises(ValueError, match="datatype 'money'"):
        gr.Dataframe(datatype=["str", "money"])
    with pytest.raises(ValueError, match="headers has 2 names but column_count is 3"):
        gr.Dataframe(headers=["a", "b"], column_count=3)


def test_datatype_auto_reads_the_columns():
    frame = pd.DataFrame({"a": [1], "b": ["x"], "c": [True], "d": pd.to_datetime(["2024-01-01"])})
    assert gr.Dataframe(frame, datatype="auto").datatype == ["number", "str", "bool", "date"]


# -- values from the page ----------------------------------------------------------------------


def test_typed_cells_are_read_by_their_column():
    table = gr.Dataframe(
        headers=["n", "ok", "day", "note"], datatype=["number", "bool", "date", "markdown"]
    )
    page = {
        "headers": ["n", "ok", "day", "note"],
        "data": [["12", "true", "2024-02-03", "*hi*"], ["", "", "", ""]],
    }
    assert table.preprocess(page)["data"] == [
        [12, True, "2024-02-03", "*hi*"],
        [None, None, None, ""],
    ]


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["abc", True, "2024-01-01"], "row 1, column 'n': expected a number, got 'abc'"),
        ([1, "maybe", "2024-01-01"], "column 'ok': expected true or false"),
        ([1, True, "yesterday"], "column 'day': expected a date"),
        ([1e400, True, "2024-01-01"], "finite"),
        ([[1], True, "2024-01-01"], "expected a number, got list"),
    ],
)
def test_a_cell_that_does_not_fit_its_column_is_refused(cells, message):
    table = gr.Dataframe(headers=["n", "ok", "day"], datatype=["number", "bool", "date"])
    with pytest.raises(InvalidValue, match=message):
        table.preprocess({"headers": ["n", "ok", "day"], "data": [cells]})


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [["a"]],
        {"data": [["a"]]},
        {"headers": "a", "data": [["a"]]},
        {"headers": [1], "data": [["a"]]},
        {"headers": ["a"], "data": ["a"]},
        {"headers": ["a"], "data": [["a", "b"]]},
        {"headers": ["a"], "data": [[{"x": 1}]]},
        {"headers": ["a"], "data": [["x" * (MAX_CELL_CHARS + 1)]]},
        {"headers": ["a"], "data": [["x"]] * (MAX_CELLS + 1)},
    ],
)
def test_a_page_value_of_the_wrong_shape_or_size_is_refused(payload):
    with pytest.raises(InvalidValue):
        gr.Dataframe(headers=["a"]).preprocess(payload)


def test_fixed_counts_and_limits_bound_what_the_page_sends():
    fixed = gr.Dataframe(headers=["a", "b"], row_count=(2, "fixed"), col_count=(2, "fixed"))
    assert fixed.row_limits == (2, 2) and fixed.column_limits == (2, 2)
    two = {"headers": ["a", "b"], "data": [["1", "2"], ["3", "4"]]}
    assert fixed.preprocess(two) == two
    with pytest.raises(InvalidValue, match="at most 2 rows"):
        fixed.preprocess({**two, "data": [*two["data"], ["5", "6"]]})
    with pytest.raises(InvalidValue, match="at most 2 columns"):
        fixed.preprocess({"headers": ["a", "b", "c"], "data": [["1", "2", "3"]] * 2})
    bounded = gr.Dataframe(headers=["a"], row_limits=(1, None))
    with pytest.raises(InvalidValue, match="at least 1 rows"):
        bounded.preprocess({"headers": ["a"], "data": []})
    # A handler is not bound by them (as in Gradio: they bound the visitor).
    assert len(fixed.postprocess([["x", "y"]] * 3)["data"]) == 3


def test_markdown_cells_are_rendered_and_sanitised_by_the_server():
    table = gr.Dataframe(headers=["note", "n"], datatype=["markdown", "number"])
    update = table.page_update(table.postprocess([["**bold** <script>x</script>", 1]]))
    html = update["html"][0][0]
    assert "<strong>bold</strong>" in html and "<script>" not in html
    assert update["html"][0][1] is None
    assert "html" not in prices().page_update(prices().initial_value())


# -- Gradio's options ----------------------------------------------------------------------


def test_unsupported_options_warn_and_html_columns_are_shown_as_text():
    with pytest.warns(UnsupportedOption, match="show_search"):
        gr.Dataframe(show_search="search")
    with pytest.warns(UnsupportedOption, match="buttons"):
        gr.Dataframe(buttons=["copy"])
    with pytest.warns(UnsupportedOption, match="datatype='html'"):
        gr.Dataframe(datatype=["str", "html"])
    assert gr.DataFrame is gr.Dataframe


def test_every_gradio_parameter_is_accepted():
    import inspect

    names = set(inspect.signature(gr.Dataframe.__init__).parameters)
    gradio = {
        "value", "headers", "row_count", "row_limits", "col_count", "column_count",
        "column_limits", "datatype", "type", "latex_delimiters", "label", "show_label",
        "every", "inputs", "max_height", "scale", "min_width", "interactive", "visible",
        "elem_id", "elem_classes", "render", "key", "preserved_by_key", "wrap", "line_breaks",
        "column_widths", "buttons", "show_row_numbers", "max_chars", "show_search",
        "pinned_columns", "static_columns",
    }  # fmt: skip
    missing = {
        n
        for n in gradio - names
        if n not in ("visible", "elem_id", "elem_classes", "render", "key")
    }
    assert missing == set()
    assert {"change", "input", "select", "edit"} <= {
        name for name in dir(gr.Dataframe) if name in ("change", "input", "select", "edit")
    }


# -- events ----------------------------------------------------------------------------------


def test_select_data_is_read_from_the_table():
    table = prices()
    value = table.initial_value()
    data = table.event_data("select", {"index": [1, 1], "value": 2}, {}, value)
    assert data == {
        "index": [1, 1],
        "value": 2,
        "row_value": ["pear", 2],
        "col_value": [1.5, 2],
        "selected": True,
    }
    with pytest.raises(BadEventData, match="not a cell"):
        table.event_data("select", {"index": [2, 0]}, {}, value)
    with pytest.raises(BadEventData, match="not the cell"):
        table.event_data("select", {"index": [0, 0], "value": "pear"}, {}, value)
    edit = table.event_data(
        "edit", {"index": [0, 1], "value": "1.5", "previous_value": "1"}, {}, value
    )
    assert edit == {"index": [0, 1], "value": 1.5, "previous_value": "1"}


def editor_app():
    with gr.Blocks() as demo:
        table = prices(label="Prices", interactive=True)
        total = gr.Textbox(label="Total")
        chosen = gr.Textbox(label="Chosen")

        def selected(frame, evt: gr.SelectData) -> str:
            return f"{evt.index} {evt.value} {evt.row_value}"

        table.change(lambda frame: str(frame["price"].sum()), table, total)
        table.select(selected, table, chosen)
    return demo, table, total, chosen


async def test_an_edit_reaches_the_handler_as_a_dataframe():
    demo, table, total, chosen = editor_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            edited = {"headers": ["item", "price"], "data": [["apple", "10"], ["pear", 2]]}
            reply = await page.trigger(table, "change", values={table: edited})
            assert reply.status == "done"
            assert page.value(total) == "12"  # "10" was read as the number 10
            await page.trigger(table, "select", data={"index": [1, 0], "value": "pear"})
            assert page.value(chosen) == "(1, 0) pear ['pear', 2]"


async def test_a_refused_cell_changes_nothing_and_the_page_gets_the_kept_value_back():
    demo, table, total, _chosen = editor_app()
    with registered(demo) as app:
        async with PageClient(app) as page:
            edited = {"headers": ["item", "price"], "data": [["apple", "abc"], ["pear", 2]]}
            reply = await page.trigger(table, "change", values={table: edited})
            assert reply.error["code"] == "invalid_input"
            assert "expected a number, got 'abc'" in reply.error["message"]
            assert reply.error["component"] == table.id
            assert reply.error["kept"] == {"value": TABLE}  # the page shows it again
            assert page.value(total) == ""


# -- the first page ----------------------------------------------------------------------------


def test_the_first_page_shows_the_table_labelled_with_markdown_rendered_safely():
    from blocksstate.rendering import render_app

    with gr.Blocks() as demo:
        gr.Dataframe(
            [["**bold** <img src=x onerror=alert(1)>", 1]],
            headers=["note", "n"],
            datatype=["markdown", "number"],
            label="Notes",
            interactive=True,
        )
    with registered(demo):
        html = str(render_app(demo))
    assert 'role="grid"' in html and "Notes</p>" in html
    assert '<th scope="col">note</th>' in html
    assert "<strong>bold</strong>" in html and "<img" not in html  # shown as text
    assert '<td data-bs-kind="number">1</td>' in html


def test_gradios_templates_are_components_with_its_defaults():
    with gr.Blocks():
        assert gr.Files().file_count == "multiple"
        assert gr.Microphone().sources == ["microphone"]
        assert gr.Mic is gr.Microphone
        assert gr.PlayableVideo().format == "mp4"
        assert gr.Numpy().type == "numpy"
        one_column = gr.List()
        assert (one_column.type, one_column.column_count) == ("array", 1)


async def test_a_list_gives_its_handler_rows_and_a_matrix_refuses_a_word_in_a_number_column():
    with gr.Blocks() as demo:
        words = gr.List(headers=["word"], label="Words")
        grid = gr.Matrix([[1, 2]], headers=["a", "b"], datatype="number", label="Grid")
        out = gr.Textbox(label="Out")
        words.change(lambda rows: repr(rows), words, out)
        grid.change(lambda rows: repr(rows), grid, out)
    with registered(demo) as app:
        async with PageClient(app) as page:
            await page.trigger(
                words, "change", values={words: {"headers": ["word"], "data": [["hi"], ["yo"]]}}
            )
            assert page.value(out) == "[['hi'], ['yo']]"
            reply = await page.trigger(
                grid, "change", values={grid: {"headers": ["a", "b"], "data": [[1, "x"]]}}
            )
            assert reply.error["code"] == "invalid_input"
            assert page.value(out) == "[['hi'], ['yo']]"


async def test_a_big_table_is_checked_off_the_event_loop_and_a_bad_one_changes_nothing():
    import threading

    from blocksstate.components import dataframe as dataframe_module

    threads: list[bool] = []
    original = dataframe_module.Dataframe._table

    def spy(self, headers, rows, props):
        threads.append(threading.current_thread() is threading.main_thread())
        return original(self, headers, rows, props)

    big = [[i, i * 2.5] for i in range(3_000)]  # 6,000 cells
    with gr.Blocks() as demo:
        size = gr.Number(3_000, label="Rows")
        table = gr.Dataframe(headers=["n", "x"], datatype="number", label="Table")
        size.change(
            lambda n: [[*row] for row in big[: int(n)]] + ([["oops", 1]] if n < 0 else []),
            size,
            table,
        )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dataframe_module.Dataframe, "_table", spy)
        with registered(demo) as app:
            async with PageClient(app) as page:
                threads.clear()
                reply = await page.trigger(size, "change", values={size: 3_000})
                assert reply.status == "done"
                assert threads == [False]  # checked once, in a handler thread
                assert len(page.value(table)["data"]) == 3_000
                reply = await page.trigger(size, "change", values={size: -1})
                assert reply.status != "done"
                assert len(page.value(table)["data"]) == 3_000  # the table shown is kept

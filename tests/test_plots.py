"""gr.Plot and the native plots: what each figure kind is drawn as, and the data they refuse."""

from __future__ import annotations

import base64
import builtins
import re
import threading
import xml.etree.ElementTree as ET

import pytest

import blocksstate as gr
from blocksstate.app.registry import register, unregister
from blocksstate.components import InvalidValue
from blocksstate.components.native_plot import as_table
from blocksstate.warnings import UnsupportedOption
from tests.helpers_engine import Harness

pd = pytest.importorskip("pandas")
SVG = "{http://www.w3.org/2000/svg}"


def picture(value: dict) -> bytes:
    """The bytes of a drawn Plot's data: URL."""
    head, data = value["src"].split(",", 1)
    assert head.endswith(";base64")
    return base64.b64decode(data)


def points(svg: str) -> list[tuple[float, float, str, str]]:
    """Each drawn point: its pixel centre and the data it carries."""
    root = ET.fromstring(svg)
    return [
        (float(c.get("cx")), float(c.get("cy")), c.get("data-x"), c.get("data-y"))
        for c in root.iter(f"{SVG}circle")
    ]


# -- gr.Plot ------------------------------------------------------------------------------


def test_a_matplotlib_figure_is_an_svg_picture_with_its_text_and_stays_open():
    from matplotlib.figure import Figure

    figure = Figure()
    axes = figure.subplots()
    axes.plot([1, 2, 3], [4, 1, 9])
    axes.set_title("Rainfall by month")
    drawn = gr.Plot().postprocess(figure)
    assert drawn["kind"] == "image" and drawn["src"].startswith("data:image/svg+xml;base64,")
    svg = picture(drawn).decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Rainfall by month" in svg  # the figure's text is text in the SVG
    axes.set_title("still usable")  # nothing the user holds was closed
    assert "still usable" in picture(gr.Plot().postprocess(figure)).decode()


def test_a_raster_format_is_honoured_and_an_unknown_one_refused():
    from matplotlib.figure import Figure

    figure = Figure()
    figure.subplots().plot([1, 2])
    drawn = gr.Plot(format="png").postprocess(figure)
    assert drawn["src"].startswith("data:image/png;base64,")
    assert picture(drawn)[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="format"):
        gr.Plot(format="gif")


def test_a_plotly_figure_is_sent_as_its_json():
    go = pytest.importorskip("plotly.graph_objects")
    figure = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="walk"))
    figure.update_layout(title_text="A walk")
    drawn = gr.Plot().postprocess(figure)
    assert drawn["kind"] == "plotly"
    assert drawn["figure"]["data"][0]["name"] == "walk"
    assert drawn["figure"]["layout"]["title"]["text"] == "A walk"


def test_an_altair_chart_is_drawn_as_svg_by_vl_convert():
    alt = pytest.importorskip("altair")
    pytest.importorskip("vl_convert")
    data = pd.DataFrame({"a": ["x", "y"], "b": [1, 2]})
    chart = alt.Chart(data).mark_bar().encode(x="a", y="b").properties(title="Altair bars")
    drawn = gr.Plot().postprocess(chart)
    assert drawn["kind"] == "image" and "Altair bars" in picture(drawn).decode()


def test_an_altair_chart_without_vl_convert_names_the_extra(monkeypatch):
    alt = pytest.importorskip("altair")
    chart = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a")
    real_import = builtins.__import__

    def no_vl_convert(name, *args, **kwargs):
        if name == "vl_convert":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_vl_convert)
    with pytest.raises(InvalidValue, match=re.escape("blocksstate[plots]")):
        gr.Plot().postprocess(chart)


@pytest.mark.parametrize("value", ["<svg onload=alert(1)>", {"kind": "image", "src": "x"}, 3])
def test_anything_but_a_figure_is_refused_naming_the_extra(value):
    with pytest.raises(InvalidValue, match=re.escape("blocksstate[plots]")):
        gr.Plot().postprocess(value)


def test_plot_options_gradio_has_and_we_do_not_warn():
    with pytest.warns(UnsupportedOption, match="buttons"):
        gr.Plot(buttons=["fullscreen"])


async def test_a_handler_returns_a_figure_drawn_off_the_event_loop(monkeypatch):
    from matplotlib.figure import Figure

    threads = []
    draw = gr.Plot.store_output

    def spy(self, value, owner):
        threads.append(threading.current_thread())
        return draw(self, value, owner)

    def chart(n: float) -> Figure:
        figure = Figure()
        figure.subplots().set_title(f"{int(n)} bars")
        return figure

    monkeypatch.setattr(gr.Plot, "store_output", spy)
    with gr.Blocks() as demo:
        count = gr.Number(3)
        plot = gr.Plot()
        dep = count.change(chart, count, plot)
    harness = Harness(demo)
    run = await harness.run(harness.session(), dep, {count: 7})
    assert run.ok
    assert threads and threads[0] is not threading.main_thread()
    assert "7 bars" in picture(run.updates[plot.id]["value"]).decode()


# -- native plots ---------------------------------------------------------------------------


def test_a_line_plot_of_a_dataframe_places_each_point_by_its_data():
    frame = pd.DataFrame({"day": [1, 2, 3, 4], "sales": [10.0, 30.0, 20.0, 40.0]})
    drawn = gr.LinePlot(x="day", y="sales", title="Sales").postprocess(frame)
    assert drawn["columns"] == ["day", "sales"] and drawn["data"][1] == [2, 30.0]
    found = points(drawn["svg"])
    assert [(x, y) for _, _, x, y in found] == [
        ("1", "10.0"),
        ("2", "30.0"),
        ("3", "20.0"),
        ("4", "40.0"),
    ]
    xs = [cx for cx, _, _, _ in found]
    ys = [cy for _, cy, _, _ in found]
    assert xs == sorted(xs) and len(set(xs)) == 4  # left to right as the days go
    assert ys[3] < ys[1] < ys[2] < ys[0]  # higher sales, higher on screen (smaller y)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.02)  # a linear x scale
    root = ET.fromstring(drawn["svg"])
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Sales" in texts and "day" in texts and "sales" in texts  # title and axis titles
    assert re.search(r'<path class="bs-chart-line"[^>]* d="M', drawn["svg"])


def test_a_dict_of_columns_and_a_list_of_rows_need_no_pandas():
    by_columns = {"x": [1, 2, 3], "y": [3, 2, 1]}
    by_rows = [{"x": 1, "y": 3}, {"x": 2, "y": 2}, {"x": 3, "y": 1}]
    one = gr.ScatterPlot(x="x", y="y").postprocess(by_columns)
    two = gr.ScatterPlot(x="x", y="y").postprocess(by_rows)
    assert one["data"] == two["data"] == [[1, 3], [2, 2], [3, 1]]
    assert points(one["svg"]) == points(two["svg"])


def test_color_draws_one_series_each_and_a_legend():
    rows = [
        {"t": i, "v": i * k, "kind": name} for i in range(3) for k, name in ((1, "a"), (2, "b"))
    ]
    svg = gr.LinePlot(rows, x="t", y="v", color="kind", color_title="Kind").initial_value()["svg"]
    root = ET.fromstring(svg)
    assert {p.get("data-series") for p in root.iter(f"{SVG}path")} == {"a", "b"}
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "bs-chart-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Kind", "a", "b"]
    assert 'stroke="currentColor"' in svg and 'fill="currentColor"' in svg


def test_a_bar_plot_sums_each_category_and_y_aggregate_changes_it():
    rows = {"fruit": ["apple", "pear", "apple"], "count": [2, 5, 4]}
    bars = ET.fromstring(gr.BarPlot(x="fruit", y="count").postprocess(rows)["svg"])
    assert {
        (r.get("data-x"), r.get("data-y")) for r in bars.iter(f"{SVG}rect") if r.get("data-x")
    } == {
        ("apple", "6.0"),
        ("pear", "5.0"),
    }
    mean = gr.BarPlot(x="fruit", y="count", y_aggregate="mean").postprocess(rows)["svg"]
    assert 'data-x="apple" data-y="3.0"' in mean


def test_unknown_columns_are_named():
    frame = pd.DataFrame({"a": [1], "b": [2]})
    with pytest.raises(InvalidValue, match=r"y='sales' is not a column of \['a', 'b'\]"):
        gr.LinePlot(x="a", y="sales").postprocess(frame)
    with pytest.raises(InvalidValue, match=r"color='kind'"):
        gr.LinePlot(x="a", y="b", color="kind").postprocess(frame)
    with pytest.raises(InvalidValue, match="needs x="):
        gr.LinePlot().postprocess(frame)


def test_numbers_as_text_are_refused_naming_the_column_and_row():
    rows = [{"x": 1, "y": 2}, {"x": 2, "y": "3"}]
    with pytest.raises(InvalidValue, match=r"column 'y' must hold numbers, but row 2 has '3'"):
        gr.LinePlot(x="x", y="y").postprocess(rows)


@pytest.mark.parametrize("value", ["a,b\n1,2", 5, [[1, 2]], {"x": [1, 2], "y": [1]}])
def test_a_value_that_is_no_table_is_refused(value):
    with pytest.raises(InvalidValue):
        gr.LinePlot(x="x", y="y").postprocess(value)


def test_text_from_the_data_is_escaped_in_the_svg():
    rows = [{"x": 1, "y": 1, "who": "<script>alert(1)</script>"}]
    svg = gr.ScatterPlot(rows, x="x", y="y", color="who", title="<b>t</b>").initial_value()["svg"]
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)  # still well formed


def test_dates_on_x_are_a_time_axis():
    frame = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=3), "v": [1, 2, 3]})
    drawn = gr.LinePlot(frame, x="when", y="v").initial_value()
    assert drawn["datatypes"]["when"] == "temporal"
    assert "2024-01-01" in drawn["svg"]


def test_limits_sort_and_options_are_checked():
    svg = gr.LinePlot(x="x", y="y", y_lim=[0, 100]).postprocess({"x": [0, 1], "y": [50, 50]})["svg"]
    root = ET.fromstring(svg)
    area = next(r for r in root.iter(f"{SVG}rect") if r.get("class") == "bs-chart-area")
    middle = float(area.get("y")) + float(area.get("height")) / 2
    assert all(cy == pytest.approx(middle) for _, cy, _, _ in points(svg))
    with pytest.raises(ValueError, match="y_aggregate"):
        gr.BarPlot(y_aggregate="avg")
    with pytest.raises(ValueError, match="x_bin"):
        gr.BarPlot(x_bin="ten")
    with pytest.raises(ValueError, match="x_lim"):
        gr.LinePlot(x_lim=[1])
    with pytest.warns(UnsupportedOption, match="x_axis_format"):
        gr.LinePlot(x_axis_format="%d")


def test_a_select_is_an_x_range():
    plot = gr.LinePlot(x="x", y="y")
    data = plot.event_data("select", {"index": [5, 2.5]}, {}, None)
    assert data == {"index": [2.5, 5], "value": [2.5, 5], "selected": True}
    from blocksstate.app.event_data import BadEventData

    for bad in ({"index": 3}, {"index": ["a", 1]}, {"index": [1, float("inf")]}, {}):
        with pytest.raises(BadEventData):
            plot.event_data("select", bad, {}, None)


def test_handlers_get_a_dataframe():
    plot = gr.LinePlot(x="x", y="y")
    frame = plot.to_handler(as_table({"x": [1, 2], "y": [3, 4]}))
    assert list(frame.columns) == ["x", "y"] and frame["y"].tolist() == [3, 4]


async def test_a_handler_result_is_drawn_and_a_changed_property_redrawn():
    with gr.Blocks() as demo:
        n = gr.Number(2)
        plot = gr.LinePlot(x="x", y="y")
        dep = n.change(
            lambda k: {"x": list(range(int(k))), "y": [i * 2 for i in range(int(k))]}, n, plot
        )
        dep2 = n.submit(
            lambda k: gr.update(value={"x": [0, 1], "y": [1, 2]}, title="Retitled"), n, plot
        )
    harness = Harness(demo)
    session = harness.session()
    run = await harness.run(session, dep, {n: 5})
    assert run.ok, run.frames
    entry = run.updates[plot.id]
    assert len(points(entry["svg"])) == 5 and "svg" not in entry["value"]
    run = await harness.run(session, dep2, {n: 5})
    assert run.ok and "Retitled" in run.updates[plot.id]["svg"]


async def test_an_unknown_column_fails_the_step_naming_it(caplog):
    with gr.Blocks() as demo:
        n = gr.Number(2)
        plot = gr.LinePlot(x="x", y="nope")
        dep = n.change(lambda k: {"x": [1], "y": [2]}, n, plot)
    harness = Harness(demo)
    run = await harness.run(harness.session(), dep, {n: 3})
    assert not run.ok
    assert "y='nope' is not a column" in caplog.text  # logged for the developer


# -- the first page ------------------------------------------------------------------------


@pytest.fixture
def app_named():
    names: list[str] = []

    def register_as(name: str, blocks: gr.Blocks) -> None:
        register(name, blocks)
        names.append(name)

    yield register_as
    for name in names:
        unregister(name)


def test_the_first_page_shows_each_plot_drawn(app_named):
    from matplotlib.figure import Figure

    from blocksstate.rendering import render_app

    figure = Figure()
    figure.subplots().set_title("Made on the server")
    go = pytest.importorskip("plotly.graph_objects")
    with gr.Blocks() as demo:
        gr.Plot(figure, label="Picture")
        gr.Plot(go.Figure(go.Bar(x=["a"], y=[1])), label="Interactive")
        gr.LinePlot({"x": [1, 2], "y": [3, 4]}, x="x", y="y", label="Line", caption="Two points")
        gr.BarPlot(label="Empty", x="x", y="y")
    app_named("plots-page", demo)
    html = render_app(demo, "plots-page")
    assert re.search(
        r'<img class="bs-plot-image" alt="Picture" src="data:image/svg\+xml;base64,', html
    )
    assert 'data-bs-plotly-src="/static/blocksstate/vendor/plotly/plotly-4.1.2.min.js"' in html
    assert '"type": "bar"' in html  # the Plotly figure's JSON, in a json_script
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="bs-chart"' in html
    assert 'aria-label="Line"' in html and "Two points" in html
    assert "No data" in html


def test_every_gradio_parameter_is_accepted():
    for cls in (gr.Plot, gr.LinePlot, gr.ScatterPlot, gr.BarPlot):
        cls(preserved_by_key="value", every=None, inputs=None, key="k", min_width=100)
        with pytest.warns(UnsupportedOption, match="preserved_by_key"):
            cls(preserved_by_key=["value", "label"])


async def test_a_result_that_changes_the_format_is_drawn_in_it():
    from matplotlib.figure import Figure

    def chart(_: float):
        figure = Figure()
        figure.subplots().plot([1, 2])
        return gr.update(value=figure, format="png")

    with gr.Blocks() as demo:
        n = gr.Number(1)
        plot = gr.Plot()
        dep = n.change(chart, n, plot)
    harness = Harness(demo)
    run = await harness.run(harness.session(), dep, {n: 2})
    assert run.ok and run.updates[plot.id]["value"]["src"].startswith("data:image/png;")


def test_empty_cells_are_skipped_and_naive_times_read_as_utc():
    frame = pd.DataFrame(
        {"when": pd.to_datetime(["2024-01-01", None, "2024-01-03"]), "v": [1.0, 2.0, float("nan")]}
    )
    drawn = gr.ScatterPlot(x="when", y="v").postprocess(frame)
    assert drawn["data"] == [[1704067200.0, 1.0], [None, 2.0], [1704240000.0, None]]
    assert len(points(drawn["svg"])) == 1
    hours = pd.DataFrame({"t": pd.date_range("2024-01-01", periods=48, freq="h"), "n": 1})
    by_day = gr.BarPlot(x="t", y="n", x_bin="1d", y_aggregate="count").postprocess(hours)["svg"]
    assert by_day.count('class="bs-chart-bar"') == 2 and 'data-y="24.0"' in by_day

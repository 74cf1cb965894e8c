"""``gr.LinePlot``, ``gr.ScatterPlot`` and ``gr.BarPlot``: a table's columns drawn as SVG.

The value is a table: a pandas DataFrame, a dict of columns or a list of row dicts (no
pandas needed for those two). It is kept as ``{"columns", "data", "datatypes", "svg"}``,
the SVG drawn by ``chart_svg`` in a handler thread (``store_output``), inserted as is by the
page: it is built here from escaped text, never from a caller's markup.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Unpack

from django.utils.safestring import mark_safe

from ..app.event_data import BadEventData
from ..app.events import Event
from . import chart_svg
from .base import Component, ComponentOptions
from .prepared import Prepared
from .schema import InvalidValue

if TYPE_CHECKING:
    from ..files.store import Owner

MAX_ROWS = 20_000
SORTS = ("x", "y", "-x", "-y")
TOOLTIPS = ("axis", "none", "all")
BIN_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
CHART_OPTIONS = (
    "x",
    "y",
    "color",
    "title",
    "x_title",
    "y_title",
    "color_title",
    "x_bin",
    "y_aggregate",
    "color_map",
    "colors_in_legend",
    "x_lim",
    "y_lim",
    "x_label_angle",
    "x_axis_labels_visible",
    "sort",
    "tooltip",
    "height",
)


def plain(value: Any) -> tuple[Any, bool]:
    """A cell as JSON (NumPy scalars to Python, NaN to None), and whether it was a moment
    (a datetime or pandas Timestamp, as seconds since the epoch)."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.tzinfo is None:  # a naive time reads as UTC, as the axis shows it
            value = value.replace(tzinfo=UTC)
        try:
            return value.timestamp(), True
        except ValueError:  # pandas' NaT, an empty date
            return None, True
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp(), True
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None, False
    return value, False


def as_table(value: Any) -> dict[str, Any]:
    """``{"columns", "data", "datatypes"}`` of a DataFrame, a dict of columns or a list of rows."""
    if hasattr(value, "columns") and hasattr(value, "itertuples"):  # a pandas DataFrame
        columns = [str(c) for c in value.columns]
        rows = [list(row) for row in value.itertuples(index=False, name=None)]
    elif isinstance(value, Mapping) and isinstance(value.get("columns"), list) and "data" in value:
        columns = [str(c) for c in value["columns"]]
        rows = [list(row) for row in value["data"]]
    elif isinstance(value, Mapping):
        columns = [str(c) for c in value]
        lists = [list(v) for v in value.values()]
        if len({len(v) for v in lists}) > 1:
            raise InvalidValue("every column of a dict of columns must have as many values")
        rows = [list(r) for r in zip(*lists, strict=True)]
    elif isinstance(value, list) and all(isinstance(r, Mapping) for r in value):
        columns = list(dict.fromkeys(str(k) for r in value for k in r))
        rows = [[r.get(c) for c in columns] for r in value]
    else:
        raise InvalidValue(
            "expected a pandas DataFrame, a dict of columns or a list of row dicts, "
            f"not {type(value).__name__}"
        )
    if len(rows) > MAX_ROWS:
        raise InvalidValue(f"at most {MAX_ROWS} rows are drawn, got {len(rows)}")
    temporal: set[str] = set()
    data = []
    for row in rows:
        if len(row) != len(columns):
            raise InvalidValue(f"a row has {len(row)} cells for {len(columns)} columns")
        cells = []
        for name, cell in zip(columns, row, strict=True):
            cell, moment = plain(cell)
            if moment:
                temporal.add(name)
            cells.append(cell)
        data.append(cells)
    types = {c: "temporal" if c in temporal else _datatype(data, i) for i, c in enumerate(columns)}
    return {"columns": columns, "data": data, "datatypes": types}


def _datatype(data: list[list[Any]], index: int) -> str:
    cells = [row[index] for row in data if row[index] is not None]
    numbers = all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in cells)
    return "quantitative" if numbers else "nominal"


def bin_width(x_bin: Any) -> float | None:
    """Gradio's ``x_bin``: a number, or a time span such as ``"10m"`` / ``"1h"`` / ``"1d"``."""
    if x_bin is None or (isinstance(x_bin, (int, float)) and not isinstance(x_bin, bool)):
        if x_bin is not None and x_bin <= 0:
            raise ValueError(f"x_bin must be positive, got {x_bin!r}")
        return x_bin
    text = str(x_bin).strip()
    try:
        return float(text[:-1]) * BIN_UNITS[text[-1]]
    except (KeyError, ValueError, IndexError):
        raise ValueError(
            f"x_bin must be a number or a time span like '10m', '1h', '1d', got {x_bin!r}"
        ) from None


class NativePlot(Component):
    """A table's columns drawn as a chart (the three kinds below)."""

    template_name = "nativeplot"
    accepts_input = False
    blocking_io = True
    kind: ClassVar[str] = "line"
    select = Event()
    double_click = Event()
    unsupported_options: ClassVar[dict[str, Any]] = {
        "y_label_angle": 0,
        "x_axis_format": None,
        "y_axis_format": None,
        "buttons": None,
    }

    def __init__(
        self,
        value: Any = None,
        x: str | None = None,
        y: str | None = None,
        *,
        color: str | None = None,
        title: str | None = None,
        x_title: str | None = None,
        y_title: str | None = None,
        color_title: str | None = None,
        x_bin: str | float | None = None,
        y_aggregate: str | None = None,
        color_map: dict[str, str] | None = None,
        colors_in_legend: list[str] | None = None,
        x_lim: list[float | None] | None = None,
        y_lim: list[float | None] | None = None,
        x_label_angle: float = 0,
        y_label_angle: float = 0,
        x_axis_format: str | None = None,
        y_axis_format: str | None = None,
        x_axis_labels_visible: bool | str = True,
        caption: str | None = None,
        sort: str | list[str] | None = None,
        tooltip: str | list[str] = "axis",
        height: int | None = None,
        buttons: list[Any] | None = None,
        preserved_by_key: list[str] | str | None = "value",
        **options: Unpack[ComponentOptions],
    ) -> None:
        if y_aggregate is not None and y_aggregate not in chart_svg.AGGREGATES:
            raise ValueError(
                f"y_aggregate must be one of {sorted(chart_svg.AGGREGATES)}, got {y_aggregate!r}"
            )
        if sort is not None and not isinstance(sort, list) and sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}, a list of x values or None")
        if not isinstance(tooltip, list) and tooltip not in TOOLTIPS:
            raise ValueError(f"tooltip must be one of {TOOLTIPS} or a list of columns")
        for name, limits in (("x_lim", x_lim), ("y_lim", y_lim)):
            if limits is not None and (not isinstance(limits, (list, tuple)) or len(limits) != 2):
                raise ValueError(f"{name} must be [low, high] (either may be None)")
        bin_width(x_bin)
        self.x, self.y, self.color = x, y, color
        self.title, self.x_title, self.y_title, self.color_title = (
            title,
            x_title,
            y_title,
            color_title,
        )
        self.x_bin, self.y_aggregate = x_bin, y_aggregate
        self.color_map, self.colors_in_legend = color_map, colors_in_legend
        self.x_lim, self.y_lim = x_lim, y_lim
        self.x_label_angle, self.y_label_angle = x_label_angle, y_label_angle
        self.x_axis_format, self.y_axis_format = x_axis_format, y_axis_format
        self.x_axis_labels_visible = x_axis_labels_visible
        self.caption, self.sort, self.tooltip, self.height = caption, sort, tooltip, height
        self.buttons = buttons
        self.preserved_by_key = preserved_by_key
        super().__init__(value, **options)

    # -- drawing -----------------------------------------------------------------------

    def chart(
        self, table: dict[str, Any], props: Mapping[str, Any] | None = None
    ) -> chart_svg.Chart:
        """What to draw, from the current properties; a clear error naming a missing column."""
        options = {name: (props or {}).get(name, getattr(self, name)) for name in CHART_OPTIONS}
        columns = table["columns"]
        for name in ("x", "y"):
            if options[name] is None:
                raise InvalidValue(f"{self!r} needs {name}=, the name of a column of {columns}")
        for name in ("x", "y", "color"):
            column = options[name]
            if column is not None and column not in columns:
                raise InvalidValue(f"{self!r}: {name}={column!r} is not a column of {columns}")
        options["x_bin"] = bin_width(options["x_bin"])
        options["x_axis_labels_visible"] = options["x_axis_labels_visible"] is True
        temporal = {c for c, kind in table["datatypes"].items() if kind == "temporal"}
        return chart_svg.Chart(kind=self.kind, temporal=temporal, **options)

    def rows(self, table: dict[str, Any], chart: chart_svg.Chart) -> list[dict[str, Any]]:
        """The table's rows as dicts; a y that is not a number is refused, naming the row."""
        columns = table["columns"]
        rows = [dict(zip(columns, cells, strict=True)) for cells in table["data"]]
        for number, row in enumerate(rows, start=1):
            y = row[chart.y]
            if y is not None and (isinstance(y, bool) or not isinstance(y, (int, float))):
                raise InvalidValue(
                    f"{self!r}: column {chart.y!r} must hold numbers, but row {number} has "
                    f"{reprlib.repr(y)}; convert it first (pandas.to_numeric)"
                )
        return rows

    def draw(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The table of ``value`` and its SVG (may take a while for many rows)."""
        try:
            table = as_table(value)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {reprlib.repr(value)}: {exc}") from None
        chart = self.chart(table, props)
        label = (props or {}).get("label", self.label)
        table["svg"] = chart_svg.render(chart, self.rows(table, chart), label)
        return table

    def blocks_for(self, value: Any) -> bool:
        return value is not None and not isinstance(value, Prepared)

    def store_output(self, value: Any, owner: Owner) -> Any:
        """Draw what a handler returned, in the handler thread, with the component's own
        properties (``postprocess`` draws again if the same result changed them)."""
        return Prepared(self.draw(value))

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return None
        if isinstance(value, Prepared):
            if not props or all(
                props.get(n, getattr(self, n)) == getattr(self, n)
                for n in (*CHART_OPTIONS, "label")
            ):
                return value.value
            value = {k: v for k, v in value.value.items() if k != "svg"}
        return self.draw(value, props)

    def to_handler(self, payload: Any) -> Any:
        """A DataFrame when pandas is installed (as in Gradio), else ``{"columns", "data"}``."""
        if payload is None:
            return None
        try:
            import pandas as pd
        except ImportError:
            return {"columns": payload["columns"], "data": payload["data"]}
        return pd.DataFrame(payload["data"], columns=payload["columns"])

    def page_update(self, value: Any) -> dict[str, Any]:
        if value is None:
            return {"value": None, "svg": ""}
        return {
            "value": {k: v for k, v in value.items() if k != "svg"},
            "svg": value["svg"],
        }

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"] or {}
        return {"svg": mark_safe(value.get("svg", ""))}  # noqa: S308 (built by chart_svg, text escaped)

    # -- events ------------------------------------------------------------------------

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        """A select is an x range, ``[low, high]``, as Gradio's plots send it."""
        if event != "select":
            return super().event_data(event, data, props, value)
        index = data.get("index")
        if (
            not isinstance(index, list)
            or len(index) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in index)
            or not all(math.isfinite(v) for v in index)
        ):
            raise BadEventData("a plot's select 'index' must be the x range [low, high]")
        low, high = sorted(index)
        return {"index": [low, high], "value": [low, high], "selected": True}


class LinePlot(NativePlot):
    """A line chart of a table's ``x`` and ``y`` columns (a DataFrame, dict of columns or rows)."""

    type_name = "Line plot"
    kind = "line"


class ScatterPlot(NativePlot):
    """A scatter chart of a table's ``x`` and ``y`` columns (a DataFrame, dict of columns or rows)."""

    type_name = "Scatter plot"
    kind = "scatter"


class BarPlot(NativePlot):
    """A bar chart of a table's ``y`` by ``x`` (a DataFrame, dict of columns or rows)."""

    type_name = "Bar plot"
    kind = "bar"

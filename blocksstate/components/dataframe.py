"""``Dataframe``: a table a visitor reads or edits, checked cell by cell on the server.

The page holds Gradio's ``{"headers": [...], "data": [[...]]}``; handlers get a pandas
DataFrame (``type="pandas"``, when pandas is installed), a NumPy array, lists of lists or a
polars DataFrame. ``table.py`` turns values each way and checks each cell by its column's
``datatype``; this class adds the counts a visitor may reach and the events' data.
"""

from __future__ import annotations

import csv
import importlib.util
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Unpack

from django.utils.translation import gettext

from ..app.event_data import BadEventData, is_int, same_value
from ..app.events import Event
from ..warnings import warn_unsupported
from .base import BlockOptions, Component
from .markdown import render_markdown
from .prepared import Prepared
from .schema import InvalidValue, ValueSchema
from .table import (
    DATATYPES,
    MAX_CELL_CHARS,
    TEXT_DATATYPES,
    Limits,
    auto_datatypes,
    big_table,
    cell_text,
    check_cell,
    check_size,
    count_and_limits,
    table_parts,
    within,
)

TYPES = ("pandas", "numpy", "array", "polars")
#: The properties the page's dataframe.js reads (from the first page, then from updates).
PAGE_PROPS = ("datatype", "row_limits", "column_limits", "static_columns", "column_widths")


def installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def require(module: str, what: str, install: str) -> None:
    """Fail now, naming what to install, if ``module`` cannot be imported."""
    try:
        importlib.import_module(module)
    except ImportError:
        raise ImportError(f"{what} needs {module}: pip install {install}") from None


def _read_csv(path: str) -> dict[str, Any]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return {"headers": rows[0] if rows else [], "data": rows[1:]}


class Dataframe(Component):
    """A table, editable per column ``datatype``; handlers get a pandas DataFrame (NumPy
    array, lists of lists or polars DataFrame per ``type``) and may return any of these,
    a Styler (values only) or ``{"headers", "data"}``."""

    template_name = "dataframe"
    input = Event()
    select = Event()
    edit = Event()
    unsupported_options: ClassVar[dict[str, Any]] = {
        "latex_delimiters": None,
        "line_breaks": True,
        "buttons": None,
        "show_search": "none",
        "pinned_columns": None,
    }

    def __init__(
        self,
        value: Any = None,
        *,
        headers: list[str] | None = None,
        row_count: int | tuple[int, str] | None = None,
        row_limits: Limits | None = None,
        col_count: int | tuple[int, str] | None = None,
        column_count: int | None = None,
        column_limits: Limits | None = None,
        datatype: str | Sequence[str] = "str",
        type: str = "pandas",
        latex_delimiters: list[dict[str, Any]] | None = None,
        max_height: int | str = 500,
        wrap: bool = False,
        line_breaks: bool = True,
        column_widths: list[str | int] | None = None,
        buttons: list[str] | None = None,
        show_row_numbers: bool = False,
        max_chars: int | None = None,
        show_search: str = "none",
        pinned_columns: int | None = None,
        static_columns: list[int] | None = None,
        label: str | None = None,
        show_label: bool | None = None,
        every: float | None = None,
        inputs: Any = None,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        preserved_by_key: Any = "value",
        **options: Unpack[BlockOptions],
    ) -> None:
        if type not in TYPES:
            raise ValueError(f"Dataframe type must be one of {TYPES}, got {type!r}")
        if type == "pandas" and "type" in self.explicit_args():
            require("pandas", "gr.Dataframe(type='pandas')", "'django-blocksstate[data]'")
        if type == "numpy":
            require("numpy", "gr.Dataframe(type='numpy')", "numpy")
        if type == "polars":
            require("polars", "gr.Dataframe(type='polars')", "polars")
        self.type = type
        self.pandas = type == "pandas" and installed("pandas")
        if col_count is not None and column_count is None:
            column_count, col_count = col_count, None  # Gradio's older name
        if isinstance(column_count, (tuple, list)) and column_limits is None:
            column_count, mode = column_count
            column_limits = (column_count, column_count) if mode == "fixed" else None
        self.row_count, self.row_limits = count_and_limits(row_count, row_limits, 3, "row_count")
        columns = len(headers) if headers else 3
        self.column_count, self.column_limits = count_and_limits(
            column_count, column_limits, columns, "column_count"
        )
        self.col_count = None
        if headers is not None and column_count is not None and len(headers) != self.column_count:
            raise ValueError(
                f"headers has {len(headers)} names but column_count is {self.column_count}"
            )
        self.headers = list(headers) if headers is not None else None
        if isinstance(value, str):
            value = _read_csv(value)
        self.datatype = self._datatypes(datatype, value)
        self.latex_delimiters = latex_delimiters
        self.max_height = max_height
        self.wrap = wrap
        self.line_breaks = line_breaks
        self.column_widths = [w if isinstance(w, str) else f"{w}px" for w in column_widths or []]
        self.buttons = buttons
        self.show_row_numbers = show_row_numbers
        if max_chars is not None and (not is_int(max_chars) or max_chars < 1):
            raise ValueError(f"max_chars must be a positive whole number, got {max_chars!r}")
        self.max_chars = max_chars
        self.show_search = show_search
        self.pinned_columns = pinned_columns
        self.static_columns = list(static_columns or [])
        if self.static_columns and column_limits is None:
            self.column_limits = (self.column_count, self.column_count)  # Gradio: fixed columns
        self.preserved_by_key = preserved_by_key
        super().__init__(
            value,
            label=label,
            show_label=show_label,
            every=every,
            inputs=inputs,
            scale=scale,
            min_width=min_width,
            interactive=interactive,
            **options,
        )

    def _datatypes(self, datatype: Any, value: Any) -> str | list[str]:
        if datatype == "auto":
            return "str" if callable(value) else auto_datatypes(value)
        kinds = [datatype] if isinstance(datatype, str) else list(datatype)
        for kind in kinds:
            if kind not in DATATYPES or kind == "auto" and len(kinds) > 1:
                raise ValueError(f"Dataframe datatype {kind!r} is not one of {DATATYPES}")
        self.note_unsupported(
            f"datatype={kind!r} (shown as text)" for kind in kinds if kind in TEXT_DATATYPES
        )
        return datatype if isinstance(datatype, str) else kinds

    # -- value ---------------------------------------------------------------------------

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("json")

    def column_kinds(self, columns: int, props: Mapping[str, Any] | None = None) -> list[str]:
        """Each column's datatype; columns past a shorter list are "str"."""
        datatype = (props or {}).get("datatype", self.datatype)
        if isinstance(datatype, str):
            return [datatype] * columns
        return [*datatype, *["str"] * columns][:columns]

    def _table(
        self, headers: list[Any], rows: list[list[Any]], props: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        columns = len(headers)
        check_size(rows, columns)
        names = []
        for header in headers:
            name = "" if header is None else str(header)
            if len(name) > MAX_CELL_CHARS:
                raise InvalidValue(
                    gettext("a header holds at most %(count)s characters")
                    % {"count": MAX_CELL_CHARS}
                )
            names.append(name)
        kinds = self.column_kinds(columns, props)
        data = []
        for r, row in enumerate(rows):
            cells = []
            for c, cell in enumerate(row):
                try:
                    cells.append(check_cell(kinds[c], cell))
                except InvalidValue as exc:
                    where = {"row": r + 1, "column": repr(names[c] or c + 1), "problem": exc}
                    raise InvalidValue(
                        gettext("row %(row)s, column %(column)s: %(problem)s") % where
                    ) from None
            data.append(cells)
        return {"headers": names, "data": data}

    def empty_table(self, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What ``None`` shows: ``row_count`` rows of empty cells."""
        headers = self._headers(props) or [str(i + 1) for i in range(self.column_count)]
        kinds = self.column_kinds(len(headers), props)
        blank = ["" if kind in ("str", "markdown", *TEXT_DATATYPES) else None for kind in kinds]
        return {"headers": headers, "data": [list(blank) for _ in range(self.row_count)]}

    def _headers(self, props: Mapping[str, Any] | None) -> list[str] | None:
        return (props or {}).get("headers", self.headers)

    def blocks_for(self, value: Any) -> bool:
        # Checking a big table's every cell takes tens of milliseconds: in a handler thread.
        return value is not None and not isinstance(value, Prepared) and big_table(value)

    def store_output(self, value: Any, owner: Any) -> Any:
        """Check a big table a handler returned, in the handler thread."""
        return Prepared(self.postprocess(value), value)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Turn what a handler returned into the page's ``{"headers", "data"}``."""
        if isinstance(value, Prepared):
            if not props or all(
                props.get(n, getattr(self, n)) == getattr(self, n) for n in ("headers", "datatype")
            ):
                return value.value
            value = value.source  # the same result changed how it is read: checked again
        try:
            if value is None:
                return self.empty_table(props)
            headers, rows, styled = table_parts(value)
            if styled:
                warn_unsupported("gr.Dataframe", ["a pandas Styler's styling (values shown)"])
            width = len(rows[0]) if rows else len(headers or self._headers(props) or [])
            headers = list(headers or self._headers(props) or [])[:width]
            headers += [str(i + 1) for i in range(len(headers), width)]
            return self._table(headers, rows, props)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show this table: {exc}") from None

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        """Check the page's ``{"headers", "data"}``: its shape, counts and every cell."""
        if not isinstance(payload, dict) or not {"headers", "data"} <= set(payload):
            raise InvalidValue("expected a table {'headers': [...], 'data': [[...]]}")
        headers, data = payload["headers"], payload["data"]
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise InvalidValue("'headers' must be a list of texts")
        if not isinstance(data, list) or not all(isinstance(row, list) for row in data):
            raise InvalidValue("'data' must be a list of rows, each a list of cells")
        rows_limits = (props or {}).get("row_limits", self.row_limits)
        columns_limits = (props or {}).get("column_limits", self.column_limits)
        within(len(data), rows_limits, "rows")
        within(len(headers), columns_limits, "columns")
        return self._table(headers, data, props)

    def to_handler(self, payload: Any) -> Any:
        """The table as ``type`` says (lists of lists when pandas is not installed)."""
        if payload is None:
            return None
        headers, data = payload["headers"], [list(row) for row in payload["data"]]
        if self.type == "pandas" and self.pandas:
            import pandas

            return pandas.DataFrame(data, columns=headers)
        if self.type == "numpy":
            import numpy

            return numpy.array(data)
        if self.type == "polars":
            import polars

            return polars.DataFrame(data, schema=headers, orient="row")
        return data

    def page_update(self, value: Any) -> dict[str, Any]:
        """The value, and its Markdown cells rendered here (the page inserts no text as HTML)."""
        entry: dict[str, Any] = {"value": value}
        html = self.cells_html(value)
        if html is not None:
            entry["html"] = html
        return entry

    def cells_html(self, value: Any) -> list[list[str | None]] | None:
        """Each Markdown cell as sanitised HTML (None for other cells); None when none are."""
        if not isinstance(value, dict):
            return None
        kinds = self.column_kinds(len(value["headers"]))
        if "markdown" not in kinds:
            return None
        return [
            [
                str(render_markdown(str(cell))) if kind == "markdown" and cell is not None else None
                for kind, cell in zip(kinds, row, strict=False)
            ]
            for row in value["data"]
        ]

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"] or self.empty_table()
        html = self.cells_html(value)
        kinds = self.column_kinds(len(value["headers"]))
        rows = [
            [
                {
                    "text": cell_text(cell, self.max_chars),
                    "html": html and html[r][c],
                    "kind": kinds[c],
                }
                for c, cell in enumerate(row)
            ]
            for r, row in enumerate(value["data"])
        ]
        page_props = {name: getattr(self, name) for name in PAGE_PROPS}
        return {
            "table": value,
            "rows": rows,
            "page_value": {"value": value, "html": html},
            "page_props": page_props,
        }

    # -- events ----------------------------------------------------------------------------

    def event_data(
        self, event: str, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        if event != "edit":
            return super().event_data(event, data, props, value)
        row, column, cell = _cell_at(data, value, "an edit")
        if "previous_value" in data and not isinstance(data["previous_value"], (str, type(None))):
            raise BadEventData("an edit's 'previous_value' must be the cell's text before")
        return {"index": [row, column], "value": cell, "previous_value": data.get("previous_value")}

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        """A cell selected: its ``[row, column]``, value, row and column, read from the table."""
        row, column, cell = _cell_at(data, value, "a select")
        if "value" in data and not same_value(data["value"], cell):
            raise BadEventData(f"a select's 'value' is not the cell at [{row}, {column}]")
        rows = value["data"]
        return {
            "index": [row, column],
            "value": cell,
            "row_value": list(rows[row]),
            "col_value": [r[column] for r in rows],
            "selected": data.get("selected", True),
        }


def _cell_at(data: dict[str, Any], value: Any, what: str) -> tuple[int, int, Any]:
    index = data.get("index")
    if not (isinstance(index, list) and len(index) == 2 and all(is_int(i) for i in index)):
        raise BadEventData(f"{what}'s 'index' must be [row, column]")
    row, column = index
    rows = value.get("data", []) if isinstance(value, dict) else []
    if not (0 <= row < len(rows) and 0 <= column < len(rows[row])):
        raise BadEventData(f"{what}'s index {index} is not a cell of the table")
    return row, column, rows[row][column]


#: Gradio's other spelling.
DataFrame = Dataframe

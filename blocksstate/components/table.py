"""A Dataframe's value: a table as the page holds it, ``{"headers": [...], "data": [[...]]}``.

What a handler returns (a pandas DataFrame or Styler, a NumPy array, a polars DataFrame,
lists of lists, a ``{"headers", "data"}`` dict) becomes that table here, and what the page
sends is checked here, cell by cell against its column's datatype: one place for both.
pandas, NumPy and polars are never imported for this: a value can only be one of their
objects if the app imported them already (``sys.modules``).
"""

from __future__ import annotations

import datetime
import math
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext

from .schema import InvalidValue, check_json_safe

#: The datatypes Gradio names; "html" and "image" are shown as text here (warned).
DATATYPES = ("str", "number", "bool", "date", "markdown", "html", "image", "auto")
TEXT_DATATYPES = ("html", "image")

#: The largest table a page may send or a handler return: cells in all, and characters in one.
MAX_CELLS = 100_000
MAX_CELL_CHARS = 10_000

Limits = tuple[int | None, int | None]

INTEGER = re.compile(r"[+-]?\d+")
TRUE_TEXTS, FALSE_TEXTS = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})


def loaded(module: str) -> Any:
    """The module if the app imported it, else None (a value cannot be one of its objects)."""
    return sys.modules.get(module)


def plain_cell(cell: Any) -> Any:
    """A cell as JSON: NumPy scalars as Python ones, NaN and NaT as empty, dates as ISO text."""
    if cell is None or isinstance(cell, (str, bool, int, list, dict)):
        return cell  # a list or dict is refused by check_cell, naming its type
    if isinstance(cell, float):
        return None if math.isnan(cell) else cell
    if isinstance(cell, (datetime.date, datetime.datetime, datetime.time)):
        return None if str(cell) == "NaT" else cell.isoformat()
    item = getattr(cell, "item", None)  # a NumPy scalar
    if callable(item) and type(cell).__module__ == "numpy":
        return plain_cell(item())
    if str(cell) in ("NaT", "<NA>", "nan"):
        return None
    return str(cell)


def _frame_table(frame: Any) -> tuple[list[Any], list[list[Any]]]:
    return [str(c) for c in frame.columns], frame.astype(object).values.tolist()


def table_parts(value: Any) -> tuple[list[str] | None, list[list[Any]], bool]:
    """Return ``(headers or None, rows, styled)`` of what a handler gave a Dataframe."""
    pandas, numpy, polars = loaded("pandas"), loaded("numpy"), loaded("polars")
    if value is None:
        return None, [], False
    if pandas is not None:
        styler = getattr(getattr(pandas.io.formats, "style", None), "Styler", None)
        if styler is not None and isinstance(value, styler):
            hidden = set(getattr(value, "hidden_columns", []))
            frame = value.data.iloc[:, [i for i in range(value.data.shape[1]) if i not in hidden]]
            return (*_frame_table(frame), True)
        if isinstance(value, pandas.DataFrame):
            return (*_frame_table(value), False)
    if polars is not None and isinstance(value, polars.DataFrame):
        return list(value.columns), [list(row) for row in value.rows()], False
    if numpy is not None and isinstance(value, numpy.ndarray):
        if value.ndim > 2:
            raise InvalidValue(f"expected a 1- or 2-dimensional array, got {value.ndim} dimensions")
        value = value.tolist()
    if isinstance(value, Mapping):
        if "data" not in value:
            raise InvalidValue("a table dict needs 'data' (and may have 'headers')")
        headers = value.get("headers")
        if headers is not None and (
            isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence)
        ):
            raise InvalidValue("'headers' must be a list of column names")
        return (None if headers is None else list(headers)), _rows(value["data"]), False
    if isinstance(value, (str, bytes)):
        raise InvalidValue(
            "expected a table; a CSV file's path is read only as the constructor's value"
        )
    if isinstance(value, Sequence):
        return None, _rows(value), False
    raise InvalidValue(
        f"expected a table (DataFrame, array, lists of lists), got {type(value).__name__}"
    )


#: A table of more cells than this is checked in a handler thread (``Dataframe.blocks_for``).
OFF_LOOP_CELLS = 2_000


def big_table(value: Any) -> bool:
    """Whether a table a handler returned has more than ``OFF_LOOP_CELLS`` cells (a guess
    from its shape or its first row; never an error: ``table_parts`` reports those)."""
    size = getattr(value, "size", None)  # a DataFrame's or an array's number of cells
    if isinstance(size, int):
        return size > OFF_LOOP_CELLS
    rows = value.get("data") if isinstance(value, Mapping) else value
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence) or not rows:
        return False
    first = rows[0]
    width = len(first) if isinstance(first, (list, tuple)) else 1
    return len(rows) * width > OFF_LOOP_CELLS


def _rows(data: Any) -> list[list[Any]]:
    if isinstance(data, (str, bytes)) or not isinstance(data, Sequence):
        raise InvalidValue(f"expected a list of rows, got {type(data).__name__}")
    rows = list(data)
    if rows == [[]]:
        return []
    if rows and not any(isinstance(r, (list, tuple)) for r in rows):
        return [[cell] for cell in rows]  # a list of values is one column, as in Gradio
    for row in rows:
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise InvalidValue(f"expected every row to be a list, got {type(row).__name__}")
    return [list(row) for row in rows]


def check_size(rows: list[list[Any]], columns: int) -> None:
    """Refuse a table past ``MAX_CELLS`` cells, or whose rows differ in length."""
    if len(rows) * max(columns, 1) > MAX_CELLS:
        raise InvalidValue(
            gettext("the table is too large (more than %(count)s cells)") % {"count": MAX_CELLS}
        )
    for index, row in enumerate(rows):
        if len(row) != columns:
            raise InvalidValue(
                gettext("row %(row)s has %(cells)s cells, expected %(columns)s")
                % {"row": index + 1, "cells": len(row), "columns": columns}
            )


def check_cell(kind: str, cell: Any) -> Any:
    """Return ``cell`` as its column's ``kind`` keeps it, or raise InvalidValue saying why.

    Text the visitor typed in a number, bool or date column is read as one ("12", "true").
    """
    cell = plain_cell(cell)
    if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
        raise InvalidValue(
            gettext("a cell holds at most %(count)s characters") % {"count": MAX_CELL_CHARS}
        )
    if cell is None:
        return None
    if kind == "number":
        return _number(cell)
    if kind == "bool":
        return _bool(cell)
    if kind == "date":
        return _date(cell)
    if isinstance(cell, (list, dict)):
        raise InvalidValue(
            gettext("a cell holds text or a number, got %(type)s") % {"type": type(cell).__name__}
        )
    check_json_safe(cell)
    return cell


def _number(cell: Any) -> int | float | None:
    if isinstance(cell, bool) or not isinstance(cell, (int, float, str)):
        raise InvalidValue(
            gettext("expected a number, got %(type)s") % {"type": type(cell).__name__}
        )
    if isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None
        try:
            cell = int(text) if INTEGER.fullmatch(text) else float(text)
        except ValueError:
            raise InvalidValue(
                gettext("expected a number, got %(text)r") % {"text": cell[:40]}
            ) from None
    check_json_safe(cell)
    return cell


def _bool(cell: Any) -> bool | None:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, str):
        text = cell.strip().lower()
        if not text:
            return None
        if text in TRUE_TEXTS or text in FALSE_TEXTS:
            return text in TRUE_TEXTS
    raise InvalidValue(gettext("expected true or false, got %(text)r") % {"text": str(cell)[:40]})


def _date(cell: Any) -> str | None:
    if not isinstance(cell, str):
        raise InvalidValue(
            gettext("expected a date (YYYY-MM-DD), got %(type)s") % {"type": type(cell).__name__}
        )
    text = cell.strip()
    if not text:
        return None
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(
            gettext("expected a date (YYYY-MM-DD), got %(text)r") % {"text": cell[:40]}
        ) from None
    return text


def auto_datatypes(value: Any) -> list[str] | str:
    """Gradio's ``datatype="auto"``: each column's datatype from a DataFrame's dtypes or the
    first row's Python types; "str" when nothing tells."""
    pandas = loaded("pandas")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        return [_dtype_kind(str(dtype)) for dtype in value.dtypes]
    try:
        _headers, rows, _styled = table_parts(value)
    except InvalidValue:
        return "str"
    if not rows:
        return "str"
    return [_dtype_kind(type(cell).__name__) for cell in rows[0]]


def _dtype_kind(name: str) -> str:
    name = re.sub(r"\d+$", "", re.sub(r"\[.*?\]|\(.*?\)", "", name).strip()).lower()
    if name in ("int", "float", "uint"):
        return "number"
    if name in ("bool", "boolean"):
        return "bool"
    if name in ("datetime", "date", "timestamp", "timedelta"):
        return "date"
    return "str"


def count_and_limits(count: Any, limits: Any, default: int, name: str) -> tuple[int, Limits]:
    """Gradio's ``row_count`` (an int, or the older ``(n, "fixed"|"dynamic")``) and limits."""
    if isinstance(count, (tuple, list)):
        if len(count) != 2 or count[1] not in ("fixed", "dynamic"):
            raise ValueError(f"{name} must be an int or (n, 'fixed'|'dynamic'), got {count!r}")
        count, mode = count
        if mode == "fixed" and limits is None:
            limits = (count, count)
    if count is None:
        count = default
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"{name} must be a whole number >= 0, got {count!r}")
    if limits is None:
        return count, (None, None)
    if not isinstance(limits, (tuple, list)) or len(limits) != 2:
        raise ValueError(f"{name.split('_')[0]}_limits must be (minimum, maximum), got {limits!r}")
    low, high = limits
    for bound in (low, high):
        if bound is not None and (
            isinstance(bound, bool) or not isinstance(bound, int) or bound < 0
        ):
            raise ValueError(
                f"{name.split('_')[0]} limits must be whole numbers or None, got {limits!r}"
            )
    if low is not None and high is not None and low > high:
        raise ValueError(f"{name.split('_')[0]} limits' minimum is above their maximum: {limits!r}")
    return count, (low, high)


def within(count: int, limits: Any, what: str) -> None:
    """Refuse a table with fewer or more ``what`` ("rows" or "columns") than ``limits``."""
    low, high = limits or (None, None)
    if low is not None and count < low:
        if what == "rows":
            message = gettext("the table needs at least %(limit)s rows, got %(count)s")
        else:
            message = gettext("the table needs at least %(limit)s columns, got %(count)s")
        raise InvalidValue(message % {"limit": low, "count": count})
    if high is not None and count > high:
        if what == "rows":
            message = gettext("the table has at most %(limit)s rows, got %(count)s")
        else:
            message = gettext("the table has at most %(limit)s columns, got %(count)s")
        raise InvalidValue(message % {"limit": high, "count": count})


def cell_text(cell: Any, max_chars: int | None) -> str:
    """A cell as the page shows it (the page's dataframe.js writes the same)."""
    text = (
        ""
        if cell is None
        else ("true" if cell is True else "false" if cell is False else str(cell))
    )
    return text[:max_chars] + "\u2026" if max_chars and len(text) > max_chars else text

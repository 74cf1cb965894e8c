"""The native plots' renderer: a table of rows drawn as an SVG line, scatter or bar chart.

Our own small renderer (no extra needed), so ``LinePlot`` / ``ScatterPlot`` / ``BarPlot``
work wherever blocksstate does. Every text from the data passes through ``escape``: the SVG
is built here, element by element, never from a caller's markup, so the page may insert it.
Axes, ticks and text use ``currentColor`` and the page's CSS variables, so it reads in
light and dark pages alike; series colours are a palette readable on both.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape as _escape

from django.utils.translation import gettext

PALETTE = (
    "#4c78a8",
    "#f58518",
    "#54a24b",
    "#e45756",
    "#72b7b2",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
)
WIDTH = 640
DEFAULT_HEIGHT = 320
AGGREGATES = {
    "sum": sum,
    "mean": lambda v: sum(v) / len(v),
    "median": lambda v: (
        sorted(v)[len(v) // 2]
        if len(v) % 2
        else (sorted(v)[len(v) // 2 - 1] + sorted(v)[len(v) // 2]) / 2
    ),
    "min": min,
    "max": max,
    "count": len,
}


def escape(text: Any) -> str:
    """``text`` as SVG text or an attribute value (quotes included)."""
    return _escape(str(text), {'"': "&quot;", "'": "&#x27;"})


@dataclass
class Chart:
    """What to draw: the kind, the columns, and the options of Gradio's native plots."""

    kind: str  # "line", "scatter" or "bar"
    x: str
    y: str
    color: str | None = None
    title: str | None = None
    x_title: str | None = None
    y_title: str | None = None
    color_title: str | None = None
    x_bin: float | None = None
    y_aggregate: str | None = None
    color_map: dict[str, str] | None = None
    colors_in_legend: list[str] | None = None
    x_lim: Sequence[float | None] | None = None
    y_lim: Sequence[float | None] | None = None
    x_label_angle: float = 0
    x_axis_labels_visible: bool = True
    sort: Any = None
    tooltip: Any = "axis"
    height: int | None = None
    temporal: set[str] = field(default_factory=set)


@dataclass
class Mark:
    """One drawn point or bar: its data and the series it belongs to."""

    x: Any
    y: float
    series: str | None
    row: dict[str, Any]


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (1, 2, 5 times a power of ten apart)."""
    if high == low:
        high, low = high + 1, low - 1
    raw = (high - low) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def number_label(value: float, temporal: bool = False) -> str:
    """A tick's text: a date for a temporal axis, else a short number."""
    if temporal:
        moment = datetime.fromtimestamp(value, UTC)
        if moment.hour == moment.minute == moment.second == 0:
            return moment.strftime("%Y-%m-%d")
        return moment.strftime("%Y-%m-%d %H:%M")
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


def marks_of(chart: Chart, rows: list[dict[str, Any]]) -> list[Mark]:
    """The points or bars of ``rows``: binned, aggregated and sorted as ``chart`` says."""
    marks = [Mark(r[chart.x], r[chart.y], _series(chart, r), r) for r in rows]
    marks = [m for m in marks if m.x is not None and m.y is not None]
    # Bars over categories sum their rows, as Vega-Lite stacks them in Gradio.
    nominal = not all(isinstance(m.x, (int, float)) for m in marks)
    if (
        chart.x_bin is not None
        or chart.y_aggregate is not None
        or (chart.kind == "bar" and nominal)
    ):
        marks = _aggregate(chart, marks)
    if chart.sort in ("x", "-x", "y", "-y"):
        field_name = chart.sort.lstrip("-")
        marks.sort(key=lambda m: getattr(m, field_name), reverse=chart.sort.startswith("-"))
    elif isinstance(chart.sort, list):
        order = {value: i for i, value in enumerate(chart.sort)}
        marks.sort(key=lambda m: order.get(m.x, len(order)))
    elif chart.kind == "line" and all(isinstance(m.x, (int, float)) for m in marks):
        marks.sort(key=lambda m: m.x)
    return marks


def _series(chart: Chart, row: dict[str, Any]) -> str | None:
    return None if chart.color is None else str(row[chart.color])


def _aggregate(chart: Chart, marks: list[Mark]) -> list[Mark]:
    groups: dict[tuple[Any, str | None], list[Mark]] = {}
    for mark in marks:
        x = mark.x
        if chart.x_bin is not None and isinstance(x, (int, float)):
            x = math.floor(x / chart.x_bin) * chart.x_bin
        groups.setdefault((x, mark.series), []).append(mark)
    how = AGGREGATES[chart.y_aggregate or "sum"]
    return [
        Mark(x, float(how([m.y for m in group])), series, group[0].row)
        for (x, series), group in groups.items()
    ]


class Scale:
    """Data to pixels along one axis: linear for numbers, bands for categories."""

    def __init__(self, values: list[Any], start: float, end: float, limits: Any = None) -> None:
        self.start, self.end = start, end
        self.numeric = all(isinstance(v, (int, float)) for v in values)
        if self.numeric:
            limits = list(limits or []) + [None, None]
            given_low, given_high = limits[0], limits[1]
            low = given_low if given_low is not None else min(values, default=0)
            high = given_high if given_high is not None else max(values, default=1)
            ticks = nice_ticks(low, high)
            self.low = given_low if given_low is not None else min(ticks[0], low)
            self.high = given_high if given_high is not None else max(ticks[-1], high)
            if self.high == self.low:
                self.high = self.low + 1
            self.ticks = [t for t in ticks if self.low <= t <= self.high]
            self.categories: list[str] = []
        else:
            self.categories = list(dict.fromkeys(str(v) for v in values))
            self.ticks = []

    def __call__(self, value: Any) -> float:
        if self.numeric:
            return self.start + (value - self.low) / (self.high - self.low) * (
                self.end - self.start
            )
        return self.start + (self.categories.index(str(value)) + 0.5) * self.band

    @property
    def band(self) -> float:
        return (self.end - self.start) / max(len(self.categories), 1)


def render(chart: Chart, rows: list[dict[str, Any]], label: str | None = None) -> str:
    """Draw ``rows`` as ``chart`` says; return the SVG markup (every text escaped)."""
    marks = marks_of(chart, rows)
    series = list(dict.fromkeys(m.series for m in marks if m.series is not None))
    colours = _colours(chart, series)
    height = chart.height or DEFAULT_HEIGHT
    legend = 140 if series else 0
    left, right = 64, WIDTH - 16 - legend
    top = 40 if chart.title else 16
    bottom = height - (52 if chart.x_axis_labels_visible else 36)
    xs = Scale([m.x for m in marks], left, right, chart.x_lim)
    ys_values = [m.y for m in marks] + ([0.0] if chart.kind == "bar" else [])
    ys = Scale(ys_values, bottom, top, chart.y_lim)
    name = chart.title or label or gettext("%(y)s by %(x)s") % {"y": chart.y, "x": chart.x}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bs-chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-label="{escape(name)}" data-kind="{chart.kind}" '
        f'font-size="12" fill="currentColor">',
        f"<title>{escape(name)}</title>",
    ]
    if chart.title:
        out.append(
            f'<text class="bs-chart-title" x="{WIDTH / 2}" y="22" text-anchor="middle" '
            f'font-size="15" font-weight="600">{escape(chart.title)}</text>'
        )
    out += _axes(chart, xs, ys, left, right, top, bottom, height)
    out.append(
        f'<rect class="bs-chart-area" x="{left}" y="{top}" width="{right - left}" '
        f'height="{bottom - top}" fill="transparent" data-x-kind="'
        f'{"temporal" if chart.x in chart.temporal else "numeric" if xs.numeric else "nominal"}"'
        + (f' data-x-min="{xs.low}" data-x-max="{xs.high}"' if xs.numeric else "")
        + "/>"
    )
    out += _marks(chart, marks, xs, ys, colours, bottom)
    if series:
        out += _legend(chart, series, colours, right + 16, top)
    out.append("</svg>")
    return "".join(out)


def _colours(chart: Chart, series: list[str]) -> dict[str | None, str]:
    chosen = dict(chart.color_map or {})
    colours: dict[str | None, str] = {None: PALETTE[0]}
    for i, name in enumerate(series):
        colours[name] = chosen.get(name, PALETTE[i % len(PALETTE)])
    return colours


def _axes(
    chart: Chart, xs: Scale, ys: Scale, left: float, right: float, top: float, bottom: float, h: int
) -> list[str]:
    out = ['<g class="bs-chart-axes" stroke="currentColor">']
    out.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}"/>')
    out.append("</g>")
    out.append('<g class="bs-chart-y-ticks" text-anchor="end">')
    for tick in ys.ticks:
        y = ys(tick)
        out.append(
            f'<line x1="{left}" y1="{y:.2f}" x2="{right}" y2="{y:.2f}" stroke="currentColor" '
            f'stroke-opacity="0.15"/><text x="{left - 6}" y="{y + 4:.2f}">'
            f"{escape(number_label(tick, chart.y in chart.temporal))}</text>"
        )
    out.append("</g>")
    if chart.x_axis_labels_visible:
        anchor = "end" if chart.x_label_angle else "middle"
        out.append(f'<g class="bs-chart-x-ticks" text-anchor="{anchor}">')
        labels = (
            [(xs(t), number_label(t, chart.x in chart.temporal)) for t in xs.ticks]
            if xs.numeric
            else [(xs(c), c) for c in xs.categories]
        )
        for x, text in labels:
            turn = (
                f' transform="rotate({-chart.x_label_angle} {x:.2f} {bottom + 16})"'
                if chart.x_label_angle
                else ""
            )
            out.append(
                f'<line x1="{x:.2f}" y1="{bottom}" x2="{x:.2f}" y2="{bottom + 4}" '
                f'stroke="currentColor"/><text x="{x:.2f}" y="{bottom + 16}"{turn}>'
                f"{escape(text)}</text>"
            )
        out.append("</g>")
    x_title = chart.x_title if chart.x_title is not None else chart.x
    y_title = chart.y_title if chart.y_title is not None else chart.y
    out.append(
        f'<text class="bs-chart-x-title" x="{(left + right) / 2}" y="{h - 8}" '
        f'text-anchor="middle" font-weight="600">{escape(x_title)}</text>'
    )
    middle = (top + bottom) / 2
    out.append(
        f'<text class="bs-chart-y-title" x="14" y="{middle}" text-anchor="middle" '
        f'font-weight="600" transform="rotate(-90 14 {middle})">{escape(y_title)}</text>'
    )
    return out


def _tip(chart: Chart, mark: Mark) -> str:
    if chart.tooltip == "none":
        return ""
    if chart.tooltip == "all":
        names = list(mark.row)
    elif isinstance(chart.tooltip, list):
        names = [n for n in chart.tooltip if n in mark.row]
    else:
        names = [chart.x, chart.y] + ([chart.color] if chart.color else [])
    values = {chart.x: mark.x, chart.y: mark.y}
    parts = []
    for name in names:
        value = values.get(name, mark.row.get(name))
        if name in chart.temporal and isinstance(value, (int, float)):
            value = number_label(value, True)
        elif isinstance(value, float):
            value = number_label(value)
        parts.append(f"{name}: {value}")
    return f"<title>{escape(', '.join(parts))}</title>"


def _marks(
    chart: Chart,
    marks: list[Mark],
    xs: Scale,
    ys: Scale,
    colours: dict[str | None, str],
    bottom: float,
) -> list[str]:
    out = ['<g class="bs-chart-marks">']
    by_series: dict[str | None, list[Mark]] = {}
    for mark in marks:
        by_series.setdefault(mark.series, []).append(mark)
    groups = len(by_series)
    for index, (name, group) in enumerate(by_series.items()):
        colour = colours[name]
        tag = f' data-series="{escape(name)}"' if name is not None else ""
        if chart.kind == "line" and len(group) > 1:
            path = " ".join(
                f"{'M' if i == 0 else 'L'}{xs(m.x):.2f},{ys(m.y):.2f}" for i, m in enumerate(group)
            )
            out.append(
                f'<path class="bs-chart-line"{tag} d="{path}" fill="none" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        for mark in group:
            data = f' data-x="{escape(mark.x)}" data-y="{mark.y}"{tag}'
            if chart.kind == "bar":
                band = xs.band if not xs.numeric else max((xs.end - xs.start) / 40, 4)
                width = band * 0.8 / groups
                x0 = xs(mark.x) - band * 0.4 + index * width
                y0, y1 = sorted((ys(mark.y), ys(0) if ys.low <= 0 <= ys.high else bottom))
                out.append(
                    f'<rect class="bs-chart-bar"{data} x="{x0:.2f}" y="{y0:.2f}" '
                    f'width="{width:.2f}" height="{y1 - y0:.2f}" fill="{colour}">'
                    f"{_tip(chart, mark)}</rect>"
                )
            else:
                radius = 3 if chart.kind == "line" else 4
                out.append(
                    f'<circle class="bs-chart-point"{data} cx="{xs(mark.x):.2f}" '
                    f'cy="{ys(mark.y):.2f}" r="{radius}" fill="{colour}">'
                    f"{_tip(chart, mark)}</circle>"
                )
    out.append("</g>")
    return out


def _legend(
    chart: Chart, series: list[str], colours: dict[str | None, str], x: float, top: float
) -> list[str]:
    shown = [s for s in series if chart.colors_in_legend is None or s in chart.colors_in_legend]
    title = chart.color_title if chart.color_title is not None else chart.color
    out = [f'<g class="bs-chart-legend" role="list" aria-label="{escape(title)}">']
    out.append(f'<text x="{x}" y="{top + 10}" font-weight="600">{escape(title)}</text>')
    for i, name in enumerate(shown):
        y = top + 28 + i * 18
        out.append(
            f'<g role="listitem"><rect x="{x}" y="{y - 9}" width="10" height="10" '
            f'fill="{colours[name]}"/><text x="{x + 16}" y="{y}">{escape(name)}</text></g>'
        )
    out.append("</g>")
    return out

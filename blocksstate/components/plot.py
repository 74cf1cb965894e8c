"""``gr.Plot``: a matplotlib, Plotly or Altair figure, drawn on the server where it can be.

matplotlib and Altair figures become an SVG picture (an ``<img>`` whose ``src`` is a
``data:`` URL: a picture's scripts never run, so the SVG needs no sanitising); a Plotly
figure is sent as its JSON and drawn by the vendored plotly.js, loaded only by a page
that shows one. Drawing blocks, so it runs in a handler thread (``store_output``);
docs/plots.md says why.
"""

from __future__ import annotations

import base64
import copy
import io
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Unpack

from .base import Component, ComponentOptions
from .prepared import Prepared
from .schema import InvalidValue

if TYPE_CHECKING:
    from ..files.store import Owner

EXTRA = 'pip install "blocksstate[plots]"'
RASTER_FORMATS = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg"}
# Gradio's default, "webp", is drawn as SVG here: sharper, smaller, and its text is text.
FORMATS = frozenset({"webp", "svg", *RASTER_FORMATS})


def figure_kind(value: Any) -> str | None:
    """``"matplotlib"``, ``"plotly"`` or ``"altair"`` for a figure of those libraries, else None."""
    module = type(value).__module__ or ""
    if module.startswith("matplotlib") and hasattr(value, "savefig"):
        return "matplotlib"
    if module.startswith("plotly") and hasattr(value, "to_plotly_json"):
        return "plotly"
    if module.startswith("altair") and hasattr(value, "to_dict"):
        return "altair"
    return None


def data_url(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def draw_matplotlib(figure: Any, fmt: str) -> dict[str, Any]:
    """The figure saved as SVG (or ``fmt``'s raster); the figure stays open: it is the caller's.

    ``savefig`` picks the SVG or Agg canvas for the format, so no GUI backend is touched.
    """
    buffer = io.BytesIO()
    raster = RASTER_FORMATS.get(fmt)
    figure.savefig(buffer, format="jpeg" if fmt == "jpg" else fmt if raster else "svg")
    mime = raster or "image/svg+xml"
    return {"kind": "image", "src": data_url(mime, buffer.getvalue()), "library": "matplotlib"}


def draw_altair(chart: Any) -> dict[str, Any]:
    """The chart's Vega-Lite spec drawn as SVG by vl-convert (what ``chart.save("x.svg")`` uses)."""
    try:
        import vl_convert
    except ImportError:
        raise InvalidValue(f"an Altair chart is drawn by vl-convert-python: {EXTRA}") from None
    svg = vl_convert.vegalite_to_svg(chart.to_dict())
    return {
        "kind": "image",
        "src": data_url("image/svg+xml", svg.encode("utf-8")),
        "library": "altair",
    }


def plotly_json(figure: Any) -> dict[str, Any]:
    """The figure as plotly.js reads it (``data``, ``layout``), JSON only."""
    return {"kind": "plotly", "figure": json.loads(figure.to_json()), "library": "plotly"}


class Plot(Component):
    """A figure: handlers return a matplotlib Figure, a Plotly figure or an Altair chart."""

    template_name = "plot"
    accepts_input = False
    blocking_io = True
    unsupported_options: ClassVar[dict[str, Any]] = {"buttons": None}

    def __init__(
        self,
        value: Any | None = None,
        *,
        format: str = "webp",
        buttons: list[Any] | None = None,
        preserved_by_key: list[str] | str | None = "value",
        **options: Unpack[ComponentOptions],
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"gr.Plot format must be one of {sorted(FORMATS)}, got {format!r}")
        self.format = format
        self.buttons = buttons
        self.preserved_by_key = preserved_by_key
        super().__init__(value, **options)

    def blocks_for(self, value: Any) -> bool:
        return value is not None and not isinstance(value, Prepared)

    def draw(self, value: Any, props: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Draw a figure as the page shows it (may block); a clear error for anything else."""
        kind = figure_kind(value)
        if kind == "matplotlib":
            return draw_matplotlib(value, (props or {}).get("format", self.format))
        if kind == "plotly":
            return plotly_json(value)
        if kind == "altair":
            return draw_altair(value)
        raise InvalidValue(
            f"{self!r} shows a matplotlib Figure, a Plotly figure or an Altair chart "
            f"({EXTRA}), not {type(value).__name__}"
        )

    def store_output(self, value: Any, owner: Owner) -> Any:
        """Draw what a handler returned, in the handler thread."""
        return Prepared(self.draw(value), value)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return None
        if isinstance(value, Prepared):
            if (props or {}).get("format", self.format) == self.format:
                return value.value
            value = value.source  # the same result changed the format: drawn again
        return self.draw(value, props)

    def initial_value(self) -> Any:
        if callable(self.value) and figure_kind(self.value) is None:
            return self.postprocess(self.value())
        if self.value is None:
            return None
        cached = self.__dict__.get("_drawn_default")
        if cached is None:
            cached = self.__dict__["_drawn_default"] = self.postprocess(self.value)
        return copy.deepcopy(cached)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"] or {}
        figure = value.get("figure") if value.get("kind") == "plotly" else None
        return {"plot": value, "plotly_figure": figure}

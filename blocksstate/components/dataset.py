"""``Dataset``: samples shown as buttons (a table with several columns); clicking one picks it.

The page's value is the picked sample's index. The session keeps ``[index, sample]``, so a
handler gets the sample of the samples the page was shown (a handler may replace them
with ``gr.Dataset(samples=...)``), as ``type`` says: the values, the index, or both.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any, Unpack

from ..app.events import Event
from .base import BlockOptions, Component
from .choice import Checkbox, ChoiceComponent
from .files import FileComponent
from .schema import InvalidValue, check_json_safe
from .shortcuts import component_named

DATASET_TYPES = ("values", "index", "tuple")
LAYOUTS = ("gallery", "table")


class Dataset(Component):
    """Samples a visitor picks by clicking; ``.click`` and ``.select`` (``SelectData``) follow."""

    template_name = "dataset"
    click = Event()
    select = Event()

    def __init__(
        self,
        *,
        label: str | None = None,
        show_label: bool = True,
        components: Sequence[Component | str] | None = None,
        component_props: list[dict[str, Any]] | None = None,
        samples: list[list[Any]] | None = None,
        headers: list[str] | None = None,
        type: str = "values",
        layout: str | None = None,
        samples_per_page: int = 10,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        proxy_url: str | None = None,
        sample_labels: list[str] | None = None,
        preserved_by_key: Any = "value",
        **options: Unpack[BlockOptions],
    ) -> None:
        if type not in DATASET_TYPES:
            raise ValueError(f"Dataset type must be one of {DATASET_TYPES}, got {type!r}")
        if layout is not None and layout not in LAYOUTS:
            raise ValueError(f"Dataset layout must be one of {LAYOUTS}, got {layout!r}")
        if isinstance(samples_per_page, bool) or not isinstance(samples_per_page, int):
            raise TypeError("samples_per_page must be a positive integer")
        if samples_per_page < 1:
            raise ValueError("samples_per_page must be a positive integer")
        self.column_components = [
            component_named(c, render=False) if isinstance(c, str) else c for c in components or []
        ]
        for component in self.column_components:
            if not isinstance(component, Component):
                raise TypeError(
                    f"Dataset components must be components or names, got {component!r}"
                )
        self.components = components
        self.component_props = component_props
        self.samples = check_samples(samples, sample_labels)
        if headers is None and any(c.label for c in self.column_components):
            headers = [c.label or "" for c in self.column_components]
        self.headers = list(headers or [])
        self.type = type
        self.layout = layout
        self.samples_per_page = samples_per_page
        self.sample_labels = sample_labels
        self.proxy_url = proxy_url
        self.preserved_by_key = preserved_by_key
        super().__init__(
            None,
            label=label,
            show_label=show_label,
            container=container,
            scale=scale,
            min_width=min_width,
            **options,
        )

    # -- value: [index, sample] in the session, the index on the page -------------------------

    def current_samples(self, props: Mapping[str, Any] | None = None) -> list[list[Any]]:
        if props and "samples" in props:
            return check_samples(props["samples"], props.get("sample_labels"))
        return self.samples

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        if payload is None:
            return None
        samples = self.current_samples(props)
        if isinstance(payload, bool) or not isinstance(payload, int):
            raise InvalidValue(f"expected the index of a sample, got {type(payload).__name__}")
        if not 0 <= payload < len(samples):
            raise InvalidValue(f"there is no sample {payload} (there are {len(samples)})")
        return [payload, samples[payload]]

    def to_handler(self, payload: Any) -> Any:
        if payload is None:
            return None
        index, sample = payload
        if self.type == "index":
            return index
        if self.type == "tuple":
            return index, sample
        return sample

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        """An index, or a sample's values (the index of the first equal sample)."""
        if value is None:
            return None
        samples = self.current_samples(props)
        if isinstance(value, int) and not isinstance(value, bool):
            if not 0 <= value < len(samples):
                raise InvalidValue(f"{self!r} has no sample {value}")
            return [value, samples[value]]
        if isinstance(value, (list, tuple)) and list(value) in samples:
            index = samples.index(list(value))
            return [index, samples[index]]
        raise InvalidValue(
            f"{self!r} shows a sample by its index or its values; to change the samples, "
            "return gr.Dataset(samples=...)"
        )

    def page_update(self, value: Any) -> dict[str, Any]:
        return {"value": None if value is None else value[0]}

    def page_props(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """Send new samples with the texts the page shows for them (``sample_cells``)."""
        props = super().page_props(props)
        if "samples" in props or "sample_labels" in props:
            samples = self.current_samples(props)
            labels = props.get("sample_labels", self.sample_labels)
            props["samples"] = samples
            props["sample_cells"] = self.sample_cells(samples, labels)
        return props

    def is_interactive(self) -> bool:
        return True  # clicking a sample is what it is for

    # -- what the page shows -------------------------------------------------------------------

    def is_table(self) -> bool:
        if self.layout is not None:
            return self.layout == "table"
        return len(self.column_components) > 1

    def sample_cells(
        self, samples: list[list[Any]], labels: list[str] | None = None
    ) -> list[list[str]]:
        """Each sample as the texts the page shows (a label, when given, replaces its cells)."""
        if labels:
            return [[str(label)] for label in labels]
        return [
            [
                sample_text(component, value)
                for component, value in zip(self.column_components, sample, strict=False)
            ]
            for sample in samples
        ]

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        cells = self.sample_cells(self.samples, self.sample_labels)
        selected = context["value"][0] if context["value"] else None
        per_page = self.samples_per_page
        return {
            "samples": self.samples,
            "table": self.is_table() and not self.sample_labels,
            "headers": self.headers,
            "rows": [
                {
                    "index": i,
                    "cells": row,
                    "name": ", ".join(c for c in row if c) or f"Sample {i + 1}",
                    "page": i // per_page,
                    "selected": i == selected,
                }
                for i, row in enumerate(cells)
            ],
            "pages": range(1, (len(cells) - 1) // per_page + 2) if cells else range(1, 2),
            "paged": len(cells) > per_page,
        }


def check_samples(samples: Any, labels: Any = None) -> list[list[Any]]:
    """Return ``samples`` as a list of lists, refusing what cannot go to the page."""
    if samples is None:
        return []
    if not isinstance(samples, (list, tuple)):
        raise InvalidValue("Dataset samples must be a list of samples, each a list of values")
    rows = []
    for sample in samples:
        row = list(sample) if isinstance(sample, (list, tuple)) else [sample]
        for value in row:
            try:
                check_json_safe(value if not isinstance(value, os.PathLike) else os.fspath(value))
            except InvalidValue as exc:
                raise InvalidValue(f"Dataset sample {row!r}: {exc}") from None
        rows.append([os.fspath(v) if isinstance(v, os.PathLike) else v for v in row])
    if labels is not None and len(labels) != len(rows):
        raise ValueError("sample_labels must have one label per sample")
    return rows


def sample_text(component: Component, value: Any) -> str:
    """How one value of a sample reads on the page: a file's name, a choice's label, the text."""
    if value is None:
        return ""
    if isinstance(component, FileComponent):
        items = value if isinstance(value, list) else [value]
        return ", ".join(_file_name(item) for item in items)
    if isinstance(component, Checkbox):
        return "✓" if value else "✗"
    if isinstance(component, ChoiceComponent):
        labels = {repr(v): label for label, v in component.choices}
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(repr(item), str(item)) for item in items)
    return str(value)


def _file_name(item: Any) -> str:
    if isinstance(item, dict):
        item = item.get("orig_name") or item.get("path") or item.get("image") or ""
        if isinstance(item, dict):
            return _file_name(item)
    return os.path.basename(str(item).rstrip("/")) or str(item)

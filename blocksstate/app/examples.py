"""``Examples``: sample inputs shown under a ``Dataset``; clicking one fills the inputs.

As in Gradio, a ``Dataset`` (``type="tuple"``) holds the samples and its ``click`` loads the
picked one into the inputs, then runs ``fn`` when ``run_on_click``. Nothing is cached:
``cache_examples=True`` runs ``fn`` on each click instead (one ``UnsupportedOption`` warning).
A file example (a path) is stored once, owned by the app, the first time it is clicked.
"""

from __future__ import annotations

import csv
import os
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..components.base import Component
from ..components.dataset import Dataset
from ..components.files import FileComponent
from ..engine.updates import skip, update
from ..files.storage import file_storage
from ..warnings import warn_unsupported
from .context import current_context

LOG_FILE = "log.csv"


class _Unchanged:
    """A hidden column of a sample the page changed: its input is left as it is."""


UNCHANGED = _Unchanged()


class Examples:
    """Clickable examples for ``inputs`` (Gradio's ``gr.Examples``)."""

    def __init__(
        self,
        examples: list[Any] | list[list[Any]] | str,
        inputs: Component | Sequence[Component],
        outputs: Component | Sequence[Component] | None = None,
        fn: Callable[..., Any] | None = None,
        cache_examples: bool | str | None = None,
        cache_mode: str | None = None,
        examples_per_page: int = 10,
        _api_mode: bool = False,
        label: str | None = "Examples",
        elem_id: str | None = None,
        run_on_click: bool = False,
        preprocess: bool = True,
        postprocess: bool = True,
        api_visibility: str = "undocumented",
        api_name: str | None = "load_example",
        api_description: str | None | bool = None,
        batch: bool = False,
        *,
        example_labels: list[str] | None = None,
        visible_columns: list[int] | None = None,
        visible: bool = True,
        preload: int | bool = 0,
        _initiated_directly: bool = True,
    ) -> None:
        if cache_examples not in (None, True, False, "lazy"):
            raise ValueError(
                f"The `cache_examples` parameter should be either True or False, not {cache_examples!r}"
            )
        if cache_mode not in (None, "eager", "lazy"):
            raise ValueError(f"cache_mode must be 'eager', 'lazy' or None, got {cache_mode!r}")
        self.inputs: list[Component] = (
            list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        )
        self.outputs: list[Component] = (
            []
            if outputs is None
            else list(outputs)
            if isinstance(outputs, (list, tuple))
            else [outputs]
        )
        self.cache_examples = bool(cache_examples)
        if self.cache_examples and (fn is None or not self.outputs):
            raise ValueError("If caching examples, `fn` and `outputs` must be provided")
        if self.cache_examples:
            # Said once per process: the outputs are computed on each click, never stored.
            warn_unsupported(
                "gr.Examples",
                ["cache_examples"],
                what="clicking an example runs fn to fill the outputs",
            )
        examples, self.working_directory = _example_rows(examples, len(self.inputs))
        if example_labels is not None and len(example_labels) != len(examples):
            raise ValueError(
                "If `example_labels` are provided, the length of `example_labels` must be the "
                "same as the number of examples."
            )
        has_example = [False] * len(self.inputs)
        for example in examples:
            for i, value in enumerate(example[: len(self.inputs)]):
                has_example[i] = has_example[i] or value is not None
        self.examples = examples
        self.input_has_examples = has_example
        self.inputs_with_examples = [
            c for c, keep in zip(self.inputs, has_example, strict=False) if keep
        ]
        columns = [i for i, keep in enumerate(has_example) if keep]
        self.non_none_examples = [
            [example[i] if i < len(example) else None for i in columns] for example in examples
        ]
        shown = _visible_columns(visible_columns, len(self.inputs), columns)
        self.visible_input_positions = [p for p, i in enumerate(columns) if i in shown]
        self.visible_examples = [
            [row[p] for p in self.visible_input_positions] for row in self.non_none_examples
        ]
        self.fn = fn
        self.run_on_click = run_on_click or self.cache_examples
        self.api_name = api_name
        self.preprocess, self.postprocess, self.batch = preprocess, postprocess, batch
        self.api_visibility, self.api_description = api_visibility, api_description
        self.example_labels = example_labels
        self.preload = preload
        self._stored: dict[tuple[int, int, int], Any] = {}
        self._store_lock = threading.Lock()
        self.dataset = Dataset(
            components=[self.inputs[i] for i in columns if i in shown],
            samples=[list(row) for row in self.visible_examples],
            type="tuple",
            label=label,
            samples_per_page=examples_per_page,
            elem_id=elem_id,
            visible=visible,
            sample_labels=example_labels,
        )
        self.load_input_event: Any = None
        if current_context.get() is not None:
            self.create()
        else:
            warnings.warn(
                "If an Examples object is created outside a Blocks Context, make sure to call "
                "`examples.dataset.render()` and `examples.create()` to show the examples.",
                stacklevel=2,
            )

    def create(self) -> None:
        """Wire the dataset's click: load the picked example, then run ``fn`` if asked."""
        if self.load_input_event is not None:
            return
        if self.run_on_click and self.fn is None:
            raise ValueError("Cannot run_on_click if no function is provided")
        self.load_input_event = self.dataset.click(
            self.load_example,
            inputs=[self.dataset],
            outputs=self.inputs_with_examples,
            show_progress="hidden",
            queue=False,
            api_name=self.api_name,
        )
        if self.run_on_click:
            self.load_input_event.then(self.fn, inputs=self.inputs, outputs=self.outputs)

    def example_value(self, picked: tuple[int, list[Any]]) -> list[Any]:
        """The values of the inputs with examples for a picked ``(index, sample)``."""
        index, sample = picked
        if len(self.visible_input_positions) == len(self.inputs_with_examples):
            return list(sample)
        if index < len(self.non_none_examples) and sample == self.visible_examples[index]:
            return list(self.non_none_examples[index])
        if len(sample) == len(self.inputs_with_examples):
            return list(sample)
        values: list[Any] = [UNCHANGED] * len(self.inputs_with_examples)
        for position, value in zip(self.visible_input_positions, sample, strict=False):
            values[position] = value
        return values

    def load_example(self, picked: tuple[int, list[Any]] | None) -> Any:
        """Return an update per input with examples (a handler: runs in a handler thread)."""
        if picked is None:
            updates = [skip() for _ in self.inputs_with_examples]
        else:
            index = picked[0]
            updates = [
                skip()
                if value is UNCHANGED
                else update(value=self.input_value(index, position, component, value))
                for position, (component, value) in enumerate(
                    zip(self.inputs_with_examples, self.example_value(picked), strict=False)
                )
            ]
        return updates[0] if len(updates) == 1 else updates

    def input_value(self, index: int, position: int, component: Component, value: Any) -> Any:
        """A file example is stored for the app once (per storage); other values go as they are."""
        if not isinstance(component, FileComponent) or value is None:
            return value
        key = (id(file_storage()), index, position)
        with self._store_lock:
            if key not in self._stored:
                path = value
                if isinstance(value, str) and not os.path.isabs(value):
                    candidate = Path(self.working_directory) / value
                    path = str(candidate) if candidate.exists() else value
                self._stored[key] = component.store_output(path, component.app_owner())
            return self._stored[key]


def _example_rows(examples: Any, input_count: int) -> tuple[list[list[Any]], str]:
    """Gradio's forms of ``examples``: a list of rows, a flat list (one input), or a folder."""
    if examples is None:
        raise ValueError("The parameter `examples` cannot be None")
    if isinstance(examples, (list, tuple)):
        rows = list(examples)
        if rows and all(isinstance(row, (list, tuple)) for row in rows):
            return [list(row) for row in rows], os.getcwd()
        if input_count == 1:
            return [[value] for value in rows], os.getcwd()
        raise ValueError(
            "With several inputs, `examples` must be a list of lists: one value per input in each"
        )
    if isinstance(examples, (str, os.PathLike)):
        folder = Path(examples)
        if not folder.is_dir():
            raise FileNotFoundError(f"Could not find examples directory: {examples}")
        log = folder / LOG_FILE
        if log.exists():
            with log.open(newline="") as handle:
                rows = list(csv.reader(handle))[1:]
            return [row[:input_count] for row in rows], str(folder)
        if input_count != 1:
            raise FileNotFoundError(
                f"Could not find log file (required for multiple inputs): {LOG_FILE}"
            )
        return [[name] for name in sorted(os.listdir(folder))], str(folder)
    raise ValueError(
        "The parameter `examples` must either be a string directory or a list (if there is only "
        "1 input component) or (more generally), a nested list, where each sublist represents "
        "a set of inputs."
    )


def _visible_columns(visible: list[int] | None, count: int, with_examples: list[int]) -> set[int]:
    if visible is None:
        return set(range(count))
    if not visible:
        raise ValueError("`visible_columns` must contain at least one column index.")
    if any(isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < count for i in visible):
        raise ValueError("Each index in `visible_columns` must correspond to an input component.")
    shown = set(visible)
    return shown if shown & set(with_examples) else set(with_examples)

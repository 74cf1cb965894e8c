"""No Gradio option silently ignored: every public class and listener against Gradio 6.31's.

The snapshot ``tests/data/gradio_api.json`` is written by ``scripts/gradio_api_snapshot.py``
(run with a Python that has Gradio). For each Gradio class blocksstate exports under the
same name, each constructor parameter is accepted by name, and a value other than Gradio's
default is (a) kept (the instance's attribute changes), (b) warned about once
(``UnsupportedOption``, naming it), or (c) refused with a ValueError/TypeError naming it.
"""

from __future__ import annotations

import inspect
import json
import re
import warnings
from pathlib import Path
from typing import Any

import pytest

import blocksstate as gr
from blocksstate.app.listener_options import LISTENER_OPTIONS, NO_API, REFUSED, WARNED, WORKS
from blocksstate.launch import options as launch_options
from blocksstate.warnings import UnsupportedOption

SNAPSHOT = json.loads((Path(__file__).parent / "data" / "gradio_api.json").read_text())
CLASSES: dict[str, dict[str, Any]] = SNAPSHOT["classes"]

# Classes Gradio builds for handlers (event data, the request): apps never construct them.
BUILT_BY_THE_FRAMEWORK = {
    "EventData", "SelectData", "KeyUpData", "LikeData", "RetryData", "UndoData", "EditData",
    "CopyData", "DeletedFileData", "DownloadData", "Request",
}  # fmt: skip

# Arguments a class needs to be built at all.
REQUIRED: dict[str, dict[str, Any]] = {
    "Interface": {"fn": lambda x: x, "inputs": "text", "outputs": "text"},
    "ChatInterface": {"fn": lambda message, history: message},
    "TabbedInterface": {"interface_list": []},
    "ChatMessage": {"content": "hello"},
}

# Sample values where the annotation says too little (by parameter, or class.parameter).
SAMPLES: dict[str, Any] = {
    "elem_classes": ["sample"],
    "elem_id": "sample-id",
    "key": "sample-key",
    "choices": ["a", "b"],
    "every": 2.0,
    "delete_cache": (60, 60),
    "default_concurrency_limit": 3,
    "Slider.minimum": 5,
    "Slider.maximum": 50,
    "Number.minimum": 1,
    "Number.maximum": 9,
    "Dataset.samples": [["a"]],
    "Dataset.components": ["textbox"],
    "Dataset.headers": ["A"],
    "Examples.examples": [["a"]],
    "ChatMessage.metadata": {"title": "tool"},
    "ChatMessage.options": [{"value": "yes"}],
    "Chatbot.examples": [{"text": "hi"}],
    "latex_delimiters": [{"left": "$", "right": "$", "display": False}],
    "x_lim": [0, 10],
    "y_lim": [0, 10],
    "row_count": 5,
    "column_count": 5,
    "col_count": 5,
    "column_widths": ["100px", "50%"],
    "static_columns": [0],
    "Theme.primary_hue": "violet",
    "Theme.secondary_hue": "violet",
    "Theme.neutral_hue": "stone",
    "Theme.text_size": "sm",
    "Theme.spacing_size": "sm",
    "Theme.radius_size": "sm",
    "Theme.font": ["Arial", "sans-serif"],
    "Theme.font_mono": ["Courier", "monospace"],
    "Chatbot.avatar_images": ("a.png", None),
    "Label.color": "#ff0000",
    "Button.link": "https://example.com/",
    "Timer.value": 2.5,
    "Error.message": "sample",
    "waveform_options": {"waveform_color": "#ff0000"},
    "webcam_options": {"mirror": False},
    "watermark": "sample text",
    "feedback_value": ["up"],
    "reasoning_tags": [("<think>", "</think>")],
    "component_props": [{"label": "A"}],
    "html_attributes": {"autocorrect": "off"},
    "buttons": ["copy"],
    "Audio.format": "mp3",
    "Gallery.sources": ["webcam"],
    "MultimodalTextbox.sources": ["microphone"],
    "Tab.id": "tab-id",
    "TabItem.id": "tab-id",
    "Interface.flagging_mode": "manual",
    "tabs_kwargs": {"elem_id": "tabs"},
    "additional_inputs": lambda: [gr.Textbox(label="Sample")],
    "Interface.additional_inputs": ["textbox"],
    "ChatInterface.chatbot": lambda: gr.Chatbot(label="Sample"),
    "ChatInterface.textbox": lambda: gr.Textbox(label="Sample"),
    "additional_outputs": lambda: [gr.Textbox(label="Sample")],
    "ChatMessage.content": "sample text",
    "server_functions": [len],
    "flagging_callback": object(),
}
# Arguments without which a parameter has nothing to act on (labels of examples...).
CONTEXT: dict[str, dict[str, Any]] = {
    **dict.fromkeys(
        ["Interface.example_labels", "Interface.examples_per_page", "Interface.cache_examples",
         "Interface.cache_mode", "Interface.preload_example"],
        {"examples": [["a"]]},
    ),
    **dict.fromkeys(
        ["ChatInterface.examples_label", "ChatInterface.example_labels",
         "ChatInterface.run_examples_on_click"],
        {"examples": ["hello"]},
    ),
    "Interface.additional_inputs_accordion": {"additional_inputs": ["textbox"]},
    "ChatInterface.additional_inputs_accordion": {"additional_inputs": ["textbox"]},
    "Interface.stop_btn": {"fn": lambda x: (yield x)},
}  # fmt: skip
# Parameters whose sample run is covered by the components' own tests (their value types).
VALUE_LIKE = {"value", "fn", "inputs", "outputs", "examples", "interface_list", "components"}

MISSING = object()


def provided_classes(kinds: tuple[str, ...]) -> list[str]:
    return sorted(
        name
        for name, entry in CLASSES.items()
        if entry["kind"] in kinds
        and isinstance(getattr(gr, name, None), type)
        and name not in BUILT_BY_THE_FRAMEWORK
    )


CONSTRUCTED = provided_classes(("component", "layout", "app", "other"))
PARAMETERS = [
    pytest.param(name, param, id=f"{name}.{param['name']}")
    for name in CONSTRUCTED
    for param in CLASSES[name]["parameters"]
    if not param["name"].startswith("_")
]
NOT_PROVIDED = sorted(
    name
    for name, entry in CLASSES.items()
    if "." not in name and not hasattr(gr, name) and entry["kind"] != "other"
)


def literals(annotation: str) -> list[str]:
    return re.findall(r"'([^']*)'", annotation)


def sample_for(cls_name: str, param: dict[str, str]) -> Any:
    """A value other than Gradio's default, of the type the parameter takes."""
    name, default, annotation = param["name"], param["default"], param.get("annotation", "")
    for key in (f"{cls_name}.{name}", name):
        if key in SAMPLES:
            sample = SAMPLES[key]
            # A component sample is built per test (a component joins one app).
            return sample() if getattr(sample, "__name__", "") == "<lambda>" else sample
    if default in ("True", "False"):
        return default != "True"
    options = [option for option in literals(annotation) if repr(option) != default]
    if options and not annotation.startswith(("str |", "str ")):
        return [options[0]] if annotation.startswith("list[") else options[0]
    if re.fullmatch(r"-?\d+", default):
        return int(default) + 1
    if re.fullmatch(r"-?\d+\.\d*", default):
        return float(default) + 0.5
    if default.startswith(("'", '"')):
        return "sample text"
    first = annotation.split("|")[0].strip()
    if first.startswith("bool"):
        return True
    if first.startswith("int"):
        return 3
    if first.startswith("float") or first.startswith("Timer"):
        return 1.5
    if first.startswith("str") or first.startswith("Any"):
        return "sample text"
    if first.startswith("tuple[int"):
        return (1, 2)
    if first.startswith("list[str]"):
        return ["sample"]
    if first.startswith("dict"):
        return {"sample": "text"}
    if first.startswith("Callable"):
        return lambda *args: None
    return MISSING


def accepted_names(cls: type) -> set[str]:
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        for name, param in inspect.signature(init).parameters.items():
            if param.kind is not param.VAR_KEYWORD:
                names.add(name)
    return names


def build(cls_name: str, **kwargs: Any) -> Any:
    cls = getattr(gr, cls_name)
    arguments = {**REQUIRED.get(cls_name, {}), **kwargs}
    if cls_name in ("Blocks", "Interface", "ChatInterface", "TabbedInterface"):
        return cls(**arguments)
    with gr.Blocks():
        if cls_name == "Examples":
            arguments.setdefault("examples", [["a"]])
            arguments.setdefault("inputs", [gr.Textbox()])
        return cls(**arguments)


SIMPLE = (str, int, float, bool, type(None), list, tuple, dict)


def app_fingerprint(app: Any) -> Any:
    """What an app built: its blocks' types and properties, its listeners' options."""
    blocks = [*app.layouts.values(), *app.components.values()]
    return (
        [(type(b).__name__, repr(b.properties()), repr(getattr(b, "value", None))) for b in blocks],
        [
            (d.api_name, d.show_progress, d.queue, d.concurrency_limit, d.trigger_mode, d.js,
             len(d.inputs), len(d.outputs), len(d.triggers))
            for d in app.dependencies
        ],
        sorted((k, repr(v)) for k, v in vars(app).items() if isinstance(v, SIMPLE) and k[0] != "_"),
    )  # fmt: skip


def observed(instance: Any, name: str) -> Any:
    if name == "render":
        return instance.blocks is not None
    if isinstance(instance, gr.BrowserState) and name == "default_value":
        return instance.value
    if name == "id":  # a Tab's own id; ``Block.id`` is its number in the app
        return instance.tab_id
    if isinstance(instance, gr.themes.Base):  # a theme keeps what it resolved: its variables
        return instance._values
    if name == "col_count":  # Gradio's older name of a Dataframe's column_count
        return instance.column_count
    if isinstance(instance, gr.Blocks) and type(instance) is not gr.Blocks:
        return app_fingerprint(instance)
    return getattr(instance, name, MISSING)


@pytest.fixture(autouse=True)
def _fresh(fresh_warnings):
    """Each test sees its first warnings (they are given once per process)."""


def test_snapshot_is_gradio_6_31():
    assert SNAPSHOT["gradio_version"].startswith("6.31")
    assert {"Textbox", "Dataframe", "Blocks"} <= set(CLASSES)


@pytest.mark.parametrize(("cls_name", "param"), PARAMETERS)
def test_every_gradio_parameter_is_kept_warned_or_refused(cls_name, param):
    cls = getattr(gr, cls_name)
    name = param["name"]
    unsupported = getattr(cls, "unsupported_options", {})
    assert name in accepted_names(cls) or name in unsupported, (
        f"gr.{cls_name} does not accept Gradio's {name!r}: accept it, implement it or list it "
        "in unsupported_options"
    )
    if name in VALUE_LIKE:
        return
    sample = sample_for(cls_name, param)
    assert sample is not MISSING, f"no sample value for {cls_name}.{name}: add one to SAMPLES"
    assert repr(sample) != param["default"], f"{cls_name}.{name}: sample is Gradio's default"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            context = CONTEXT.get(f"{cls_name}.{name}", {})
            instance = build(cls_name, **context, **{name: sample})
        except (ValueError, TypeError) as exc:
            assert name in str(exc), f"gr.{cls_name}({name}=...) raised without naming it: {exc}"
            return
    warned = [w for w in caught if issubclass(w.category, UnsupportedOption)]
    if any(repr(name) in str(w.message) or f"{name}=" in str(w.message) for w in warned):
        with warnings.catch_warnings(record=True) as again:
            warnings.simplefilter("always")
            build(cls_name, **CONTEXT.get(f"{cls_name}.{name}", {}), **{name: sample})
        first = {str(w.message) for w in warned}
        assert not [w for w in again if str(w.message) in first], "warned twice"
        return
    baseline = build(cls_name, **CONTEXT.get(f"{cls_name}.{name}", {}))
    assert name not in unsupported, f"gr.{cls_name}({name}={sample!r}) did not warn"
    assert observed(instance, name) is not MISSING, (
        f"gr.{cls_name}({name}={sample!r}) is silently dropped: neither kept nor warned about"
    )
    assert observed(instance, name) != observed(baseline, name), (
        f"gr.{cls_name}({name}={sample!r}) changed nothing and did not warn"
    )


@pytest.mark.parametrize("cls_name", provided_classes(("component", "layout", "app")))
def test_every_gradio_event_exists(cls_name):
    cls = getattr(gr, cls_name)
    unsupported_events = getattr(cls, "unsupported_events", ())
    missing = [
        event
        for event in CLASSES[cls_name]["events"]
        if not hasattr(cls, event) and event not in unsupported_events
    ]
    assert not missing, f"gr.{cls_name} lacks Gradio's events {missing}"


@pytest.mark.parametrize("cls_name", NOT_PROVIDED)
def test_a_class_not_provided_says_so(cls_name):
    with pytest.raises(AttributeError, match="does not provide") as raised:
        getattr(gr, cls_name)
    assert "docs/components.md" in str(raised.value)
    assert cls_name in str(raised.value)


def test_an_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'NoSuchThing'"):
        gr.NoSuchThing  # noqa: B018


LAUNCH = [
    pytest.param(p, id=p["name"]) for p in SNAPSHOT["launch"] if not p["name"].startswith("_")
]


@pytest.mark.parametrize("param", LAUNCH)
def test_every_launch_option_is_kept_warned_or_refused(param):
    name = param["name"]
    declared = launch_options.LAUNCH_OPTIONS
    assert declared.get(name) in ("works", "warns", "refuses"), f"launch({name}=) undeclared"
    sample = sample_for("launch", param)
    if sample is MISSING:
        sample = "sample"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            launch_options.check_launch_options({name: sample})
        except (ValueError, TypeError) as exc:
            assert declared[name] == "refuses" and name in str(exc)
            return
    warned = [w for w in caught if issubclass(w.category, UnsupportedOption)]
    if declared[name] == "warns":
        assert warned and name in str(warned[0].message)
    else:
        assert declared[name] == "works" and not warned


@pytest.mark.parametrize("param", [pytest.param(p, id=p["name"]) for p in SNAPSHOT["listener"]])
def test_every_listener_option_is_kept_warned_or_refused(param):
    name = param["name"]
    if name in ("fn", "inputs", "outputs"):
        return
    assert name in LISTENER_OPTIONS, f"listener option {name!r} undeclared in LISTENER_OPTIONS"
    # An API-only option has nothing to act on: blocksstate serves no HTTP API.
    declared = {WORKS: "works", NO_API: "works", WARNED: "warns", REFUSED: "refuses"}
    declared = {name: declared[LISTENER_OPTIONS[name].support]}
    if declared[name] == "works":
        return
    sample = sample_for("listener", param)
    with gr.Blocks():
        button = gr.Button()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                button.click(lambda: None, None, None, **{name: sample})
            except (ValueError, TypeError) as exc:
                assert declared[name] == "refuses" and name in str(exc)
                return
    assert declared[name] == "warns"
    assert any(
        issubclass(w.category, UnsupportedOption) and name in str(w.message) for w in caught
    ), f"click({name}=...) did not warn"


QUEUE = [pytest.param(p, id=p["name"]) for p in SNAPSHOT["queue"]]


@pytest.mark.parametrize("param", QUEUE)
def test_every_queue_option_is_kept_warned_or_refused(param):
    name = param["name"]
    sample = sample_for("queue", param)
    demo = gr.Blocks()
    before = dict(vars(demo))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            demo.queue(**{name: sample})
        except (ValueError, TypeError) as exc:
            assert name in str(exc)
            return
    if any(issubclass(w.category, UnsupportedOption) and name in str(w.message) for w in caught):
        return
    assert vars(demo) != before, f"queue({name}={sample!r}) changed nothing and did not warn"


def test_docs_components_md_is_what_the_generator_writes():
    from blocksstate.docs import render

    written = (Path(__file__).parent.parent / "docs" / "components.md").read_text()
    assert written == render(SNAPSHOT), "docs/components.md is stale: python -m blocksstate.docs"

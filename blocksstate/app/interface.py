"""``Interface``: a Blocks app built from one function, its inputs and its outputs."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from ..components.base import Component
from ..components.buttons import Button, ClearButton
from ..components.layout import Accordion, Column, Row
from ..components.shortcuts import SHORTCUTS, component_named
from ..components.state import State
from ..components.text import Markdown
from ..warnings import warn_unsupported
from .blocks import Blocks
from .context import current_context
from .events import as_list, on
from .examples import Examples

__all__ = ["SHORTCUTS", "Interface"]

FLAGGING_MODES = ("never", "auto", "manual")
OWNER = "gr.Interface"


class Interface(Blocks):
    """Inputs on the left, outputs on the right, Submit and Clear buttons; ``"state"`` wires one State.

    Below them, the examples (``gr.Examples``) and the article; additional inputs sit in
    an Accordion under the main ones. Nothing is flagged: flagging options warn once.
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        inputs: Any,
        outputs: Any,
        examples: list[Any] | str | None = None,
        *,
        cache_examples: bool | None = None,
        cache_mode: str | None = None,
        examples_per_page: int = 10,
        example_labels: list[str] | None = None,
        preload_example: int | bool = 0,
        live: bool = False,
        title: str | None = None,
        description: str | None = None,
        article: str | None = None,
        flagging_mode: str | None = None,
        flagging_options: list[Any] | None = None,
        flagging_dir: str = ".gradio/flagged",
        flagging_callback: Any = None,
        analytics_enabled: bool | None = None,
        batch: bool = False,
        max_batch_size: int = 4,
        api_visibility: str = "public",
        api_name: str | None = None,
        api_description: str | None | bool = None,
        _api_mode: bool = False,
        allow_duplication: bool = False,
        concurrency_limit: int | str | None = "default",
        additional_inputs: Any = None,
        additional_inputs_accordion: str | Accordion | None = None,
        submit_btn: str | Button = "Submit",
        stop_btn: str | Button = "Stop",
        clear_btn: str | Button | None = "Clear",
        delete_cache: tuple[int, int] | None = None,
        show_progress: str = "full",
        fill_width: bool = False,
        time_limit: int | None = 30,
        stream_every: float = 0.5,
        deep_link: Any = None,
        validator: Callable[..., Any] | None = None,
        **blocks_options: Any,
    ) -> None:
        if flagging_mode is not None and flagging_mode not in FLAGGING_MODES:
            raise ValueError(
                f"Invalid value for `flagging_mode` parameter: {flagging_mode!r}; "
                f"must be one of {FLAGGING_MODES}"
            )
        _warn_unimplemented(
            fn,
            flagging_mode=flagging_mode,
            flagging_options=flagging_options,
            flagging_dir=flagging_dir,
            flagging_callback=flagging_callback,
            allow_duplication=allow_duplication,
            deep_link=deep_link,
            validator=validator,
            stop_btn=stop_btn,
            batch=batch,
            max_batch_size=max_batch_size,
            api_visibility=api_visibility,
            api_description=api_description,
            time_limit=time_limit,
            stream_every=stream_every,
            cache_examples=cache_examples,
            cache_mode=cache_mode,
            preload_example=preload_example,
        )
        super().__init__(
            title=title,
            delete_cache=delete_cache,
            fill_width=fill_width,
            analytics_enabled=analytics_enabled,
            mode="interface",
            **blocks_options,
        )
        with self:
            build(
                self,
                fn,
                inputs,
                outputs,
                examples,
                cache_examples=cache_examples,
                cache_mode=cache_mode,
                examples_per_page=examples_per_page,
                example_labels=example_labels,
                preload_example=preload_example,
                live=live,
                title=title,
                description=description,
                article=article,
                batch=batch,
                api_name=api_name,
                concurrency_limit=concurrency_limit,
                additional_inputs=additional_inputs,
                additional_inputs_accordion=additional_inputs_accordion,
                submit_btn=submit_btn,
                clear_btn=clear_btn,
                show_progress=show_progress,
            )


def _component(spec: Any, state: State | None, label: str) -> Component:
    if isinstance(spec, str):
        if spec.lower() == "state":
            assert state is not None
            return state
        component = component_named(spec)
        if getattr(component, "label", None) in (None, "Chatbot"):
            component.label = label  # as Gradio does: named after the parameter, or "output"
        return component
    if isinstance(spec, Component):
        if spec.blocks is None:
            spec.render()
        if getattr(spec, "label", "") is None and not isinstance(spec, State):
            spec.label = label
        return spec
    raise TypeError(f"Interface inputs and outputs must be components or names, got {spec!r}")


def _root() -> Blocks:
    context = current_context.get()
    assert context is not None and context.root is not None
    return context.root


def build(
    target: Any,
    fn: Callable[..., Any],
    inputs: Any,
    outputs: Any,
    examples: Any,
    *,
    cache_examples: bool | None,
    cache_mode: str | None,
    examples_per_page: int,
    example_labels: list[str] | None,
    preload_example: int | bool,
    live: bool,
    title: str | None,
    description: str | None,
    article: str | None,
    batch: bool,
    api_name: str | None,
    concurrency_limit: int | str | None,
    additional_inputs: Any,
    additional_inputs_accordion: str | Accordion | None,
    submit_btn: str | Button,
    clear_btn: str | Button | None,
    show_progress: str,
) -> None:
    """Lay an Interface out in the current layout context; note its parts on ``target``."""
    input_specs, output_specs = as_list(inputs), as_list(outputs)
    extra_specs = as_list(additional_inputs)
    if (
        input_specs.count("state") > 1
        or output_specs.count("state") > 1
        or (("state" in input_specs) != ("state" in output_specs))
    ):
        raise ValueError(
            "an Interface with state needs exactly one 'state' input and one 'state' output"
        )
    target.fn = fn
    target.live = live
    target.api_name = api_name
    target.examples = examples
    target.article = article
    target.description = description
    names = _parameter_names(fn)
    listener = {
        "api_name": api_name,
        "concurrency_limit": concurrency_limit,
        "show_progress": show_progress,
    }
    handler = _unbatched(fn) if batch else fn
    if title:
        Markdown(f"# {title}")
    if description:
        Markdown(description)
    state = State() if "state" in input_specs else None
    with Row():
        with Column():
            target.main_input_components = [
                _component(spec, state, _name(names, i, "input"))
                for i, spec in enumerate(input_specs)
            ]
            target.additional_input_components = []
            if extra_specs:
                with _accordion(additional_inputs_accordion):
                    offset = len(input_specs)
                    target.additional_input_components = [
                        _component(spec, state, _name(names, offset + i, "input"))
                        for i, spec in enumerate(extra_specs)
                    ]
            target.input_components = (
                target.main_input_components + target.additional_input_components
            )
            with Row():
                clear = _button(clear_btn, ClearButton, {}) if clear_btn else None
                submit = (
                    None
                    if live and target.input_components
                    else _button(
                        submit_btn,
                        Button,
                        {"variant": "primary"},
                        "Generate" if not target.input_components else None,
                    )
                )
        with Column():
            single = sum(spec != "state" for spec in output_specs) == 1
            target.output_components = [
                _component(spec, state, "output" if single else f"output {i}")
                for i, spec in enumerate(output_specs)
            ]
    if submit is not None:
        submit.click(handler, target.input_components, target.output_components, **listener)
    if live:
        if not target.input_components:
            _root().load(handler, None, target.output_components)
        triggers = [c.change for c in target.input_components if not c.server_only]
        if triggers:
            on(triggers, handler, target.input_components, target.output_components, **listener)
    if clear is not None:
        clear.add(target.input_components + target.output_components)
    target.examples_handler = None
    if examples:
        main_count = sum(not isinstance(c, State) for c in target.main_input_components)
        target.examples_handler = Examples(
            examples=examples,
            inputs=[c for c in target.input_components if not isinstance(c, State)],
            outputs=[c for c in target.output_components if not isinstance(c, State)],
            fn=handler,
            cache_examples=cache_examples if state is None else False,
            cache_mode=cache_mode,
            examples_per_page=examples_per_page,
            example_labels=example_labels,
            visible_columns=(
                list(range(main_count))
                if target.additional_input_components and main_count
                else None
            ),
            preload=preload_example,
            _initiated_directly=False,
        )
    if article:
        Markdown(article)


# Gradio options of Interface without an effect here, with Gradio's defaults.
INTERFACE_UNSUPPORTED_DEFAULTS: dict[str, Any] = {
    "api_visibility": "public",
    "api_description": None,
    "time_limit": 30,
    "stream_every": 0.5,
    "cache_mode": None,
    "preload_example": 0,
}


def _warn_unimplemented(fn: Callable[..., Any], **given: Any) -> None:
    """One warning per Gradio option that is set but does nothing here."""
    unsupported = []
    if given["flagging_mode"] in ("manual", "auto"):
        unsupported.append("flagging_mode")
    if given["flagging_options"]:
        unsupported.append("flagging_options")
    if given["flagging_dir"] != ".gradio/flagged" or given["flagging_callback"] is not None:
        unsupported.append(
            "flagging_dir" if given["flagging_callback"] is None else "flagging_callback"
        )
    for name in ("allow_duplication", "deep_link", "validator"):
        if given[name]:
            unsupported.append(name)
    for name, default in INTERFACE_UNSUPPORTED_DEFAULTS.items():
        if given[name] != default:
            unsupported.append(name)
    generator = inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn)
    if generator and given["stop_btn"]:
        unsupported.append("stop_btn")
    if unsupported:
        warn_unsupported(OWNER, unsupported, stacklevel=4)
    batching = [
        name
        for name, default in (("batch", False), ("max_batch_size", 4))
        if given[name] != default
    ]
    if batching:  # fn still gets lists, as a batch function expects
        warn_unsupported(
            OWNER, batching, 4, "requests are never grouped: fn gets batches of one sample"
        )


def _accordion(spec: str | Accordion | None) -> Accordion:
    if spec is None:
        return Accordion("Additional Inputs", open=False)
    if isinstance(spec, str):
        return Accordion(spec, open=False)
    if isinstance(spec, Accordion):
        if spec.blocks is None:
            spec.render()
        return spec
    raise ValueError(
        "The `additional_inputs_accordion` parameter must be a string or gr.Accordion, "
        f"not {type(spec).__name__}"
    )


def _button(
    spec: str | Button, kind: type[Button], defaults: dict[str, Any], text: str | None = None
) -> Any:
    if isinstance(spec, Button):
        if spec.blocks is None:
            spec.render()
        return spec
    if not isinstance(spec, str):
        raise ValueError(
            f"a button must be given as text or a gr.Button, not {type(spec).__name__}"
        )
    if kind is ClearButton:
        return ClearButton(value=spec, **defaults)
    return kind(text or spec, **defaults)


def _unbatched(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Call a batch function (lists in, a list per output out) with one sample."""

    def one_sample(*args: Any) -> Any:
        outputs = fn(*[[arg] for arg in args])
        values = [column[0] for column in outputs]
        return values[0] if len(values) == 1 else tuple(values)

    one_sample.__name__ = getattr(fn, "__name__", "batch")
    return one_sample


def _name(names: list[str], index: int, fallback: str) -> str:
    return names[index] if index < len(names) else f"{fallback} {index}"


def _parameter_names(fn: Callable[..., Any]) -> list[str]:
    try:
        return list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return []

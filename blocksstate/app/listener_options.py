"""The options of an event listener (Gradio's names): which work, which warn, which are refused.

``LISTENER_OPTIONS`` is the one table: every option a Gradio listener takes, its
Gradio default, and what blocksstate does with it. ``read_options`` checks the
options given to one listener against it and returns them as the ``Dependency``
keeps them. docs/events.md prints the same table for people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..engine.concurrency import check_limit
from ..warnings import warn_unsupported

TRIGGER_MODES = ("once", "multiple", "always_last")
SHOW_PROGRESS = ("full", "minimal", "hidden")

WORKS = "works"
# Only describes or hides an HTTP API; blocksstate serves none, so there is nothing to do.
NO_API = "no API"
WARNED = "warned"
REFUSED = "refused"


@dataclass(frozen=True)
class Option:
    """One listener option: Gradio's default and what blocksstate does with another value."""

    default: Any
    support: str
    why: str = ""


LISTENER_OPTIONS: dict[str, Option] = {
    "api_name": Option(None, NO_API, "kept on the listener; there is no API endpoint to name"),
    "api_description": Option(None, NO_API),
    "api_visibility": Option("public", NO_API),
    "show_api": Option(True, NO_API),
    "scroll_to_output": Option(False, WORKS),
    "show_progress": Option("full", WORKS),
    "show_progress_on": Option(None, WORKS),
    "queue": Option(True, WORKS),
    "batch": Option(False, WORKS, "batches of one: the function gets one-item lists"),
    "max_batch_size": Option(4, WORKS, "batches are always of one"),
    "preprocess": Option(True, WORKS),
    "postprocess": Option(True, WORKS),
    "cancels": Option(None, WORKS),
    "trigger_mode": Option(None, WORKS),
    "js": Option(None, WORKS),
    "concurrency_limit": Option("default", WORKS),
    "concurrency_id": Option(None, WORKS),
    "every": Option(None, WORKS),
    "time_limit": Option(None, WORKS, "a streaming run stops after it"),
    "stream_every": Option(0.5, WARNED, "no streaming inputs"),
    "key": Option(None, WARNED, "a re-rendered region's listeners are always new"),
    "validator": Option(None, REFUSED, "not implemented: the function would run unvalidated"),
    "inputs_kwargs": Option(None, REFUSED, "not implemented: the function would miss arguments"),
}

# Defaults an event gives its own listeners (``timer.tick(...)``), as Gradio's do; ``gr.on``
# keeps the table's. A Timer's ticks show no progress: a clock would blink at each one.
EVENT_DEFAULTS: dict[str, dict[str, Any]] = {"tick": {"show_progress": "hidden"}}


def read_options(options: Mapping[str, Any], triggers: list[tuple[Any, str]]) -> dict[str, Any]:
    """Check a listener's ``options`` against the table; return the Dependency's fields.

    Unknown names raise TypeError; refused ones with a value raise TypeError naming them;
    warned ones with a non-default value warn once (``UnsupportedOption``).
    """
    unknown = set(options) - set(LISTENER_OPTIONS)
    if unknown:
        raise TypeError(f"unexpected event listener option(s): {', '.join(sorted(unknown))}")
    given = {
        name: value
        for name, value in options.items()
        if value is not LISTENER_OPTIONS[name].default and value != LISTENER_OPTIONS[name].default
    }
    refused = [name for name in given if LISTENER_OPTIONS[name].support == REFUSED]
    if refused:
        name = refused[0]
        raise TypeError(
            f"event listener option {name!r} is not supported by blocksstate "
            f"({LISTENER_OPTIONS[name].why}); remove it"
        )
    warned = [name for name in given if LISTENER_OPTIONS[name].support == WARNED]
    if warned:
        warn_unsupported("event listener", warned, stacklevel=5)
    fields = {
        name: _CHECKS.get(name, _as_is)(options.get(name, o.default), name)
        for name, o in _KEPT.items()
    }
    fields["trigger_mode"] = fields["trigger_mode"] or _default_trigger_mode(triggers)
    return fields


def _as_is(value: Any, name: str) -> Any:
    return value


def _trigger_mode(value: Any, name: str) -> Any:
    if value is not None and value not in TRIGGER_MODES:
        raise ValueError(f"trigger_mode must be one of {TRIGGER_MODES}, got {value!r}")
    return value


def _show_progress(value: Any, name: str) -> str:
    if value is True or value is False:
        value = "full" if value else "hidden"
    if value not in SHOW_PROGRESS:
        raise ValueError(f"show_progress must be one of {SHOW_PROGRESS}, got {value!r}")
    return value


def _limit(value: Any, name: str) -> Any:
    check_limit(value, name, "default")
    return value


def _optional_text(value: Any, name: str) -> Any:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None, got {value!r}")
    return value


def _api_name(value: Any, name: str) -> Any:
    if value is not None and value is not False and not isinstance(value, str):
        raise TypeError(f"api_name must be a string, False or None, got {value!r}")
    return value


def _seconds(value: Any, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"{name} must be a positive number of seconds or None, got {value!r}")
    return float(value)


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return value


def _js(value: Any, name: str) -> Any:
    if value is True:
        return None  # Gradio's "the function is also JS-compatible": it still runs on the server
    return _optional_text(value, name)


def _batch_size(value: Any, name: str) -> Any:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_batch_size must be a positive integer, got {value!r}")
    return value


_CHECKS: dict[str, Callable[[Any, str], Any]] = {
    "api_name": _api_name,
    "trigger_mode": _trigger_mode,
    "show_progress": _show_progress,
    "concurrency_limit": _limit,
    "concurrency_id": _optional_text,
    "js": _js,
    "every": _seconds,
    "time_limit": _seconds,
    "queue": _flag,
    "batch": _flag,
    "max_batch_size": _batch_size,
    "preprocess": _flag,
    "postprocess": _flag,
    "scroll_to_output": _flag,
}

# What the Dependency keeps: the options that work (``cancels``, ``every`` and
# ``show_progress_on`` name other blocks: the listener resolves them).
_KEPT = {
    name: option
    for name, option in LISTENER_OPTIONS.items()
    if option.support == WORKS or name == "api_name"
}


def _default_trigger_mode(triggers: list[tuple[Any, str]]) -> str:
    # Typing, keys and changes should not pile up (Gradio: change and key_up); clicks and
    # submits should not repeat.
    names = {name for _, name in triggers}
    return "always_last" if names & {"change", "input", "tick", "key_up"} else "once"

"""What handlers return: values, ``gr.update(...)``, component instances, ``gr.skip()``.

``split_result`` turns one handler result into one ``Update`` per output, so
the engine deals with a single shape whatever the handler returned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..components.base import Block, Component, ResetToInitial
from ..components.schema import InvalidValue

if TYPE_CHECKING:
    from ..app.events import Dependency


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def update(**props: Any) -> dict[str, Any]:
    """Change a component's properties (``value``, ``visible``, ``label``, ``choices``, ...)."""
    return {"__type__": "update", **props}


def skip() -> dict[str, Any]:
    """Leave an output as it is."""
    return {"__type__": "update"}


@dataclass(slots=True)
class Update:
    """A change to one output: maybe a new value, maybe new properties."""

    component: Block
    value: Any = MISSING
    props: dict[str, Any] = field(default_factory=dict)
    reset: bool = False

    @property
    def has_value(self) -> bool:
        return self.value is not MISSING or self.reset


class BadResult(TypeError):
    """A handler returned something that does not fit its outputs."""


# Types of a returned value that can only be a new value (not an update, a block, a reset).
_PLAIN_VALUES = frozenset({int, float, str, bool, type(None), list, tuple})


def is_update_dict(value: Any) -> bool:
    return isinstance(value, dict) and value.get("__type__") == "update"


def split_result(dependency: Dependency, result: Any) -> list[Update]:
    """Map a handler's result onto the dependency's outputs."""
    outputs = dependency.outputs
    if not outputs:
        return []
    if type(result) in _PLAIN_VALUES:  # most results: a value, or a tuple of them
        if len(outputs) == 1:
            return [to_update(outputs[0], result)]
        if type(result) is tuple and len(result) == len(outputs):
            return [to_update(c, raw) for c, raw in zip(outputs, result, strict=True)]
    if _is_component_dict(result):
        unknown = [c for c in result if c not in outputs]
        if unknown:
            raise BadResult(
                f"{_name(dependency)} returned a value for {unknown[0]!r}, which is not one of its outputs"
            )
        pairs = list(result.items())
    elif len(outputs) == 1:
        pairs = [(outputs[0], result)]
    else:
        if (
            not isinstance(result, Sequence)
            or isinstance(result, (str, bytes))
            or is_update_dict(result)
        ):
            raise BadResult(
                f"{_name(dependency)} returned one value ({type(result).__name__}) but the event has {len(outputs)} outputs; return a tuple"
            )
        if len(result) != len(outputs):
            raise BadResult(
                f"{_name(dependency)} returned {len(result)} values but the event has {len(outputs)} outputs"
            )
        pairs = list(zip(outputs, result, strict=True))
    return [to_update(component, raw) for component, raw in pairs]


def to_update(component: Block, raw: Any) -> Update:
    """Read one returned value as an Update of ``component``."""
    has_value = isinstance(component, Component)
    if has_value and type(raw) in _PLAIN_VALUES:  # neither an update, a block nor a reset
        return Update(component, raw)
    if isinstance(raw, ResetToInitial) and has_value:
        return Update(component, reset=True)
    if is_update_dict(raw):
        props = {k: v for k, v in raw.items() if k != "__type__"}
    elif isinstance(raw, Block) and raw is not component and raw.blocks is None:
        props = raw.explicit_args()
    elif has_value:
        return Update(component, value=raw)
    else:
        kind = type(component).__name__
        raise BadResult(
            f"{component!r} is a layout, with no value: return gr.update(visible=...) or "
            f"gr.{kind}(...) for it, not {type(raw).__name__}"
        )
    value = props.pop("value", MISSING)
    unknown = set(props) - component.property_names()
    if unknown or (value is not MISSING and not has_value):
        unknown.update(["value"] if value is not MISSING and not has_value else [])
        raise BadResult(
            f"{component!r} has no propert{'ies' if len(unknown) > 1 else 'y'} {', '.join(sorted(unknown))}"
        )
    try:
        props = component.check_props(props)
    except InvalidValue as exc:
        raise BadResult(f"{component!r}: {exc}") from None
    return Update(component, value=value, props=props)


def _is_component_dict(result: Any) -> bool:
    return (
        isinstance(result, dict)
        and not is_update_dict(result)
        and bool(result)
        and all(isinstance(k, Block) for k in result)
    )


def _name(dependency: Dependency) -> str:
    return f"{getattr(dependency.fn, '__name__', 'the function')}()"

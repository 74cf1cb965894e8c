"""Numeric components: ``Number`` and ``Slider``."""

from __future__ import annotations

import json
import reprlib
import sys
from collections.abc import Mapping
from typing import Any, ClassVar, Unpack

from ..app.events import Event
from .base import ComponentOptions, FormComponent
from .schema import InvalidValue, ValueSchema, bounded_schema


def number_text(value: Any) -> str:
    """Write a number as HTML attributes want it (never localised: ``2.5``, not ``2,5``)."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return json.dumps(value)


def number_input_context(value: Any, minimum: Any, maximum: Any, step: Any) -> dict[str, Any]:
    """Return the template context of a number input: its value and bounds as attributes."""
    return {
        "value_text": number_text(value),
        "minimum": number_text(minimum),
        "maximum": number_text(maximum),
        "step": number_text(step) or "any",
    }


# The largest number a page can be sent (JSON's, a float's): ``check_json_safe``'s bound.
_LARGEST = sys.float_info.max


def round_to_precision(value: float | int, precision: int | None) -> float | int:
    """Round as ``Number(precision=...)`` asks: ``None`` keeps the value, 0 makes an int."""
    if precision is None:
        return value
    if precision == 0:
        return int(round(value))
    return round(float(value), precision)


class Number(FormComponent):
    """A number input; ``precision=0`` gives handlers an ``int``."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "buttons": None,
    }

    template_name = "number"
    submit = Event()

    def __init__(
        self,
        value: float | Any | None = None,
        *,
        precision: int | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        step: float = 1,
        placeholder: str | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.precision = precision
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.placeholder = placeholder
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        props = props or {}
        kind = "integer" if props.get("precision", self.precision) == 0 else "number"
        return bounded_schema(
            kind, True, props.get("minimum", self.minimum), props.get("maximum", self.maximum)
        )

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return number_input_context(context["value"], self.minimum, self.maximum, self.step)

    def to_handler(self, payload: Any) -> Any:
        if payload is None:
            return None
        if self.precision is None:
            return float(payload)
        return round_to_precision(payload, self.precision)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if (
            type(value) is int  # most results: a whole number, nothing to round or bound
            and not props
            and self.minimum is None
            and self.maximum is None
            and (self.precision is None or self.precision == 0)
            and -_LARGEST <= value <= _LARGEST
        ):
            return value
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise InvalidValue(f"{self!r} cannot show {value!r}: expected a number") from None
        if isinstance(value, float) and value.is_integer() and self.precision is None:
            value = int(value)
        precision = (props or {}).get("precision", self.precision)
        if not isinstance(value, bool) and isinstance(value, (int, float)):
            try:
                value = round_to_precision(value, precision)
            except (OverflowError, ValueError):  # an int past a float's range, or NaN
                raise InvalidValue(
                    f"{self!r} cannot show {reprlib.repr(value)}: not a finite number"
                ) from None
        return super().postprocess(value, props)


class Slider(FormComponent):
    """A number picked between ``minimum`` and ``maximum``."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "buttons": None,
        "randomize": False,
    }

    template_name = "slider"
    release = Event()

    def __init__(
        self,
        minimum: float = 0,
        maximum: float = 100,
        value: float | Any | None = None,
        *,
        step: float | None = None,
        randomize: bool = False,
        show_reset_button: bool = True,
        precision: int | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        if minimum > maximum:
            raise ValueError(f"Slider minimum ({minimum}) is above its maximum ({maximum})")
        self.minimum = minimum
        self.maximum = maximum
        self.step = step if step is not None else 1
        self.precision = precision
        if value is None:
            value = minimum
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        props = props or {}
        return bounded_schema(
            "number",
            False,
            props.get("minimum", self.minimum),
            props.get("maximum", self.maximum),
        )

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return number_input_context(context["value"], self.minimum, self.maximum, self.step)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().postprocess(value, props)

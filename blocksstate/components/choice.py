"""Choice components: ``Checkbox``, ``CheckboxGroup``, ``Radio``, ``Dropdown``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Unpack

from ..app.event_data import BadEventData, check_choice_select
from ..app.events import Event
from .base import ComponentOptions, FormComponent, normalize_choices
from .schema import ValueSchema

CHOICE_TYPES = ("value", "index")


class Checkbox(FormComponent):
    """A single yes/no box."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "buttons": None,
    }

    template_name = "checkbox"
    select = Event()

    def __init__(self, value: bool | Any = False, **options: Unpack[ComponentOptions]) -> None:
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("boolean", nullable=False)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return bool(value)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"checked": bool(context["value"])}

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A select is a tick (selected) or an untick; its value is the box's label, as in Gradio.
        if not isinstance(data.get("selected"), bool):
            raise BadEventData("a select's 'selected' must say whether the box is ticked")
        return {**data, "index": None, "value": props.get("label", self.label)}


class ChoiceComponent(FormComponent):
    """A component whose value is taken from ``choices``."""

    select = Event()
    multiple = False

    def __init__(
        self,
        choices: Sequence[Any] | None = None,
        *,
        value: Any = None,
        type: str = "value",
        **options: Unpack[ComponentOptions],
    ) -> None:
        if type not in CHOICE_TYPES:
            raise ValueError(f"type must be one of {CHOICE_TYPES}, got {type!r}")
        self.choices = normalize_choices(choices)
        self.type = type
        if value is None and self.multiple:
            value = []  # a multi-choice value is a list, never null
        super().__init__(value, **options)

    def choice_pairs(self, props: Mapping[str, Any] | None = None) -> list[tuple[str, Any]]:
        """Return the current ``(label, value)`` pairs, with a handler's update applied."""
        if props and "choices" in props:
            return normalize_choices(props["choices"])
        return self.choices

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        values = tuple(value for _, value in self.choice_pairs(props))
        allow_custom = bool(
            (props or {}).get("allow_custom_value", getattr(self, "allow_custom_value", False))
        )
        multiple = self.is_multiple(props)
        # A multi-choice value is a list, possibly empty, never null.
        return ValueSchema(
            "choices" if multiple else "choice",
            choices=values,
            allow_custom=allow_custom,
            nullable=not multiple,
        )

    def is_multiple(self, props: Mapping[str, Any] | None = None) -> bool:
        return self.multiple

    def select_data(
        self, data: dict[str, Any], props: Mapping[str, Any], value: Any
    ) -> dict[str, Any]:
        # A select names one of the current choices by its index; only a multiple choice
        # can be deselected.
        checked = check_choice_select(data, [v for _, v in self.choice_pairs(props)])
        if not checked.get("selected", True) and not self.is_multiple(props):
            raise BadEventData("only a choice of several can be deselected")
        return checked

    def choice_options(self, selected: Any) -> list[dict[str, Any]]:
        """Return each choice with its label, its value as JSON, and whether it is selected."""
        chosen = (
            selected if isinstance(selected, list) else ([] if selected is None else [selected])
        )
        chosen_json = {json.dumps(value, default=str) for value in chosen}
        options = []
        for index, (label, value) in enumerate(self.choice_pairs()):
            encoded = json.dumps(value, default=str)
            options.append(
                {
                    "index": index,
                    "label": label,
                    "json": encoded,
                    "text": str(value),
                    "selected": encoded in chosen_json,
                }
            )
        return options

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"]
        options = self.choice_options(value)
        multiple = self.is_multiple()
        extra: dict[str, Any] = {"choices": options, "multiple": multiple}
        if not multiple and value is not None and not any(o["selected"] for o in options):
            # A custom value (allow_custom_value) is still shown as selected.
            extra["custom"] = {"label": str(value), "json": json.dumps(value, default=str)}
        extra["empty_option"] = not multiple and value is None
        return extra

    def to_handler(self, payload: Any) -> Any:
        if self.type == "value" or payload is None:
            return payload
        values = [value for _, value in self.choices]
        if isinstance(payload, list):
            return [values.index(item) for item in payload if item in values]
        return values.index(payload) if payload in values else None

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if self.is_multiple(props):
            if value is None:
                value = []
            elif isinstance(value, (str, int, float)):
                value = [value]
        return super().postprocess(value, props)


class CheckboxGroup(ChoiceComponent):
    """Several boxes; the value is the list of ticked choices."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "show_select_all": False,
        "buttons": None,
    }

    template_name = "checkboxgroup"
    type_name = "Checkbox group"
    multiple = True
    input = Event()


class Radio(ChoiceComponent):
    """One choice among several, all shown."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "rtl": False,
        "buttons": None,
    }

    template_name = "radio"


class Dropdown(ChoiceComponent):
    """A list to pick one choice from, or several with ``multiselect=True``."""

    unsupported_options: ClassVar[dict[str, Any]] = {
        "num_choices_shown": 100,
        "buttons": None,
    }

    template_name = "dropdown"
    submit = Event()
    key_up = Event()

    def __init__(
        self,
        choices: Sequence[Any] | None = None,
        *,
        value: Any = None,
        type: str = "value",
        multiselect: bool | None = None,
        allow_custom_value: bool = False,
        max_choices: int | None = None,
        filterable: bool = True,
        **options: Unpack[ComponentOptions],
    ) -> None:
        self.multiselect = bool(multiselect)
        self.allow_custom_value = allow_custom_value
        self.max_choices = max_choices
        self.filterable = filterable
        if value is None and not self.multiselect and choices:
            value = normalize_choices(choices)[0][1]
        super().__init__(choices, value=value, type=type, **options)

    def is_multiple(self, props: Mapping[str, Any] | None = None) -> bool:
        return bool((props or {}).get("multiselect", self.multiselect))

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        schema = super().value_schema(props)
        max_choices = (props or {}).get("max_choices", self.max_choices)
        if schema.kind == "choices" and max_choices is not None:
            return ValueSchema(
                "choices",
                choices=schema.choices,
                allow_custom=schema.allow_custom,
                max_length=max_choices,
            )
        return schema

"""Choice components: ``Checkbox``, ``CheckboxGroup``, ``Radio``, ``Dropdown``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..events import Event
from .base import FormComponent, normalize_choices
from .schema import InvalidValue, ValueSchema

CHOICE_TYPES = ("value", "index")


class Checkbox(FormComponent):
    """A single yes/no box."""

    template_name = "checkbox"
    select = Event()

    def __init__(
        self,
        value: bool | Any = False,
        *,
        label: str | None = None,
        info: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        every: float | None = None,
        inputs: Any = None,
    ) -> None:
        super().__init__(
            value,
            label=label,
            info=info,
            show_label=show_label,
            container=container,
            scale=scale,
            min_width=min_width,
            interactive=interactive,
            visible=visible,
            elem_id=elem_id,
            elem_classes=elem_classes,
            render=render,
            key=key,
        )

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("boolean", nullable=False)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        return bool(value)


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
        **kwargs: Any,
    ) -> None:
        if type not in CHOICE_TYPES:
            raise ValueError(f"type must be one of {CHOICE_TYPES}, got {type!r}")
        self.choices = normalize_choices(choices)
        self.type = type
        super().__init__(value, **kwargs)

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
        try:
            return self.value_schema(props).validate(value)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {value!r}: {exc}") from None


def _form_kwargs(**kwargs: Any) -> dict[str, Any]:
    kwargs.pop("every", None)
    kwargs.pop("inputs", None)
    return kwargs


class CheckboxGroup(ChoiceComponent):
    """Several boxes; the value is the list of ticked choices."""

    template_name = "checkboxgroup"
    multiple = True
    input = Event()

    def __init__(
        self,
        choices: Sequence[Any] | None = None,
        *,
        value: Sequence[Any] | Any | None = None,
        type: str = "value",
        label: str | None = None,
        info: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        every: float | None = None,
        inputs: Any = None,
    ) -> None:
        super().__init__(
            choices,
            value=[] if value is None else value,
            type=type,
            **_form_kwargs(
                label=label,
                info=info,
                show_label=show_label,
                container=container,
                scale=scale,
                min_width=min_width,
                interactive=interactive,
                visible=visible,
                elem_id=elem_id,
                elem_classes=elem_classes,
                render=render,
                key=key,
            ),
        )


class Radio(ChoiceComponent):
    """One choice among several, all shown."""

    template_name = "radio"

    def __init__(
        self,
        choices: Sequence[Any] | None = None,
        *,
        value: Any = None,
        type: str = "value",
        label: str | None = None,
        info: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        every: float | None = None,
        inputs: Any = None,
    ) -> None:
        super().__init__(
            choices,
            value=value,
            type=type,
            **_form_kwargs(
                label=label,
                info=info,
                show_label=show_label,
                container=container,
                scale=scale,
                min_width=min_width,
                interactive=interactive,
                visible=visible,
                elem_id=elem_id,
                elem_classes=elem_classes,
                render=render,
                key=key,
            ),
        )


class Dropdown(ChoiceComponent):
    """A list to pick one choice from, or several with ``multiselect=True``."""

    template_name = "dropdown"
    submit = Event()

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
        label: str | None = None,
        info: str | None = None,
        show_label: bool | None = None,
        container: bool = True,
        scale: int | None = None,
        min_width: int = 160,
        interactive: bool | None = None,
        visible: bool = True,
        elem_id: str | None = None,
        elem_classes: list[str] | str | None = None,
        render: bool = True,
        key: Any = None,
        every: float | None = None,
        inputs: Any = None,
    ) -> None:
        self.multiselect = bool(multiselect)
        self.allow_custom_value = allow_custom_value
        self.max_choices = max_choices
        self.filterable = filterable
        if value is None and not self.multiselect and choices:
            value = normalize_choices(choices)[0][1]
        super().__init__(
            choices,
            value=value,
            type=type,
            **_form_kwargs(
                label=label,
                info=info,
                show_label=show_label,
                container=container,
                scale=scale,
                min_width=min_width,
                interactive=interactive,
                visible=visible,
                elem_id=elem_id,
                elem_classes=elem_classes,
                render=render,
                key=key,
            ),
        )

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

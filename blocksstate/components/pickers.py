"""Pickers: ``ColorPicker`` (a ``#rrggbb`` colour) and ``DateTime`` (a date, and a time)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, ClassVar, Unpack
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils.translation import gettext

from ..app.events import Event
from .base import Component, ComponentOptions, FormComponent
from .schema import InvalidValue, ValueSchema

HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


def normalize_color(value: Any) -> str:
    """Return a ``#rgb`` or ``#rrggbb`` colour as ``#rrggbb`` in lower case; raise InvalidValue."""
    if not isinstance(value, str) or not HEX_COLOR.fullmatch(value):
        raise InvalidValue(f"expected a colour as '#rrggbb', got {value!r}")
    digits = value[1:].lower()
    return "#" + (digits if len(digits) == 6 else "".join(d * 2 for d in digits))


class ColorPicker(FormComponent):
    """A colour chosen with the browser's colour picker; handlers get and return ``"#rrggbb"``."""

    template_name = "colorpicker"
    type_name = "Color picker"
    submit = Event()
    release = Event()

    def __init__(self, value: str | Any | None = None, **options: Unpack[ComponentOptions]) -> None:
        super().__init__(value, **options)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("string", max_length=7)

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        return None if payload is None else normalize_color(payload)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return None
        try:
            return normalize_color(value)
        except InvalidValue as exc:
            raise InvalidValue(f"{self!r} cannot show {value!r}: {exc}") from None


DATETIME_TYPES = ("timestamp", "datetime", "string")
NOW = re.compile(r"^\s*now\s*(?:-\s*(\d+)\s*([dmhs]))?\s*$")
UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
MAX_DATETIME_TEXT = 64


class DateTime(Component):
    """A date and time (a date only with ``include_time=False``); handlers get a timestamp,
    a ``datetime`` or a ``"%Y-%m-%d %H:%M:%S"`` string per ``type``, and may return any of them."""

    template_name = "datetime"
    type_name = "Date and time"
    submit = Event()  # with change, its only events (as Gradio's)
    unsupported_options: ClassVar[dict[str, Any]] = {"buttons": None}

    def __init__(
        self,
        value: float | str | datetime | None = None,
        *,
        include_time: bool = True,
        type: str = "timestamp",
        timezone: str | None = None,
        buttons: list[Any] | None = None,
        **options: Unpack[ComponentOptions],
    ) -> None:
        if type not in DATETIME_TYPES:
            raise ValueError(f"DateTime type must be one of {DATETIME_TYPES}, got {type!r}")
        if timezone is not None:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"DateTime timezone {timezone!r} is not a known time zone"
                ) from None
        self.include_time = include_time
        self.type = type
        self.timezone = timezone
        self.buttons = buttons
        super().__init__(value, **options)

    @property
    def time_format(self) -> str:
        return "%Y-%m-%d %H:%M:%S" if self.include_time else "%Y-%m-%d"

    def zone(self) -> ZoneInfo | None:
        return ZoneInfo(self.timezone) if self.timezone else None

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("string", max_length=MAX_DATETIME_TEXT)

    def parse(self, text: str) -> datetime:
        """Read Gradio's text forms: ``time_format``, or ``now``, ``now - 2h`` (d, h, m, s)."""
        if len(text) > MAX_DATETIME_TEXT:
            message = gettext("a date is at most %(count)s characters")
            raise InvalidValue(message % {"count": MAX_DATETIME_TEXT})
        if "now" in text:
            match = NOW.match(text)
            if not match:
                message = gettext("%(text)r is not 'now' or 'now - <n><d|h|m|s>'")
                raise InvalidValue(message % {"text": text})
            delta = timedelta(**{UNITS[match.group(2) or "s"]: int(match.group(1) or 0)})
            return datetime.now(self.zone()) - delta
        try:
            parsed = datetime.strptime(text.strip(), self.time_format)
        except ValueError:
            message = gettext("expected a date as %(format)r, got %(text)r")
            raise InvalidValue(message % {"format": self.time_format, "text": text}) from None
        return parsed.replace(tzinfo=self.zone()) if self.timezone else parsed

    def preprocess(self, payload: Any, props: Mapping[str, Any] | None = None) -> Any:
        if payload is None or (isinstance(payload, str) and not payload.strip()):
            return None
        if not isinstance(payload, str):
            raise InvalidValue(f"expected a date as text, got {type(payload).__name__}")
        return self.parse(payload).strftime(self.time_format)

    def postprocess(self, value: Any, props: Mapping[str, Any] | None = None) -> Any:
        if value is None:
            return None
        try:
            if isinstance(value, datetime):
                shown = value.astimezone(self.zone()) if value.tzinfo and self.timezone else value
                return shown.strftime(self.time_format)
            if isinstance(value, str):
                return self.parse(value).strftime(self.time_format)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return datetime.fromtimestamp(value, tz=self.zone()).strftime(self.time_format)
        except (InvalidValue, OverflowError, OSError, ValueError) as exc:
            raise InvalidValue(f"{self!r} cannot show {value!r}: {exc}") from None
        raise InvalidValue(
            f"{self!r} cannot show {value!r}: expected a timestamp, a datetime or a date string"
        )

    def to_handler(self, payload: Any) -> Any:
        if payload is None or self.type == "string":
            return payload
        moment = self.parse(payload)
        return moment if self.type == "datetime" else moment.timestamp()

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        value = context["value"]
        shown = "" if value is None else str(value).replace(" ", "T")
        return {"input_type": "datetime-local" if self.include_time else "date", "shown": shown}

"""Value schemas: what a component's value may be, checked the same way everywhere."""

from __future__ import annotations

import functools
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

KINDS = ("any", "string", "number", "integer", "boolean", "choice", "choices", "json", "messages")


class InvalidValue(ValueError):
    """A value does not fit a component's schema.

    The page shows its message: one a visitor can cause (a number out of range, a word
    in a number cell, a date that does not parse) is said with ``gettext``.
    """


def _kind(value: Any) -> str:
    return type(value).__name__


def check_json_safe(value: Any) -> None:
    """Raise InvalidValue unless ``value`` can go to the page as JSON and into the store.

    A lone surrogate cannot be encoded as UTF-8, so no frame holding it can be sent;
    NaN and the infinities are not JSON; an int past a double's range overflows
    ``float()`` and is Infinity to the page. Containers are checked through
    ``json.dumps`` (in C): its strictness about types, cycles and NaN is the page's.
    """
    kind = type(value)
    if kind is str:
        text = value
    elif value is None or kind is bool:
        return
    elif kind is int:
        if not -sys.float_info.max <= value <= sys.float_info.max:
            raise InvalidValue(gettext("the number is too large (past ±1.8e308)"))
        return
    elif kind is float:
        if not math.isfinite(value):
            raise InvalidValue(gettext("expected a finite number"))
        return
    else:
        try:
            text = json.dumps(value, allow_nan=False, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError) as exc:
            raise InvalidValue(f"not JSON-serialisable ({exc})") from None
    # isascii() is a flag lookup; only text outside ASCII is encoded to look for surrogates.
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidValue(
                gettext("the text holds a lone surrogate, which is not valid Unicode")
            ) from None


@dataclass(frozen=True)
class ValueSchema:
    """The type, bounds, length and choices a component's value must respect."""

    kind: str
    nullable: bool = True
    minimum: float | None = None
    maximum: float | None = None
    max_length: int | None = None
    choices: tuple[Any, ...] | None = None
    allow_custom: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown schema kind {self.kind!r}")

    def as_dict(self) -> dict[str, Any]:
        """Return the schema as JSON-ready data (for docs, the admin and the page)."""
        data: dict[str, Any] = {"kind": self.kind, "nullable": self.nullable}
        for name in ("minimum", "maximum", "max_length"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.choices is not None:
            data["choices"] = list(self.choices)
        return data

    def validate(self, value: Any) -> Any:
        """Return ``value`` normalised to this schema, or raise InvalidValue.

        Whatever the kind, the value must survive the trip to the page and the store.
        """
        if value is None:
            if self.nullable:
                return None
            raise InvalidValue(gettext("a value is required"))
        check = getattr(self, f"_check_{self.kind}")
        value = check(value)
        if self.kind != "messages":  # checked message by message: a long chat is re-sent often
            check_json_safe(value)
        return value

    # One method per kind; each returns the normalised value.

    def _check_any(self, value: Any) -> Any:
        return value

    def _check_string(self, value: Any) -> str:
        if not isinstance(value, str):
            raise InvalidValue(gettext("expected text, got %(type)s") % {"type": _kind(value)})
        self._check_length(value)
        return value

    def _check_number(self, value: Any) -> int | float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidValue(gettext("expected a number, got %(type)s") % {"type": _kind(value)})
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidValue(gettext("expected a finite number"))
        if self.minimum is not None and value < self.minimum:
            raise InvalidValue(
                gettext("must be at least %(minimum)s") % {"minimum": f"{self.minimum:g}"}
            )
        if self.maximum is not None and value > self.maximum:
            raise InvalidValue(
                gettext("must be at most %(maximum)s") % {"maximum": f"{self.maximum:g}"}
            )
        return value

    def _check_integer(self, value: Any) -> int:
        number = self._check_number(value)
        if isinstance(number, float):
            if not number.is_integer():
                raise InvalidValue(gettext("expected a whole number"))
            number = int(number)
        return number

    def _check_boolean(self, value: Any) -> bool:
        if not isinstance(value, bool):
            raise InvalidValue(
                gettext("expected true or false, got %(type)s") % {"type": _kind(value)}
            )
        return value

    def _check_choice(self, value: Any) -> Any:
        if self.choices is not None and value not in self.choices and not self.allow_custom:
            raise InvalidValue(gettext("%(value)r is not one of the choices") % {"value": value})
        if self.allow_custom and not isinstance(value, (str, int, float)):
            raise InvalidValue(gettext("expected a choice, got %(type)s") % {"type": _kind(value)})
        return value

    def _check_choices(self, value: Any) -> list[Any]:
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise InvalidValue(
                gettext("expected a list of choices, got %(type)s") % {"type": _kind(value)}
            )
        items = list(value)
        for item in items:
            self._check_choice(item)
        if len(set(map(repr, items))) != len(items):
            raise InvalidValue(gettext("a choice is selected twice"))
        if self.max_length is not None and len(items) > self.max_length:
            raise InvalidValue(
                gettext("at most %(count)s choices may be selected") % {"count": self.max_length}
            )
        return items

    def _check_json(self, value: Any) -> Any:
        return value  # validate() checks every value is JSON

    def _check_messages(self, value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
            raise InvalidValue(f"expected a list of messages, got {type(value).__name__}")
        messages: list[dict[str, Any]] = []
        for item in value:
            messages.extend(_as_messages(item))
        return messages

    def _check_length(self, value: str) -> None:
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidValue(
                gettext("must be at most %(count)s characters") % {"count": self.max_length}
            )


ROLES = ("user", "assistant", "system")


def _as_messages(item: Any) -> list[dict[str, Any]]:
    """Accept a ``{"role", "content"}`` message, or a legacy ``[user, bot]`` pair."""
    if isinstance(item, dict):
        role, content = item.get("role"), item.get("content")
        if role not in ROLES:
            raise InvalidValue(f"a message's role must be one of {ROLES}, got {role!r}")
        if not isinstance(content, (str, list)):
            # Files are stored as a list of parts first (Chatbot.store_output, chat_files).
            raise InvalidValue("a message's content must be text or a list of parts")
        check_json_safe(content)
        message = {"role": role, "content": content}
        if isinstance(item.get("metadata"), dict):
            check_json_safe(item["metadata"])
            message["metadata"] = item["metadata"]
        return [message]
    if isinstance(item, (list, tuple)) and len(item) == 2:
        pair = [("user", item[0]), ("assistant", item[1])]
        messages = [{"role": r, "content": str(c)} for r, c in pair if c is not None]
        for message in messages:
            check_json_safe(message["content"])
        return messages
    raise InvalidValue(f"expected a message dict with 'role' and 'content', got {item!r}")


def bounded_schema(
    kind: str,
    nullable: bool = True,
    minimum: float | None = None,
    maximum: float | None = None,
    max_length: int | None = None,
) -> ValueSchema:
    """``ValueSchema(kind, nullable, minimum, maximum, max_length)``, built once per set of values.

    For the components whose schema is asked on every event (a number, a text): a
    schema is frozen, so one may serve every caller; the arguments are the key, so a
    component's changed bounds (or a page's ``props``) get a schema of their own.
    """
    try:
        return _bounded_schema(kind, nullable, minimum, maximum, max_length)
    except TypeError:  # an unhashable bound (from a page's props): built as it comes
        return ValueSchema(kind, nullable, minimum, maximum, max_length)


_bounded_schema = functools.lru_cache(maxsize=1024)(ValueSchema)

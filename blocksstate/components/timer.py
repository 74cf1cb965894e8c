"""``Timer``: fires ``tick`` every ``value`` seconds while active."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..app.events import Event
from .base import Component
from .number import number_text
from .schema import ValueSchema

MIN_INTERVAL = 0.05


class Timer(Component):
    """An invisible clock; ``timer.tick(fn, ...)`` runs ``fn`` each interval."""

    template_name = "timer"
    accepts_input = False
    tick = Event()

    def __init__(self, value: float = 1.0, *, active: bool = True, render: bool = True) -> None:
        if value < MIN_INTERVAL:
            raise ValueError(f"Timer interval must be at least {MIN_INTERVAL} seconds")
        self.active = active
        super().__init__(value, render=render, visible=False)

    def value_schema(self, props: Mapping[str, Any] | None = None) -> ValueSchema:
        return ValueSchema("number", minimum=MIN_INTERVAL)

    def template_context(self, context: dict[str, Any]) -> dict[str, Any]:
        return {"interval": number_text(context["value"]), "active": bool(self.active)}

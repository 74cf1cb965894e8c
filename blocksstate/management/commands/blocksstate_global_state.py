"""``manage.py blocksstate_global_state``: read or change a GlobalState; open pages update.

    manage.py blocksstate_global_state get announcement
    manage.py blocksstate_global_state set announcement "Maintenance at 6 pm"
    manage.py blocksstate_global_state set limits '{"max": 5}' --json
    manage.py blocksstate_global_state incr visits 10

The key must be declared by an app this project loads (its ``blocks.py``). A change
reaches open pages through ``CHANNEL_LAYERS``: with an in-memory layer it reaches no
page (a command is a process of its own); use Redis (docs/state.md).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocksstate.components.global_state import GlobalStateError, declared
from blocksstate.components.state import StateNotPicklable


class Command(BaseCommand):
    help = (
        "Read (get) or change (set, incr) the GlobalState with the given key; every open page "
        "that uses it runs its .change listeners."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["get", "set", "incr"])
        parser.add_argument("key", help="The GlobalState's key.")
        parser.add_argument(
            "value",
            nargs="?",
            help="set: the new value (text, or JSON with --json); incr: the integer to add "
            "(default 1).",
        )
        parser.add_argument(
            "--json", action="store_true", help="Read the value of set as JSON, not as text."
        )

    def handle(
        self, *args: Any, action: str, key: str, value: str | None, json: bool, **options: Any
    ) -> None:
        try:
            state = declared(key)
            if action == "get":
                result = state.get()
            elif action == "set":
                state.set(_parse(value, json))
                result = state.get()
            else:
                result = state.incr(_integer(value))
        except (GlobalStateError, StateNotPicklable) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_show(result))


def _parse(value: str | None, as_json: bool) -> Any:
    if value is None:
        raise CommandError("set needs a value")
    if not as_json:
        return value
    try:
        return json.loads(value)
    except ValueError as exc:
        raise CommandError(f"the value is not JSON: {exc}") from None


def _integer(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return int(value)
    except ValueError:
        raise CommandError(f"incr adds an integer, not {value!r}") from None


def _show(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)

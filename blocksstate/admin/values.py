"""A session's values as the admin shows them: read from the cache now, each one previewed."""

from __future__ import annotations

import json
import pprint
import reprlib
from typing import Any

from asgiref.sync import async_to_sync
from django.template.defaultfilters import filesizeformat

from ..activity import describe_block
from ..app.registry import AppNotFound, get_app
from ..components.buttons import Button
from ..components.state import State
from ..models import LiveSession
from ..sessions.backends import get_store
from .wiring import component_uses

# Characters of a value shown before it is cut.
PREVIEW_CHARS = 2000
# Values larger than this (pickled) are shown with reprlib's limits, not pretty-printed whole.
PRETTY_MAX_BYTES = 64 * 1024


def preview(value: Any, size: int = 0, limit: int = PREVIEW_CHARS) -> str:
    """A value as readable text, cut after ``limit`` characters (saying how much was cut)."""
    try:
        if size > PRETTY_MAX_BYTES:
            short = reprlib.Repr()
            short.maxlevel, short.maxlist, short.maxdict = 6, 100, 100
            short.maxtuple, short.maxset, short.maxstring, short.maxother = 100, 100, limit, 200
            text = short.repr(value)
        else:
            text = pprint.pformat(value, width=100, sort_dicts=False)
    except Exception as exc:  # a value's own __repr__ may fail
        return f"<cannot show this value: {type(exc).__name__}>"
    if len(text) > limit:
        text = f"{text[:limit]}\u2026 ({len(text) - limit:,} more characters)"
    return text


def _describe_uses(uses: dict[str, list[str]]) -> str:
    return "; ".join(
        f"{kind} {', '.join(dict.fromkeys(names))}" for kind, names in uses.items() if names
    )


def session_values(obj: LiveSession) -> dict[str, Any]:
    """Context for a session's values, read from the cache now."""
    try:
        blocks = get_app(obj.app)
    except AppNotFound:
        return {"state_error": f"The app {obj.app!r} is not registered in this process."}
    session = async_to_sync(get_store().load)(blocks, obj.session_id)
    if session is None:
        return {"state_error": "Its values are no longer in the cache (the session expired)."}
    uses = component_uses(blocks)
    rows = []
    for component_id, component in blocks.components.items():
        if component.shared or isinstance(component, Button) or component_id not in session.values:
            continue  # shared by every session, or a button's caption
        value = session.values[component_id]
        is_state = isinstance(component, State)
        if is_state:
            size = len(session.pickled.get(component_id, b""))
        else:
            size = len(json.dumps(value, default=str).encode())
        rows.append(
            {
                "id": component_id,
                "name": describe_block(component),
                "kind": "State" if is_state else "page value",
                "uses": _describe_uses(uses.get(component_id, {})),
                "size": size,
                "size_text": filesizeformat(size),
                "value": preview(value, size),
            }
        )
    rows.sort(key=lambda row: (row["kind"] != "State", row["id"]))
    total = session.size()
    return {
        "state_rows": rows,
        "state_total": total,
        "state_total_text": filesizeformat(total),
        "state_ended": session.ended,
    }

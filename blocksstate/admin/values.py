"""A session's values as the admin shows them: read from the cache now, each one previewed."""

from __future__ import annotations

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


def _stored_sizes(blocks: Any, session_id: str) -> dict[int | str, int] | None:
    """Bytes each part of the session takes in the store, or None if the store cannot say."""
    try:
        return async_to_sync(get_store().stored_sizes)(blocks, session_id)
    except NotImplementedError:  # a store of the site's own, written before stored_sizes
        return None


def session_values(obj: LiveSession) -> dict[str, Any]:
    """Context for a session's values, read from the cache now, with the bytes each one takes."""
    try:
        blocks = get_app(obj.app)
    except AppNotFound:
        return {"state_error": f"The app {obj.app!r} is not registered in this process."}
    session = async_to_sync(get_store().load)(blocks, obj.session_id)
    if session is None:
        return {"state_error": "Its values are no longer in the cache (the session expired)."}
    sizes = _stored_sizes(blocks, obj.session_id)
    uses = component_uses(blocks)
    rows = []
    for component_id, component in blocks.components.items():
        if component.shared or component_id not in session.values:
            continue  # shared by every session
        size = sizes.get(component_id) if sizes is not None else None
        if isinstance(component, Button) and size is None:
            continue  # a button's caption, as the app wrote it
        value = session.values[component_id]
        is_state = isinstance(component, State)
        rows.append(
            {
                "id": component_id,
                "name": describe_block(component),
                "kind": "State" if is_state else "page value",
                "uses": _describe_uses(uses.get(component_id, {})),
                "size": size,
                "size_text": filesizeformat(size) if size is not None else "",
                "value": preview(value, size or 0),
            }
        )
    rows.sort(key=lambda row: (row["kind"] != "State", row["id"]))
    context: dict[str, Any] = {"state_rows": rows, "state_ended": session.ended}
    if sizes is not None:
        stored = sum(size for part, size in sizes.items() if isinstance(part, int))
        context.update(
            stored_bytes=stored,
            stored_text=filesizeformat(stored),
            records_bytes=sum(size for part, size in sizes.items() if isinstance(part, str)),
        )
    return context

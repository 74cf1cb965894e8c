"""Applying one result of a handler to a session: every output staged first (post-processed,
pickled, checked against the size limit), then all applied or none; the page's part of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..components.base import Component
from ..components.state import State
from ..components.tabs import Tabs
from ..empty import EMPTY
from . import page_updates

if TYPE_CHECKING:
    from ..sessions.session import Session
    from .runner import Engine
    from .updates import Update

# A staged output that keeps its value (only its properties change).
_KEEP = object()


def apply_result(
    engine: Engine,
    session: Session,
    updates: list[Update],
    changed: set[int],
    fresh: dict[int, bytes],
    shared_out: dict[int, Any],
    postprocess: bool = True,
) -> dict[str, Any]:
    """Apply one result's updates to the session; return the page's part of it.

    Every output is post-processed before any is applied, so a bad one changes nothing;
    with ``postprocess=False`` (the listener's option) a value must already be in the
    page's form, and is only checked against the component's schema.
    GlobalState outputs are collected in ``shared_out``, written when the step ends.
    """
    staged: list[tuple[Any, Any, dict[str, Any]]] = []
    for update in updates:
        component = update.component
        if update.props:
            page_updates.check_sendable(component, update.props)
            props = {**session.props.get(component.id, {}), **update.props}
        else:  # most outputs: a value, with the properties it had (read, never changed here)
            props = session.props.get(component.id, EMPTY)
        if not update.has_value:
            value = _KEEP
        elif isinstance(component, State):
            value = component.initial()[0] if update.reset else update.value
            # Pickled now, so an unpicklable value fails before anything is applied.
            fresh[component.id] = component.dumps(value)
        else:
            if update.reset:
                value = component.initial_value()
            elif postprocess:
                value = component.postprocess(update.value, props)
            else:
                value = Component.postprocess(component, update.value, props)
        staged.append((component, value, update.props, props))
    # Refuse a State output over the size limit before anything is applied or shown.
    grown = {
        cid: data
        for cid, data in fresh.items()
        if not engine.component(session, cid).shared and session.pickled.get(cid) != data
    }
    if grown:
        engine.tracker.check_size(session, grown)
    frame: dict[str, Any] = {}
    for component, value, props, current in staged:
        if props:
            if isinstance(component, Tabs) and component.switches(
                session.props.get(component.id, {}), props
            ):
                changed.add(component.id)  # its .change listeners run, as for a value
            session.set_props(component.id, props)
        if value is not _KEEP:
            if component.shared:
                shared_out[component.id] = value
                continue
            if isinstance(component, State):
                session.values[component.id] = value  # stored once its change is detected
            elif session.set_value(component.id, value):
                changed.add(component.id)
        if component.server_only:
            continue
        entry = page_updates.page_props(component, props) if props else {}
        if value is not _KEEP:
            entry.update(component.page_form(value, current))
        elif isinstance(component, Component) and component.value_form_props & props.keys():
            entry.update(component.page_form(session.values.get(component.id), current))
        if entry:
            frame[str(component.id)] = entry
    return frame

"""What a step shows the page: its updates held until the step commits, and values and
properties in the form the page reads (the resync of a resumed page, the repair after a failure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .. import protocol
from ..components.base import Block, Component
from ..components.schema import InvalidValue
from .outcome import note_shown
from .regions import RegionGone, Regions, is_dynamic

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..sessions.session import Session


class PageUpdates:
    """A step's page updates: held until sent, remembering what was sent."""

    def __init__(self) -> None:
        self.held: dict[str, dict[str, Any]] = {}
        # Property names (and "value") shown so far, by component id.
        self.shown: dict[str, set[str]] = {}

    def hold(self, frame: Mapping[str, dict[str, Any]]) -> None:
        for key, entry in frame.items():
            self.held.setdefault(key, {}).update(entry)

    def release(self) -> dict[str, dict[str, Any]]:
        """Return the held updates, to be sent now, and note them as shown."""
        held, self.held = self.held, {}
        note_shown(self.shown, held)
        return held


def page_state(blocks: Blocks, session: Session, everything: bool) -> dict[str, Any]:
    """Values (and changed properties) a page must show: all, or only the per-session ones."""
    updates: dict[str, Any] = {}
    for component_id, component in blocks.components.items():
        if component.server_only or not (everything or callable(component.value)):
            continue
        entry = page_props(component, session.props.get(component_id, {})) if everything else {}
        entry.update(
            component.page_form(session.values.get(component_id), session.props.get(component_id))
        )
        updates[str(component_id)] = entry
    if everything:
        # Layouts have no value: only the properties handlers gave them.
        for layout_id, layout in blocks.layouts.items():
            if session.props.get(layout_id):
                updates[str(layout_id)] = page_props(layout, session.props[layout_id])
    if everything and blocks.renderables:
        updates.update(Regions.of(blocks).page_state(session))
    return updates


def kept_updates(
    blocks: Blocks, session: Session, shown: Mapping[str, Iterable[str]]
) -> dict[str, Any]:
    """The session's value and properties for what a page was shown (by component, names).

    Sent after a step (or an event) that showed things the session does not keep,
    so that the page shows what the server keeps.
    """
    updates: dict[str, Any] = {}
    regions = Regions.of(blocks)
    for key, names in shown.items():
        component_id = int(key)
        if component_id in regions.by_container:
            updates.update(regions.page_state(session))  # the regions as the session keeps them
            continue
        try:
            component = (
                regions.component(session, component_id)
                if is_dynamic(component_id)
                else blocks.block(component_id)
            )
        except RegionGone:
            continue  # rebuilt since: the region's own entry shows it
        props = session.props.get(component.id, {})
        entry = page_props(
            component,
            {
                name: props[name] if name in props else declared_prop(component, name)
                for name in names
                if name != "value"
            },
        )
        if "value" in names and isinstance(component, Component):
            entry.update(component.page_form(session.values.get(component.id), props))
        updates[key] = entry
    return updates


def check_sendable(component: Block, props: Mapping[str, Any]) -> None:
    """Refuse properties no frame can carry (NaN, a lone surrogate) before they are kept."""
    try:
        protocol.encode(props)
    except ValueError as exc:
        raise InvalidValue(f"{component!r} cannot be given these properties: {exc}") from None


def declared_prop(component: Block, name: str) -> Any:
    """A property as the component was declared (what the page shows when no handler changed it)."""
    if name == "interactive" and isinstance(component, Component):
        return component.is_interactive()
    return getattr(component, name, None)


def page_props(block: Block, props: Mapping[str, Any]) -> dict[str, Any]:
    """Return updated properties in the form the page reads (see ``Block.page_props``)."""
    return block.page_props(props)

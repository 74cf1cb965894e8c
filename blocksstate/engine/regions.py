"""The ``@gr.render`` regions of one session: built, kept in the session, shown to the page.

A session keeps each region as a record (the value of the region's ``RegionRecord``):
the pickled arguments its function was last run with, their fingerprint, and the values
of the components it built. That is all any worker needs: a worker that has not built the
region for this session (another worker, a resume, a restart) runs the function again
with the recorded arguments, which gives the same blocks and listeners with the same ids
(``app/render.py``). What a worker built is kept in a small process-local cache, keyed
by session, region and fingerprint; a miss only costs a re-run.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from ..app.render import (
    Region,
    Renderable,
    fingerprint,
    region_of_dependency,
)
from ..components.base import DYNAMIC_ID_BASE, Component
from ..components.state import StateNotPicklable
from ..rendering.config import wiring
from ..rendering.tree import Scope, build_node, render_node
from ..state import serializers
from . import handlers

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..app.events import Dependency
    from ..sessions.session import Session

# Regions kept built per process (all sessions, all regions): a miss re-runs the function.
CACHE_SIZE = 2048


class RegionGone(LookupError):
    """A page named a component or listener of a region the session no longer shows."""


def is_dynamic(component_id: int) -> bool:
    return component_id >= DYNAMIC_ID_BASE


class Regions:
    """The regions of one app's sessions: what the engine asks of them."""

    @classmethod
    def of(cls, blocks: Blocks) -> Regions:
        """The one ``Regions`` of an app (its built regions are shared by the engine and resyncs)."""
        regions = blocks.__dict__.get("_regions")
        if regions is None:
            regions = blocks.__dict__["_regions"] = cls(blocks)
        return regions

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self.renderables: list[Renderable] = list(blocks.renderables)
        self.by_container = {r.id: r for r in self.renderables}
        self._built: OrderedDict[tuple[str, int, str], Region] = OrderedDict()

    # -- finding a session's region ------------------------------------------------------

    def region(self, session: Session, index: int) -> Region | None:
        """The region ``index`` as the session last showed it (None: not rendered yet)."""
        if not 0 <= index < len(self.renderables):
            return None
        renderable = self.renderables[index]
        record = session.values.get(renderable.record.id)
        if not record:
            return None
        attached = session.regions.get(index)
        if attached is not None and attached.fingerprint == record["fingerprint"]:
            return attached
        key = (session.id, index, record["digest"])
        region = self._built.get(key)
        if region is None:
            region = renderable.build(serializers.loads(record["inputs"]), record["fingerprint"])
            self._keep(key, region)
        session.attach_region(index, region)
        values = record["values"]
        for component_id, component in region.components.items():
            session.values[component_id] = (
                values[component_id] if component_id in values else component.initial_value()
            )
        return region

    def attached(self, session: Session) -> list[Region]:
        """Every region the session shows, built or found."""
        found = (self.region(session, index) for index in range(len(self.renderables)))
        return [region for region in found if region is not None]

    def component(self, session: Session, component_id: int) -> Component:
        """A component a render function built, as the session shows it now."""
        index = (component_id - DYNAMIC_ID_BASE) >> 42
        region = self.region(session, index)
        component = region.components.get(component_id) if region is not None else None
        if component is None:
            raise RegionGone(
                gettext(
                    "component %(id)s belongs to a part of the page that was rebuilt since; "
                    "nothing was changed"
                )
                % {"id": component_id}
            )
        return component

    def dependency(self, session: Session, dependency_id: int) -> Dependency:
        """A listener a render function made, if the session's region still has it."""
        index, print_ = region_of_dependency(dependency_id)
        region = self.region(session, index)
        if region is None or region.fingerprint != print_ or dependency_id not in region.by_id:
            raise RegionGone(
                gettext(
                    "event %(id)s belongs to a part of the page that was rebuilt since; "
                    "it was not run"
                )
                % {"id": dependency_id}
            )
        return region.by_id[dependency_id]

    def listeners(self, session: Session, block: Any, event: str) -> list[Dependency]:
        """Listeners the session's regions made for ``event`` of ``block``."""
        if not session.regions:
            return []
        return [d for region in self.attached(session) for d in region.listeners(block, event)]

    # -- building -------------------------------------------------------------------------

    async def rebuild(
        self, session: Session, renderable: Renderable, args: Sequence[Any]
    ) -> dict[str, Any]:
        """Run the function with ``args`` for the session; return the page's update of the region.

        A component with the same key and type as one of the previous run keeps its value.
        """
        try:
            pickled = serializers.dumps(list(args))
        except Exception as exc:
            raise StateNotPicklable(
                f"the inputs of {renderable!r} must be picklable to rebuild it on any worker: {exc}"
            ) from None
        print_ = fingerprint(pickled)
        region = await handlers.off_loop(
            lambda: renderable.build(serializers.loads(pickled), print_)
        )
        before = self.region(session, renderable.index)
        old_values: Mapping[int, Any] = {}
        old_types: Mapping[int, str] = {}
        if before is not None:
            old_values = {cid: session.values.get(cid) for cid in before.components}
            old_types = before.types
            for cid in before.components:
                session.values.pop(cid, None)
                session.replace_props(cid, None)
        values: dict[int, Any] = {}
        for component_id, component in region.components.items():
            kept = (
                component.key is not None
                and component_id in old_values
                and old_types.get(component_id) == region.types[component_id]
            )
            values[component_id] = old_values[component_id] if kept else component.initial_value()
        digest = hashlib.blake2b(pickled, digest_size=16).hexdigest()
        record = {
            "inputs": pickled,
            "fingerprint": print_,
            "digest": digest,
            "values": values,
        }
        session.set_value(renderable.record.id, record)
        session.values.update(values)
        session.attach_region(renderable.index, region)
        self._keep((session.id, renderable.index, digest), region)
        return {str(renderable.id): self.page_entry(region, values)}

    def forget(self, session: Session, index: int) -> None:
        """Drop what a failed step may have left in a region's closures (rebuilt on next use)."""
        session.forget_region(index)
        for key in [k for k in self._built if k[0] == session.id and k[1] == index]:
            del self._built[key]

    def sync(self, session: Session, component_ids: Iterable[int]) -> None:
        """Copy into their region's record the values of dynamic components just changed."""
        touched: dict[int, dict[int, Any]] = {}
        for component_id in component_ids:
            if not is_dynamic(component_id):
                continue
            index = (component_id - DYNAMIC_ID_BASE) >> 42
            record = session.values.get(self.renderables[index].record.id)
            if not record or component_id not in record["values"]:
                continue
            if record["values"][component_id] != session.values.get(component_id):
                touched.setdefault(index, dict(record["values"]))[component_id] = (
                    session.values.get(component_id)
                )
        for index, values in touched.items():
            renderable = self.renderables[index]
            record = session.values[renderable.record.id]
            session.set_value(renderable.record.id, {**record, "values": values})

    def _keep(self, key: tuple[str, int, str], region: Region) -> None:
        self._built[key] = region
        self._built.move_to_end(key)
        while len(self._built) > CACHE_SIZE:
            self._built.popitem(last=False)

    # -- what the page is sent ----------------------------------------------------------------

    def page_entry(self, region: Region, values: Mapping[int, Any]) -> dict[str, Any]:
        """The update entry of a region's container: its markup and how to wire it."""
        scope = Scope(self.blocks.name or "app")
        nodes = [
            node
            for child in region.children
            if (node := build_node(child, scope, values)) is not None
        ]
        html = "".join(render_node(node) for node in nodes)
        components, dependencies = wiring(region)
        shown = {
            str(cid): component.page_form(values.get(cid))
            for cid, component in region.components.items()
            if not component.server_only
        }
        return {
            "region": {
                "html": html,
                "components": components,
                "dependencies": dependencies,
                "values": shown,
            }
        }

    def page_state(self, session: Session) -> dict[str, Any]:
        """The update entries of every region the session shows (a resumed page's resync)."""
        entries: dict[str, Any] = {}
        for index, renderable in enumerate(self.renderables):
            region = self.region(session, index)
            if region is not None:
                values = {cid: session.values.get(cid) for cid in region.components}
                entries[str(renderable.id)] = self.page_entry(region, values)
        return entries

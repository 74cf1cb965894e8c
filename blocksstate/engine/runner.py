"""The engine: runs one event of one session, its chained steps included.

It checks what the page sent (its values, the event and its data), then runs the
event's listener and what it triggers: the ``.change`` listeners of the values it
changed and the ``.then``/``.success``/``.failure`` steps, on the server, in the same
event, breadth first, each step (``step``) sending its updates as soon as it commits.
It knows nothing of sockets: it is handed a ``send``, and returns an ``Outcome``
(what the event amounted to: whether it succeeded, its errors, the tokens and
GlobalStates it wrote). Each step of a chain commits on its own: a failed ``.then``
leaves the steps before it in place.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from ..app.events import Dependency
from ..components.base import Component
from ..components.schema import InvalidValue
from ..conf import setting
from ..state.tracking import StateTracker
from . import file_values
from .cancel import Stop, current_stop
from .feedback import Feedback
from .file_values import EventInfo
from .outcome import Outcome
from .regions import RegionGone, Regions, is_dynamic
from .step import run_step

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..sessions.session import Session

logger = logging.getLogger("blocksstate")

Send = Callable[[dict[str, Any]], Awaitable[None]]


class InvalidInput(Exception):
    """A value sent by the browser does not fit its component; nothing was changed."""

    def __init__(self, component: Component | None, message: str) -> None:
        self.component = component
        self.message = message
        if component is not None:
            named = {"component": repr(component), "problem": message}
            self.message = gettext("%(component)s: %(problem)s") % named
        super().__init__(self.message)


class UnknownDependency(Exception):
    """The browser asked for an event that does not exist or that it may not trigger."""


class Engine:
    """Runs the events of one app (a registered ``Blocks``) against its sessions."""

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self._listeners = self._index_listeners(blocks)
        # The app's own ``.change`` listeners by component id (run after most steps).
        self._change_listeners = {
            block_id: found
            for blocks_by_id in (blocks.components, blocks.layouts)
            for block_id, block in blocks_by_id.items()
            if (found := self.listeners(block, "change"))
        }
        self.tracker = StateTracker(blocks)
        self.regions = Regions.of(blocks)

    @staticmethod
    def _index_listeners(blocks: Blocks) -> dict[tuple[int, str], list[Dependency]]:
        index: dict[tuple[int, str], list[Dependency]] = {}
        for dependency in blocks.dependencies:
            for block, event in dependency.triggers:
                if not isinstance(block, Dependency):
                    index.setdefault((id(block), event), []).append(dependency)
        return index

    def listeners(self, block: Any, event: str) -> list[Dependency]:
        return self._listeners.get((id(block), event), [])

    def session_listeners(self, session: Session, block: Any, event: str) -> list[Dependency]:
        """The app's listeners of ``event`` of ``block``, and those the session's regions made."""
        found = self._listeners.get((id(block), event), [])
        if session.regions:
            return found + self.regions.listeners(session, block, event)
        return found

    def component(self, session: Session, component_id: int) -> Component | None:
        """A component of the app, or of a region the session shows (None: no such one)."""
        component = self.blocks.components.get(component_id)
        if component is None and is_dynamic(component_id):
            try:
                return self.regions.component(session, component_id)
            except RegionGone as exc:
                raise InvalidInput(None, str(exc)) from None
        return component

    # -- checking what the browser sent ------------------------------------------------

    def is_editable(self, component: Component, props: Mapping[str, Any] | None) -> bool:
        """Whether the page may set this component's value (per its current properties)."""
        if not component.accepts_input:
            return False
        if props and "interactive" in props:
            return bool(props["interactive"])
        return component.is_interactive()

    def validate_values(self, session: Session, values: Mapping[str, Any]) -> dict[int, Any]:
        """Check every page value the browser sent; raise InvalidInput on the first bad one."""
        with file_values.viewing(session):
            return self._validate_values(session, values)

    def _validate_values(self, session: Session, values: Mapping[str, Any]) -> dict[int, Any]:
        checked: dict[int, Any] = {}
        for key, payload in values.items():
            try:
                component_id = int(key)
            except (TypeError, ValueError):
                raise InvalidInput(None, f"{key!r} is not a component id") from None
            component = self.component(session, component_id)
            if component is None:
                raise InvalidInput(None, f"there is no component with id {component_id}")
            props = session.props.get(component_id)
            if not self.is_editable(component, props):
                raise InvalidInput(component, gettext("its value cannot be set from the page"))
            try:
                checked[component_id] = component.preprocess(payload, props)
            except InvalidValue as exc:
                raise InvalidInput(component, str(exc)) from None
        return checked

    def client_dependency(self, dependency_id: Any, session: Session | None = None) -> Dependency:
        """Return the dependency a browser asked for, if a browser may trigger it."""
        if isinstance(dependency_id, bool) or not isinstance(dependency_id, int):
            raise UnknownDependency(f"dependency id must be an integer, got {dependency_id!r}")
        try:
            if session is not None and dependency_id >= len(self.blocks.dependencies):
                dependency = self.regions.dependency(session, dependency_id)
            else:
                dependency = self.blocks.dependency(dependency_id)
        except RegionGone as exc:
            raise UnknownDependency(str(exc)) from None
        except KeyError:
            raise UnknownDependency(f"there is no event with id {dependency_id}") from None
        if not dependency.client_triggers:
            raise UnknownDependency(f"event {dependency_id} is run by the server, not the page")
        return dependency

    def event_data(
        self,
        session: Session,
        dependency: Dependency,
        data: Any,
        trigger: tuple[int, str] | None = None,
        values: Mapping[int, Any] | None = None,
    ) -> EventInfo:
        """Check what the page said of its event (``data``, from ``trigger``); a file by its ref."""
        try:
            return file_values.check_event(session, dependency, data, trigger, values)
        except file_values.EventRefused as exc:
            raise InvalidInput(exc.target, exc.message) from None

    # -- running ----------------------------------------------------------------------------

    async def run_event(
        self,
        session: Session,
        dependency_id: Any,
        values: Mapping[str, Any],
        seq: int | None,
        send: Send,
        data: Any = None,
        trigger: tuple[int, str] | None = None,
    ) -> Outcome:
        """Validate, then run a browser's event and everything it triggers; return what it did.

        ``data`` is the event's data, ``trigger`` the ``(component id, event)`` that fired.
        """
        dependency = self.client_dependency(dependency_id, session)
        checked = self.validate_values(session, values)
        event = self.event_data(session, dependency, data, trigger, checked)
        self.apply_page_values(session, checked)
        if self.tracker.ttl_states:
            await self.expire_values(session)
        return await self.run_chain(session, [dependency], seq, send, event)

    def restore_browser_state(self, session: Session, tokens: Mapping[str, Any]) -> dict[str, str]:
        """Give a new session the BrowserState values its page stored (see StateTracker).

        Returns the tokens to give the page in their place (re-issued: current key and time).
        """
        return self.tracker.restore_browser_state(session, tokens)

    async def expire_values(self, session: Session, now: float | None = None) -> None:
        """Reset State values whose ``time_to_live`` has passed (see StateTracker)."""
        await self.tracker.expire_values(session, now)

    async def run_stored_changes(
        self, session: Session, before: Mapping[int, bytes], send: Send
    ) -> Outcome:
        """Run the ``.change`` listeners of the States whose stored form is no longer ``before``.

        For values changed outside any event (an administrator reset them in the store).
        """
        changed = [
            component
            for component_id, component in self.blocks.components.items()
            if component_id in session.pickled
            and before.get(component_id) != session.pickled[component_id]
        ]
        roots = [d for c in changed for d in self.listeners(c, "change")]
        return await self.run_chain(session, roots, None, send)

    def apply_page_values(self, session: Session, checked: Mapping[int, Any]) -> None:
        """Store validated page values in the session (the browser's edits)."""
        for component_id, value in checked.items():
            session.set_value(component_id, value)
        if session.regions:
            self.regions.sync(session, checked)

    async def run_load(self, session: Session, send: Send) -> Outcome:
        """Run the app's ``load`` listeners for a new session."""
        return await self.run_chain(session, self.listeners(self.blocks, "load"), None, send)

    async def run_unload(self, session: Session) -> None:
        """Run the app's ``unload`` listeners for an ended session; nothing is sent."""

        async def discard(frame: dict[str, Any]) -> None:
            return None

        roots = self.listeners(self.blocks, "unload")
        if roots:
            await self.run_chain(session, roots, None, discard)

    async def run_chain(
        self,
        session: Session,
        roots: Iterable[Dependency],
        seq: int | None,
        send: Send,
        event: EventInfo | None = None,
    ) -> Outcome:
        """Run ``roots`` and what they trigger, breadth first; ``ok``: whether the first root succeeded.

        The roots' handlers get ``event`` (the page's event data); the steps they trigger none.
        """
        queue = deque(roots)
        if not queue:
            return Outcome()
        with file_values.viewing(session):
            outcome = Outcome()
            # What may stop this event's steps: the connection's (``cancels=``), or made here
            # for a step that cancels others or can be cut short; most chains need none.
            stop = current_stop.get()
            # The roots after the first, which get ``event`` too (most events have one root).
            roots = {id(dependency) for dependency in queue} if len(queue) > 1 else set()
            feedback = Feedback(send, seq, asyncio.get_running_loop(), outcome)
            limit = setting("MAX_CHAIN_STEPS")
            first_ok: bool | None = None
            steps = 0
            while queue:
                dependency = queue.popleft()
                steps += 1
                if steps > limit:
                    logger.error(
                        "Event stopped after %d chained steps in app %r: a .change loop?",
                        limit,
                        self.blocks.name,
                    )
                    feedback.dependency_id = dependency.id
                    await feedback.error(
                        f"This event triggered more than {limit} steps and was stopped."
                    )
                    outcome.ok = False
                    return outcome
                if stop is None and (
                    dependency.cancels or dependency.cancellable or dependency.time_limit
                ):
                    stop = Stop()
                if stop is not None and stop.stops(dependency):
                    continue  # cancelled before it started: neither it nor what follows it runs
                if dependency.cancels:
                    stop.cancel(d.id for d in dependency.cancels)  # type: ignore[union-attr]
                root_event = event if steps == 1 or id(dependency) in roots else None
                ok, changed = await run_step(self, session, dependency, feedback, root_event, stop)
                roots.discard(id(dependency))
                if first_ok is None:
                    first_ok = ok
                if session.regions:  # the regions' components have listeners of their own
                    for component_id in changed:
                        changer = self.blocks.layouts.get(component_id) or self.component(
                            session, component_id
                        )
                        queue.extend(self.session_listeners(session, changer, "change"))
                else:
                    for component_id in changed:
                        queue.extend(self._change_listeners.get(component_id, ()))
                if stop is not None and dependency.id in stop.cut:
                    continue  # stopped part-way: what it showed stays, what follows it does not run
                for kind, step in dependency.chain:
                    if kind == "then" or (kind == "success") == ok:
                        queue.append(step)
            outcome.ok = bool(first_ok) if first_ok is not None else True
            return outcome

"""The engine: runs one event of one session, its chained steps included.

For each step it resolves the inputs (page values the browser sent, State from
the session, GlobalState from the shared cache), calls the handler (see
``handlers``), applies the outputs, detects which values changed (see
``state.tracking``), and then runs the ``.change`` listeners and
``.then``/``.success``/``.failure`` steps on the server, in the same event,
sending each step's updates as soon as it commits. It knows nothing of
sockets: it is handed a ``send``, and returns an ``Outcome`` (what the event
amounted to: whether it succeeded, its errors, the tokens and GlobalStates it
wrote).

A step is applied whole or not at all. Its updates are held until it commits
(its outputs post-processed, its State checked, pickled and within its size
limit, its GlobalState written); a step that fails sends none and leaves the
session as it was before it. A streaming step (a generator) sends each yield
as it comes; if it then fails, one more update puts the page back to what the
session keeps. Each step of a chain commits on its own: a failed ``.then``
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
from ..components.global_state import GlobalStateError
from ..components.schema import InvalidValue
from ..components.state import State, StateNotPicklable
from ..conf import setting
from ..state.browser import TokenTooLarge
from ..state.tracking import StateTooLarge, StateTracker
from . import concurrency, file_values, handlers, page_updates
from .apply import apply_result
from .cancel import Stop, current_stop
from .feedback import Feedback, current_feedback
from .file_values import EventInfo
from .outcome import Outcome
from .regions import RegionGone, Regions, is_dynamic
from .request import Request
from .updates import BadResult, split_result

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..sessions.session import Session

logger = logging.getLogger("blocksstate")

Send = Callable[[dict[str, Any]], Awaitable[None]]
# Errors in the app's own code or data, whose message helps its developer.
DEVELOPER_ERRORS = (
    BadResult,
    InvalidValue,
    StateNotPicklable,
    StateTooLarge,
    TokenTooLarge,
    GlobalStateError,
)


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
            stop = current_stop.get() or Stop()
            roots = {id(dependency) for dependency in queue}
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
                if stop.stops(dependency):
                    continue  # cancelled before it started: neither it nor what follows it runs
                if dependency.cancels:
                    stop.cancel(d.id for d in dependency.cancels)
                root_event = event if steps == 1 or id(dependency) in roots else None
                ok, changed = await self.run_step(session, dependency, feedback, root_event, stop)
                roots.discard(id(dependency))
                if first_ok is None:
                    first_ok = ok
                for component_id in changed:
                    changer = self.blocks.layouts.get(component_id) or self.component(
                        session, component_id
                    )
                    queue.extend(self.session_listeners(session, changer, "change"))
                if dependency.id in stop.cut:
                    continue  # stopped part-way: what it showed stays, what follows it does not run
                for kind, step in dependency.chain:
                    if kind == "then" or (kind == "success") == ok:
                        queue.append(step)
            outcome.ok = bool(first_ok) if first_ok is not None else True
            return outcome

    async def run_step(
        self,
        session: Session,
        dependency: Dependency,
        feedback: Feedback,
        event: EventInfo | None = None,
        stop: Stop | None = None,
    ) -> tuple[bool, set[int]]:
        """Run one handler, all or nothing; return whether it succeeded and which values it changed.

        A step ``stop`` cuts short (``cancels=``, ``time_limit``) keeps what it applied so far.
        """
        feedback.dependency_id = dependency.id
        if dependency.renders is not None:
            return await self.render_step(session, dependency, feedback)
        if dependency.fn is None:
            return True, set()
        watched = self.tracker.watched(session, dependency)
        checkpoint = self.tracker.checkpoint(session, dependency, watched)
        changed: set[int] = set()
        page = page_updates.PageUpdates()
        streams = handlers.streams(dependency.fn)
        token = current_feedback.set(feedback)
        try:
            async with self.tracker.globals_for(dependency) as shared:
                # State outputs pickled while applying a single result are reused to detect changes.
                fresh: dict[int, bytes] = {}
                shared_out: dict[int, Any] = {}
                results = 0
                values = [
                    self.input_value(session, c, shared, dependency.preprocess)
                    for c in dependency.inputs
                ]
                # File inputs converted, and what makes an EventData parameter: if any.
                event_data = None
                if file_values.may_block(dependency) or handlers.takes_special(dependency.fn):
                    event_data = await file_values.handler_values(
                        session, dependency, values, event
                    )
                if dependency.batch:
                    values = [[value] for value in values]  # a batch of one
                if dependency.inputs_as_dict:
                    values = [dict(zip(dependency.inputs, values, strict=True))]
                args, kwargs = handlers.arguments(
                    dependency.fn, values, lambda: self.request(session), event_data
                )
                limit = concurrency.limit_of(dependency)

                async def apply(result: Any) -> None:
                    if dependency.batch:
                        result = handlers.first_of_batch(dependency, result)
                    updates = split_result(dependency, result)
                    if (storing := file_values.store_outputs(session, updates)) is not None:
                        await storing
                    page.hold(
                        apply_result(
                            self,
                            session,
                            updates,
                            changed,
                            fresh,
                            shared_out,
                            dependency.postprocess,
                        )
                    )
                    if feedback.has_pending:
                        await feedback.flush()

                guarded = stop is not None and (dependency.cancellable or dependency.time_limit)
                # Most events: a short handler, called here at once (``handlers.call_now``).
                now = (
                    handlers.LATER
                    if guarded
                    else handlers.call_now(dependency.fn, args, kwargs, limit)
                )
                if now is not handlers.LATER and not handlers.goes_on(now):
                    results = 1
                    await apply(now)
                else:
                    running = handlers.results(dependency.fn, args, kwargs, limit, now)
                    if guarded:
                        running = stop.guard(dependency, running)  # type: ignore[union-attr]
                    async for result in running:
                        results += 1
                        await apply(result)
                        # A function that returned a generator streams too, from its second yield.
                        if streams or results > 1:
                            await feedback.update(page.release())
                if results > 1:
                    fresh.clear()  # a generator may have mutated a State after yielding it
                states_changed = self.tracker.detect_changes(session, watched, fresh)
                # Made before any GlobalState is written: a token too large fails the step whole.
                tokens = self.tracker.browser_tokens(session, states_changed)
                changed |= states_changed
                written = (
                    await self.tracker.write_globals(shared_out, dependency) if shared_out else {}
                )
                changed.update(written)
        except Exception as exc:
            self.tracker.rollback(session, checkpoint)
            if dependency.region is not None:
                self.regions.forget(session, dependency.region.renderable.index)
            await feedback.update(page_updates.kept_updates(self.blocks, session, page.shown))
            await feedback.failed(
                dependency, exc, self.blocks.name, isinstance(exc, DEVELOPER_ERRORS)
            )
            return False, set()
        finally:
            current_feedback.reset(token)
        if session.regions:
            self.regions.sync(session, changed)
        if written:
            feedback.outcome.globals_changed.update(written)
            for component_id, version in written.items():
                # This session runs its listeners within the event: it has seen this version.
                session.saw_global(self.blocks.components[component_id].key, version)  # type: ignore[attr-defined]
        await feedback.update(page.release())
        if tokens:
            await feedback.store_in_browser(tokens)
        if feedback.has_pending:
            await feedback.flush()
        return True, changed

    async def render_step(
        self, session: Session, dependency: Dependency, feedback: Feedback
    ) -> tuple[bool, set[int]]:
        """Rebuild a ``@gr.render`` region for the session and send the page its markup."""
        unsaved = session.unsaved()
        try:
            values = [self.input_value(session, c, {}) for c in dependency.inputs]
            update = await self.regions.rebuild(session, dependency.renders, values)
        except Exception as exc:
            session.restore_unsaved(unsaved)
            self.regions.forget(session, dependency.renders.index)
            await feedback.failed(
                dependency, exc, self.blocks.name, isinstance(exc, DEVELOPER_ERRORS)
            )
            return False, set()
        await feedback.update(update)
        await feedback.flush()
        return True, set()

    def request(self, session: Session) -> Request:
        return session.request or Request(session_hash=session.id, app=session.app)

    def input_value(
        self,
        session: Session,
        component: Component,
        shared: Mapping[int, Any],
        preprocess: bool = True,
    ) -> Any:
        """What a handler receives for one input (``preprocess=False``: the page's form of it)."""
        if component.shared:
            return shared[component.id]
        value = session.values.get(component.id)
        if isinstance(component, State) or not preprocess or component.blocks_for(value):
            return value  # a file component's is converted in a handler thread (handler_values)
        return component.to_handler(value)

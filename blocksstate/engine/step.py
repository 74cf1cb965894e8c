"""One step of an event: a handler run against a session, applied whole or not at all.

For the step it resolves the inputs (page values the browser sent, State from the
session, GlobalState from the shared cache), calls the handler (see ``handlers``),
applies the outputs (``apply``) and detects which values changed (see
``state.tracking``). Its updates are held until it commits (its outputs
post-processed, its State checked, pickled and within its size limit, its
GlobalState written); a step that fails sends none and leaves the session as it was
before it. A streaming step (a generator) sends each yield as it comes; if it then
fails, one more update puts the page back to what the session keeps.

Most steps are plain (``plan``): a short handler called at once, its one result
applied here without the general step's coroutines (``_run_handler``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..components.base import Component
from ..components.global_state import GlobalStateError
from ..components.schema import InvalidValue
from ..components.state import State, StateNotPicklable
from ..state.browser import TokenTooLarge
from ..state.tracking import Checkpoint, StateTooLarge
from . import concurrency, file_values, handlers, page_updates
from .apply import apply_result
from .feedback import Feedback, current_feedback
from .plan import is_plain
from .request import Request
from .updates import BadResult, split_result

if TYPE_CHECKING:
    from ..app.events import Dependency
    from ..sessions.session import Session
    from .cancel import Stop
    from .file_values import EventInfo
    from .runner import Engine

# Errors in the app's own code or data, whose message helps its developer.
DEVELOPER_ERRORS = (
    BadResult,
    InvalidValue,
    StateNotPicklable,
    StateTooLarge,
    TokenTooLarge,
    GlobalStateError,
)
# What a plain step reads of GlobalState: nothing.
_NO_SHARED: Mapping[int, Any] = {}


async def run_step(
    engine: Engine,
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
        return await render_step(engine, session, dependency, feedback)
    if dependency.fn is None:
        return True, set()
    watched = engine.tracker.watched(session, dependency)
    checkpoint = engine.tracker.checkpoint(session, dependency, watched)
    page: page_updates.PageUpdates | None = None
    written: dict[int, int] = {}
    token = current_feedback.set(feedback)
    try:
        # Most steps: plain (``plan``), a short handler called at once, one result.
        plain = is_plain(dependency) and not (dependency.cancellable or dependency.time_limit)
        called = _call_plain(session, dependency) if plain else handlers.LATER
        if called is handlers.LATER or handlers.goes_on(called):
            page = page_updates.PageUpdates()
            changed, tokens, written = await _run_handler(
                engine, session, dependency, feedback, watched, page, event, stop, called, plain
            )
            frame = page.release()
        else:
            changed, fresh = set(), {}
            updates = split_result(dependency, called)
            frame = apply_result(
                engine, session, updates, changed, fresh, {}, dependency.postprocess
            )
            if feedback.has_pending:
                await feedback.flush()  # what it said (gr.Info) goes before its result
            tokens = _states_changed(engine, session, watched, fresh, changed)
    except Exception as exc:
        return await _step_failed(engine, session, dependency, feedback, checkpoint, page, exc)
    finally:
        current_feedback.reset(token)
    if session.regions:
        engine.regions.sync(session, changed)
    if written:
        feedback.outcome.globals_changed.update(written)
        for component_id, version in written.items():
            # This session runs its listeners within the event: it has seen this version.
            session.saw_global(engine.blocks.components[component_id].key, version)  # type: ignore[attr-defined]
    await feedback.update(frame)
    if tokens:
        await feedback.store_in_browser(tokens)
    if feedback.has_pending:
        await feedback.flush()
    return True, changed


def _call_plain(session: Session, dependency: Dependency) -> Any:
    """A plain step's handler called now with its inputs' values (``handlers.call_now``)."""
    values = [input_value(session, c, _NO_SHARED, dependency.preprocess) for c in dependency.inputs]
    return handlers.call_now(dependency.fn, values, {}, concurrency.limit_of(dependency))  # type: ignore[arg-type]


def _states_changed(
    engine: Engine,
    session: Session,
    watched: list[State],
    fresh: dict[int, bytes],
    changed: set[int],
) -> dict[str, str]:
    """Add the watched States that changed to ``changed``; return their BrowserState tokens.

    Raises, committing nothing, if a change is too large or a token cannot be made.
    """
    states_changed = engine.tracker.detect_changes(session, watched, fresh)
    tokens = engine.tracker.browser_tokens(session, states_changed)
    changed |= states_changed
    return tokens


async def _run_handler(
    engine: Engine,
    session: Session,
    dependency: Dependency,
    feedback: Feedback,
    watched: list[State],
    page: page_updates.PageUpdates,
    event: EventInfo | None,
    stop: Stop | None,
    called: Any,
    tried: bool,
) -> tuple[set[int], dict[str, str], dict[int, int]]:
    """Any step: its GlobalState held, its handler run (``called``: already called, if
    ``tried``), each result applied; return what it changed, its tokens, the GlobalState
    versions it wrote. Updates are left in ``page``, streamed ones sent as they come."""
    changed: set[int] = set()
    streams = handlers.streams(dependency.fn)  # type: ignore[arg-type]
    async with engine.tracker.globals_for(dependency) as shared:
        # State outputs pickled while applying a single result are reused to detect changes.
        fresh: dict[int, bytes] = {}
        shared_out: dict[int, Any] = {}
        results = 0
        values = [input_value(session, c, shared, dependency.preprocess) for c in dependency.inputs]
        # File inputs converted, and what makes an EventData parameter: if any.
        event_data = None
        if file_values.may_block(dependency) or handlers.takes_special(dependency.fn):  # type: ignore[arg-type]
            event_data = await file_values.handler_values(session, dependency, values, event)
        if dependency.batch:
            values = [[value] for value in values]  # a batch of one
        if dependency.inputs_as_dict:
            values = [dict(zip(dependency.inputs, values, strict=True))]
        args, kwargs = handlers.arguments(
            dependency.fn,  # type: ignore[arg-type]
            values,
            lambda: request(session),
            event_data,
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
                    engine, session, updates, changed, fresh, shared_out, dependency.postprocess
                )
            )
            if feedback.has_pending:
                await feedback.flush()

        guarded = stop is not None and (dependency.cancellable or dependency.time_limit)
        if tried:
            now = called
        else:  # a short handler is called at once here too (``handlers.call_now``)
            now = (
                handlers.LATER if guarded else handlers.call_now(dependency.fn, args, kwargs, limit)
            )  # type: ignore[arg-type]
        if now is not handlers.LATER and not handlers.goes_on(now):
            results = 1
            await apply(now)
        else:
            running = handlers.results(dependency.fn, args, kwargs, limit, now)  # type: ignore[arg-type]
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
        # Tokens made before any GlobalState is written: one too large fails the step whole.
        tokens = _states_changed(engine, session, watched, fresh, changed)
        written = await engine.tracker.write_globals(shared_out, dependency) if shared_out else {}
        changed.update(written)
    return changed, tokens, written


async def _step_failed(
    engine: Engine,
    session: Session,
    dependency: Dependency,
    feedback: Feedback,
    checkpoint: Checkpoint,
    page: page_updates.PageUpdates | None,
    exc: Exception,
) -> tuple[bool, set[int]]:
    """Undo a failed step, put the page back to what the session keeps, and say so."""
    engine.tracker.rollback(session, checkpoint)
    if dependency.region is not None:
        engine.regions.forget(session, dependency.region.renderable.index)
    if page is not None and page.shown:
        await feedback.update(page_updates.kept_updates(engine.blocks, session, page.shown))
    await feedback.failed(dependency, exc, engine.blocks.name, isinstance(exc, DEVELOPER_ERRORS))
    return False, set()


async def render_step(
    engine: Engine, session: Session, dependency: Dependency, feedback: Feedback
) -> tuple[bool, set[int]]:
    """Rebuild a ``@gr.render`` region for the session and send the page its markup."""
    unsaved = session.unsaved()
    try:
        values = [input_value(session, c, {}) for c in dependency.inputs]
        update = await engine.regions.rebuild(session, dependency.renders, values)
    except Exception as exc:
        session.restore_unsaved(unsaved)
        engine.regions.forget(session, dependency.renders.index)
        await feedback.failed(
            dependency, exc, engine.blocks.name, isinstance(exc, DEVELOPER_ERRORS)
        )
        return False, set()
    await feedback.update(update)
    await feedback.flush()
    return True, set()


def request(session: Session) -> Request:
    return session.request or Request(session_hash=session.id, app=session.app)


def input_value(
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

"""The engine: runs one event of one session, its chained steps included.

For each step it resolves the inputs (page values the browser sent, State from
the session), calls the handler (sync ones in a thread, async ones awaited,
generators streamed), applies the outputs, detects which values changed, and
then runs the ``.change`` listeners and ``.then``/``.success``/``.failure``
steps on the server, in the same event, sending each step's updates as soon
as it finishes. It knows nothing of sockets: it is handed a ``send``.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import inspect
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from .components.base import Component
from .components.schema import InvalidValue
from .components.state import BrowserState, State, StateNotPicklable
from .conf import setting, show_errors
from .events import Dependency
from .feedback import Error, Feedback, Progress, current_feedback
from .request import Request
from .state.browser import TokenTooLarge
from .updates import BadResult, Update, split_result

if TYPE_CHECKING:
    from .blocks import Blocks
    from .state.session import Session

logger = logging.getLogger("blocksstate")

Send = Callable[[dict[str, Any]], Awaitable[None]]
_END = object()
# Values a handler cannot change in place, so reading them needs no re-check.
IMMUTABLE = (int, float, str, bytes, bool, type(None), complex, frozenset)


class InvalidInput(Exception):
    """A value sent by the browser does not fit its component; nothing was changed."""

    def __init__(self, component: Component | None, message: str) -> None:
        self.component = component
        self.message = f"{component!r}: {message}" if component is not None else message
        super().__init__(self.message)


class StateTooLarge(Exception):
    """A change would take a session's State past the configured size limit."""


class UnknownDependency(Exception):
    """The browser asked for an event that does not exist or that it may not trigger."""


@functools.cache
def handler_executor() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=setting("HANDLER_THREADS"), thread_name_prefix="blocksstate"
    )


class Engine:
    """Runs the events of one app (a registered ``Blocks``) against its sessions."""

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        self._listeners = self._index_listeners(blocks)
        self._browser_states = [
            c for c in blocks.components.values() if isinstance(c, BrowserState)
        ]
        self._ttl_states = [
            c for c in blocks.components.values() if isinstance(c, State) and c.time_to_live
        ]

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
        checked: dict[int, Any] = {}
        for key, payload in values.items():
            try:
                component_id = int(key)
            except (TypeError, ValueError):
                raise InvalidInput(None, f"{key!r} is not a component id") from None
            component = self.blocks.components.get(component_id)
            if component is None:
                raise InvalidInput(None, f"there is no component with id {component_id}")
            props = session.props.get(component_id)
            if not self.is_editable(component, props):
                raise InvalidInput(component, "its value cannot be set from the page")
            try:
                checked[component_id] = component.preprocess(payload, props)
            except InvalidValue as exc:
                raise InvalidInput(component, str(exc)) from None
        return checked

    def client_dependency(self, dependency_id: Any) -> Dependency:
        """Return the dependency a browser asked for, if a browser may trigger it."""
        if isinstance(dependency_id, bool) or not isinstance(dependency_id, int):
            raise UnknownDependency(f"dependency id must be an integer, got {dependency_id!r}")
        try:
            dependency = self.blocks.dependency(dependency_id)
        except KeyError:
            raise UnknownDependency(f"there is no event with id {dependency_id}") from None
        if not dependency.client_triggers:
            raise UnknownDependency(f"event {dependency_id} is run by the server, not the page")
        return dependency

    # -- running ----------------------------------------------------------------------------

    async def run_event(
        self,
        session: Session,
        dependency_id: Any,
        values: Mapping[str, Any],
        seq: int | None,
        send: Send,
    ) -> bool:
        """Validate, then run a browser's event and everything it triggers; return whether it succeeded."""
        dependency = self.client_dependency(dependency_id)
        checked = self.validate_values(session, values)
        self.apply_page_values(session, checked)
        await self.expire_values(session)
        return await self.run_chain(session, [dependency], seq, send)

    def restore_browser_state(self, session: Session, tokens: Mapping[str, Any]) -> None:
        """Give a new session the BrowserState values its page stored, where their tokens verify.

        A token that does not (tampered, another app's or key's, expired) is ignored:
        the default stays, a warning is logged and the rejection counted.
        """
        from .state.browser import TokenRejected, read_token

        for state in self._browser_states:
            key = state.key_for(session.app)
            if key not in tokens:
                continue
            try:
                value = read_token(
                    tokens[key],
                    app=session.app,
                    storage_key=key,
                    secret=state.secret,
                    encrypted=state.encrypt,
                )
                session.pickled[state.id] = state.dumps(value)
            except (TokenRejected, StateNotPicklable) as exc:
                session.rejected_tokens += 1
                logger.warning(
                    "Ignored the stored value of %r in app %r: %s", state, session.app, exc
                )
                continue
            session.values[state.id] = value
            session.dirty.add(state.id)

    async def expire_values(self, session: Session, now: float | None = None) -> None:
        """Reset each State whose ``time_to_live`` has passed since it was written (or created)."""
        from .lifecycle import call_delete_callback

        now = time.time() if now is None else now
        for state in self._ttl_states:
            written = session.written.get(state.id, session.created)
            # None: the value already expired and holds its default; it expires again once written.
            if written is None or now - written < state.time_to_live:  # type: ignore[operator]
                continue
            if state.delete_callback is not None:
                await call_delete_callback(state, session.values.get(state.id))
            session.values[state.id], session.pickled[state.id] = state.initial()
            session.written[state.id] = None
            session.dirty.add(state.id)
            session.meta_dirty = True

    def apply_page_values(self, session: Session, checked: Mapping[int, Any]) -> None:
        """Store validated page values in the session (the browser's edits)."""
        for component_id, value in checked.items():
            if session.values.get(component_id) != value:
                session.values[component_id] = value
                session.dirty.add(component_id)

    async def run_load(self, session: Session, send: Send) -> None:
        """Run the app's ``load`` listeners for a new session."""
        roots = self.listeners(self.blocks, "load")
        if roots:
            await self.run_chain(session, roots, None, send)

    async def run_unload(self, session: Session) -> None:
        """Run the app's ``unload`` listeners for an ended session; nothing is sent."""

        async def discard(frame: dict[str, Any]) -> None:
            return None

        roots = self.listeners(self.blocks, "unload")
        if roots:
            await self.run_chain(session, roots, None, discard)

    async def run_chain(
        self, session: Session, roots: Iterable[Dependency], seq: int | None, send: Send
    ) -> bool:
        """Run ``roots`` and what they trigger, breadth first; return whether the first root succeeded."""
        feedback = Feedback(send, seq, asyncio.get_running_loop())
        queue = deque(roots)
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
                await self._alert(
                    feedback,
                    "error",
                    f"This event triggered more than {limit} steps and was stopped.",
                )
                return False
            ok, changed = await self.run_step(session, dependency, feedback)
            if first_ok is None:
                first_ok = ok
            for component_id in changed:
                queue.extend(self.listeners(self.blocks.components[component_id], "change"))
            for kind, step in dependency.chain:
                if kind == "then" or (kind == "success") == ok:
                    queue.append(step)
        return bool(first_ok) if first_ok is not None else True

    async def run_step(
        self, session: Session, dependency: Dependency, feedback: Feedback
    ) -> tuple[bool, set[int]]:
        """Run one handler; return whether it succeeded and which values it changed."""
        feedback.dependency_id = dependency.id
        if dependency.fn is None:
            return True, set()
        watched = self._watched_states(session, dependency)
        changed: set[int] = set()
        token = current_feedback.set(feedback)
        try:
            call = self._call(session, dependency)
            # State outputs pickled while applying a single result are reused to detect changes.
            fresh: dict[int, bytes] = {}
            results = 0
            async for result in call:
                results += 1
                updates = split_result(dependency, result)
                frame = self._apply(session, updates, changed, fresh)
                await feedback.flush()
                if frame:
                    await feedback.send(
                        {
                            "type": "update",
                            "seq": feedback.seq,
                            "dep": dependency.id,
                            "updates": frame,
                        }
                    )
            if results > 1:
                fresh.clear()  # a generator may have mutated a State after yielding it
            changed |= self._detect_state_changes(session, watched, fresh)
            if session.browser_tokens:
                tokens, session.browser_tokens = session.browser_tokens, {}
                await feedback.send(
                    {
                        "type": "browser_state",
                        "seq": feedback.seq,
                        "dep": dependency.id,
                        "tokens": tokens,
                    }
                )
        except Exception as exc:
            self._rollback(session, watched)
            await self._report(feedback, dependency, exc)
            return False, set()
        finally:
            current_feedback.reset(token)
        await feedback.flush()
        return True, changed

    # -- calling the handler --------------------------------------------------------------------

    async def _call(self, session: Session, dependency: Dependency) -> Any:
        """Call the handler and yield each result (one, or one per generator yield)."""
        fn = dependency.fn
        assert fn is not None
        args, kwargs = self.handler_args(session, dependency)
        context = contextvars.copy_context()
        loop = asyncio.get_running_loop()
        if inspect.iscoroutinefunction(fn) or inspect.isasyncgenfunction(fn):
            result = fn(*args, **kwargs)
        else:
            call = functools.partial(fn, *args, **kwargs)
            result = await loop.run_in_executor(handler_executor(), context.run, call)
        if inspect.isawaitable(result):
            result = await result
        if inspect.isasyncgen(result):
            async for item in result:
                yield item
        elif inspect.isgenerator(result):
            while True:
                item = await loop.run_in_executor(
                    handler_executor(), context.run, next, result, _END
                )
                if item is _END:
                    break
                yield item
        else:
            yield result

    def handler_args(
        self, session: Session, dependency: Dependency
    ) -> tuple[list[Any], dict[str, Any]]:
        """Return a handler's arguments: its inputs in order, plus Request/Progress where declared.

        Inputs fill the parameters that are not special, in order; a special one
        (``request: gr.Request``, ``progress=gr.Progress()``) is passed by name.
        """
        values = [self.input_value(session, component) for component in dependency.inputs]
        if dependency.inputs_as_dict:
            values = [dict(zip(dependency.inputs, values, strict=True))]
        special = _special_parameters(dependency.fn)
        if not special:
            return values, {}
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        remaining = deque(values)
        by_name = False
        for name, kind in special:
            if kind == "request":
                kwargs[name] = session.request or Request(session_hash=session.id, app=session.app)
                by_name = True
            elif isinstance(kind, Progress):
                kwargs[name] = kind
                by_name = True
            elif remaining:
                if by_name:
                    kwargs[name] = remaining.popleft()
                else:
                    args.append(remaining.popleft())
        args.extend(remaining)
        return args, kwargs

    def input_value(self, session: Session, component: Component) -> Any:
        value = session.values.get(component.id)
        if isinstance(component, State):
            return value
        return component.to_handler(value)

    # -- applying results --------------------------------------------------------------------------

    def _apply(
        self, session: Session, updates: list[Update], changed: set[int], fresh: dict[int, bytes]
    ) -> dict[str, Any]:
        """Apply one result's updates to the session; return the page's part of it.

        Every output is post-processed before any is applied, so a bad one changes nothing.
        """
        staged: list[tuple[Component, Any, dict[str, Any]]] = []
        for update in updates:
            component = update.component
            props = {**session.props.get(component.id, {}), **update.props}
            if not update.has_value:
                value = _KEEP
            elif isinstance(component, State):
                value = component.initial()[0] if update.reset else update.value
                # Pickled now, so an unpicklable value fails before anything is applied.
                fresh[component.id] = component.dumps(value)
            else:
                value = (
                    component.initial_value()
                    if update.reset
                    else component.postprocess(update.value, props)
                )
            staged.append((component, value, update.props))
        # Refuse a State output over the size limit before anything is applied or shown.
        grown = {cid: data for cid, data in fresh.items() if session.pickled.get(cid) != data}
        if grown:
            self._check_size(session, grown)
        frame: dict[str, Any] = {}
        for component, value, props in staged:
            if props:
                session.props.setdefault(component.id, {}).update(props)
                session.meta_dirty = True
            if value is not _KEEP:
                if not isinstance(component, State) and session.values.get(component.id) != value:
                    changed.add(component.id)
                    session.dirty.add(component.id)
                session.values[component.id] = value
            if component.server_only:
                continue
            entry = page_props(component, props)
            if value is not _KEEP:
                entry["value"] = value
            if entry:
                frame[str(component.id)] = entry
        return frame

    def _watched_states(self, session: Session, dependency: Dependency) -> list[State]:
        """States whose value this step may change: its State outputs, and mutable State inputs."""
        watched = [c for c in dependency.outputs if isinstance(c, State)]
        for component in dependency.inputs:
            if (
                isinstance(component, State)
                and component not in watched
                and not isinstance(session.values.get(component.id), IMMUTABLE)
            ):
                watched.append(component)
        return watched

    def _detect_state_changes(
        self, session: Session, watched: list[State], fresh: dict[int, bytes]
    ) -> set[int]:
        """Compare each watched State by content with its last saved form; keep the new form."""
        pickled = {
            state.id: fresh.get(state.id) or state.dumps(session.values[state.id])
            for state in watched
        }
        changed = {cid for cid, data in pickled.items() if session.pickled.get(cid) != data}
        if changed:
            self._check_size(session, {cid: pickled[cid] for cid in changed})
            self._store_in_browser(session, changed)
        now = time.time()
        for component_id in changed:
            session.pickled[component_id] = pickled[component_id]
            session.dirty.add(component_id)
            if (
                component_id in session.written
                or self.blocks.components[component_id] in self._ttl_states
            ):
                session.written[component_id] = now
                session.meta_dirty = True
        return changed

    def _store_in_browser(self, session: Session, changed: set[int]) -> None:
        """Make the tokens of changed BrowserStates (raising, before any commit, if one cannot be)."""
        from .state.browser import make_token

        for component_id in changed:
            state = self.blocks.components[component_id]
            if isinstance(state, BrowserState):
                key = state.key_for(session.app)
                value = session.values[component_id]
                session.browser_tokens[key] = make_token(
                    value,
                    app=session.app,
                    storage_key=key,
                    secret=state.secret,
                    encrypt=state.encrypt,
                )

    def _check_size(self, session: Session, new: dict[int, bytes]) -> None:
        """Refuse a change that would take the session's State past ``MAX_STATE_BYTES``."""
        limit = setting("MAX_STATE_BYTES")
        total = session.size() + sum(
            len(data) - len(session.pickled.get(cid, b"")) for cid, data in new.items()
        )
        if total > limit:
            largest = max(new, key=lambda cid: len(new[cid]))
            raise StateTooLarge(
                f"Session state would take {total:,} bytes, over BLOCKSSTATE['MAX_STATE_BYTES'] "
                f"({limit:,}); {self.blocks.components[largest]!r} holds {len(new[largest]):,}. "
                "Keep large data in a database or files and store a reference in State."
            )

    def _rollback(self, session: Session, watched: list[State]) -> None:
        """Put watched States back as last saved: a failed step leaves no half-done change."""
        session.browser_tokens.clear()
        import pickle

        for state in watched:
            if state.id in session.pickled:
                session.values[state.id] = pickle.loads(session.pickled[state.id])

    # -- reporting -----------------------------------------------------------------------------------

    async def _report(self, feedback: Feedback, dependency: Dependency, exc: Exception) -> None:
        if isinstance(exc, Error):
            if exc.print_exception:
                logger.info("gr.Error in %r: %s", dependency, exc.message)
            if exc.visible:
                await self._alert(
                    feedback, "error", exc.message, title=exc.title, duration=exc.duration
                )
            return
        logger.error("Error in %r of app %r", dependency, self.blocks.name, exc_info=exc)
        developer_error = isinstance(
            exc, (BadResult, InvalidValue, StateNotPicklable, StateTooLarge, TokenTooLarge)
        )
        if show_errors():
            message = str(exc) if developer_error else f"{type(exc).__name__}: {exc}"
        else:
            message = "Something went wrong while handling this event."
        await self._alert(feedback, "error", message)

    async def _alert(
        self,
        feedback: Feedback,
        level: str,
        message: str,
        title: str = "Error",
        duration: float | None = 10,
    ) -> None:
        await feedback.flush()
        await feedback.send(
            {
                "type": "alert",
                "seq": feedback.seq,
                "dep": feedback.dependency_id,
                "level": level,
                "title": title,
                "message": message,
                "duration": duration,
            }
        )


_KEEP = object()


def page_props(component: Component, props: Mapping[str, Any]) -> dict[str, Any]:
    """Return updated properties in the form the page reads (choices as label/value pairs)."""
    from .components.base import normalize_choices

    entry = dict(props)
    if "choices" in entry:
        entry["choices"] = [list(pair) for pair in normalize_choices(entry["choices"])]
    return entry


@functools.cache
def _special_parameters(fn: Callable[..., Any] | None) -> tuple[tuple[str, Any], ...]:
    """Name each parameter's role: "request", a Progress instance, or "input"; () when none is special."""
    try:
        parameters = inspect.signature(fn).parameters.values()  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ()
    kinds: list[tuple[str, Any]] = []
    for parameter in parameters:
        if parameter.kind in (
            parameter.VAR_POSITIONAL,
            parameter.VAR_KEYWORD,
            parameter.KEYWORD_ONLY,
        ):
            continue
        annotation = parameter.annotation
        name = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if annotation is Request or name.rsplit(".", 1)[-1] == "Request":
            kinds.append((parameter.name, "request"))
        elif isinstance(parameter.default, Progress):
            kinds.append((parameter.name, parameter.default))
        else:
            kinds.append((parameter.name, "input"))
    return tuple(kinds) if any(kind != "input" for _, kind in kinds) else ()

"""What a step does to state: which values it may change, whether they changed, and undoing it.

Per-session State (and BrowserState) is compared by serialized content with what
was last saved; the same bytes are what the store writes. GlobalState is read
from the shared cache before the step and written after it; a step that has one
as both input and output holds its lock, so the read-modify-write is atomic
across workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from ..components.global_state import GlobalState
from ..components.state import BrowserState, State, StateNotPicklable
from ..conf import setting
from ..files.store import give_to_app, holds_session_files
from . import serializers
from .browser import TokenRejected, make_token, read_token

if TYPE_CHECKING:
    from ..app.blocks import Blocks
    from ..app.events import Dependency
    from ..sessions.session import Session, Unsaved

logger = logging.getLogger("blocksstate")

# Values a handler cannot change in place, so reading them needs no re-check.
IMMUTABLE = (int, float, str, bytes, bool, type(None), complex, frozenset)


class StateTooLarge(Exception):
    """A change would take a session's State past the configured size limit."""


class Checkpoint(NamedTuple):
    """What a step may change in a session, as it was before the step ran (one per step)."""

    values: dict[int, Any]
    props: dict[int, dict[str, Any] | None]
    pickled: dict[int, bytes]
    unsaved: Unsaved


# One per step: ``tuple.__new__`` skips the named tuple's Python-level ``__new__``.
_new_checkpoint = tuple.__new__


@functools.lru_cache(maxsize=4096)
def _step_states(
    dependency: Dependency,
) -> tuple[tuple[State, ...], tuple[State, ...], tuple[int, ...]]:
    """Of ``dependency``, fixed once it is built: its per-session State outputs, its other
    per-session State inputs (each once), and the ids of its per-session outputs."""
    outputs = tuple(c for c in dependency.outputs if isinstance(c, State) and not c.shared)
    inputs: list[State] = []
    for component in dependency.inputs:
        shared = not isinstance(component, State) or component.shared
        if not shared and component not in outputs and component not in inputs:
            inputs.append(component)
    return outputs, tuple(inputs), tuple(c.id for c in dependency.outputs if not c.shared)


@functools.lru_cache(maxsize=4096)
def step_globals(dependency: Dependency) -> tuple[tuple[GlobalState, ...], bool]:
    """Of ``dependency``, fixed once it is built: its GlobalState inputs, and whether it
    has GlobalState outputs."""
    inputs = tuple(c for c in dependency.inputs if isinstance(c, GlobalState))
    return inputs, any(isinstance(c, GlobalState) for c in dependency.outputs)


class _NoGlobals:
    """``globals_for`` of a step that reads and writes no GlobalState: nothing to read or lock."""

    __slots__ = ()

    async def __aenter__(self) -> dict[int, Any]:
        return {}

    async def __aexit__(self, *exc: object) -> None:
        return None


_NO_GLOBALS = _NoGlobals()


class StateTracker:
    """Tracks the State, BrowserState and GlobalState of one app's steps."""

    def __init__(self, blocks: Blocks) -> None:
        self.blocks = blocks
        states = [c for c in blocks.components.values() if isinstance(c, State)]
        self.ttl_states = [s for s in states if s.time_to_live and not s.shared]
        self.browser_states = [s for s in states if isinstance(s, BrowserState)]
        self.global_states = [s for s in states if isinstance(s, GlobalState)]

    # -- per-session State ---------------------------------------------------------

    def watched(self, session: Session, dependency: Dependency) -> list[State]:
        """States this step may change: its State outputs, and its mutable State inputs."""
        outputs, inputs, _ = _step_states(dependency)
        watched = list(outputs)
        if inputs:
            values = session.values
            for component in inputs:
                if not isinstance(values.get(component.id), IMMUTABLE):
                    watched.append(component)
        return watched

    def detect_changes(
        self, session: Session, watched: list[State], fresh: dict[int, bytes]
    ) -> set[int]:
        """Compare each watched State with its last saved form; keep the new form of changed ones.

        ``fresh`` holds State outputs already pickled by this step. Raises, committing
        nothing, if the change is too large.
        """
        pickled = {
            state.id: fresh.get(state.id) or state.dumps(session.values[state.id])
            for state in watched
        }
        changed = {
            cid
            for cid, data in pickled.items()
            if serializers.changed(session.pickled.get(cid), data, session.values[cid])
        }
        # Outputs pickled by this step were checked as they were staged (``apply_result``);
        # the size is checked again only when a mutated input changed too.
        if changed and any(pickled[cid] is not fresh.get(cid) for cid in changed):
            self.check_size(session, {cid: pickled[cid] for cid in changed})
        now = time.time()
        for component_id in changed:
            timed = self.blocks.components[component_id] in self.ttl_states
            session.state_changed(component_id, pickled[component_id], now if timed else None)
        return changed

    def check_size(self, session: Session, new: dict[int, bytes]) -> None:
        """Refuse a change that would take the session's State past ``MAX_STATE_BYTES``."""
        limit = setting("MAX_STATE_BYTES")
        total = session.state_size() + sum(
            len(data) - len(session.pickled.get(cid, b"")) for cid, data in new.items()
        )
        if total > limit:
            largest = max(new, key=lambda cid: len(new[cid]))
            raise StateTooLarge(
                f"Session state would take {total:,} bytes, over BLOCKSSTATE['MAX_STATE_BYTES'] "
                f"({limit:,}); {self.blocks.components[largest]!r} holds {len(new[largest]):,}. "
                "Keep large data in a database or files and store a reference in State."
            )

    def checkpoint(
        self, session: Session, dependency: Dependency, watched: list[State]
    ) -> Checkpoint:
        """Note the step's outputs and watched States as they are, for ``rollback``."""
        outputs = _step_states(dependency)[2]
        components, values, props, pickled = (
            self.blocks.components,
            session.values,
            session.props,
            session.pickled,
        )
        return _new_checkpoint(
            Checkpoint,
            (
                # Layouts have properties only.
                {cid: values.get(cid) for cid in outputs if cid in components},
                {cid: dict(props[cid]) if cid in props else None for cid in outputs}
                if props
                else dict.fromkeys(outputs),
                {s.id: pickled[s.id] for s in watched if s.id in pickled},
                session.unsaved(),
            ),
        )

    def rollback(self, session: Session, checkpoint: Checkpoint) -> None:
        """Put the session back as it was at ``checkpoint``: a failed step leaves no half-done change.

        States are read back from their saved form, which undoes changes made in place.
        """
        session.values.update(checkpoint.values)
        for component_id, props in checkpoint.props.items():
            session.replace_props(component_id, props)
        for component_id, data in checkpoint.pickled.items():
            session.restore_state(component_id, data)
        session.restore_unsaved(checkpoint.unsaved)

    async def expire_values(self, session: Session, now: float | None = None) -> None:
        """Reset each State whose ``time_to_live`` has passed since it was written (or created)."""
        now = time.time() if now is None else now
        for state in self.ttl_states:
            written = session.written.get(state.id, session.created)
            # None: the value already expired and holds its default; it expires again once written.
            if written is None or now - written < state.time_to_live:  # type: ignore[operator]
                continue
            if state.delete_callback is not None:
                await call_delete_callback(state, session.values.get(state.id))
            session.reset_state(state)

    # -- BrowserState ------------------------------------------------------------------

    def browser_tokens(self, session: Session, changed: set[int]) -> dict[str, str]:
        """The tokens of the changed BrowserStates, by storage key (raising if one cannot be made)."""
        tokens: dict[str, str] = {}
        for component_id in changed:
            state = self.blocks.components[component_id]
            if isinstance(state, BrowserState):
                tokens[state.key_for(session.app)] = self._issue_token(session, state)
        return tokens

    def _issue_token(self, session: Session, state: BrowserState) -> str:
        key = state.key_for(session.app)
        try:
            return make_token(
                session.values[state.id],
                app=session.app,
                storage_key=key,
                secret=state.secret,
                encrypt=state.encrypt,
            )
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{state!r}: {exc}") from None

    def restore_browser_state(self, session: Session, tokens: Mapping[str, Any]) -> dict[str, str]:
        """Give a new session the BrowserState values its page stored, where their tokens verify.

        A token that does not (tampered, another app's or key's, expired) is ignored:
        the default stays, a warning is logged and the rejection counted. Returns the
        tokens of the values taken, re-issued, for the page to store in their place.
        """
        reissued: dict[str, str] = {}
        for state in self.browser_states:
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
                pickled = state.dumps(value)
            except (TokenRejected, StateNotPicklable) as exc:
                session.reject_token()
                logger.warning(
                    "Ignored the stored value of %r in app %r: %s", state, session.app, exc
                )
                continue
            session.set_state(state.id, value, pickled)
            # Re-issued with the current key and time: a value signed with a rotated-out
            # key, or about to expire, stays readable as long as the visitor comes back.
            reissued[key] = self._issue_token(session, state)
        return reissued

    # -- GlobalState -----------------------------------------------------------------------

    def globals_for(
        self, dependency: Dependency
    ) -> contextlib.AbstractAsyncContextManager[dict[int, Any]]:
        """Read the step's GlobalState inputs; hold the lock of those it also writes.

        A step with no GlobalState (most) gets a plain object, not a generator: this is
        entered on every step.
        """
        inputs, outputs = step_globals(dependency)
        if not inputs and not outputs:
            return _NO_GLOBALS
        return self._globals_held(dependency, list(inputs))

    @contextlib.asynccontextmanager
    async def _globals_held(
        self, dependency: Dependency, inputs: list[GlobalState]
    ) -> AsyncIterator[dict[int, Any]]:
        written = {c.id for c in dependency.outputs if isinstance(c, GlobalState)}
        to_lock = sorted(
            {c.key: c for c in inputs if c.id in written}.values(), key=lambda c: c.key
        )
        # The locks this step holds: key -> its owner and the value as stored when read.
        held: dict[str, tuple[GlobalState, str, Any]] = {}
        token = _globals_held.set(held)
        try:
            values: dict[int, Any] = {}
            for state in to_lock:  # take and read: one round trip each on django-redis
                owner, value, version, stored = await state.atake_read()
                held[state.key] = (state, owner, stored)
                values[state.id] = value
                _note_version_read(state.key, version)
            for state in inputs:
                if state.key in held:
                    values[state.id] = values[held[state.key][0].id]
                    continue
                values[state.id], version = await state.aread()
                _note_version_read(state.key, version)
            yield values
        finally:
            _globals_held.reset(token)
            for state, owner, _ in reversed(list(held.values())):
                await state.arelease(owner)

    async def write_globals(self, values: dict[int, Any], dependency: Dependency) -> dict[int, int]:
        """Store GlobalState outputs; return the new version of each whose value changed."""
        if not values:
            return {}
        locked = {c.key for c in dependency.inputs if isinstance(c, GlobalState)}
        held = _globals_held.get() or {}
        changed: dict[int, int] = {}
        for component_id, value in values.items():
            state: GlobalState = self.blocks.components[component_id]  # type: ignore[assignment]
            if holds_session_files(value):
                # A session's files would go with it: the GlobalState keeps the app's copies.
                value = await asyncio.to_thread(give_to_app, value, self.blocks.name or "")
            if state.key in held:  # write and let go at once, unless unchanged
                _, owner, stored = held[state.key]
                version = await state.awrite_changed(value, owner, stored)
                if version is not None:
                    del held[state.key]
                    changed[component_id] = version
                continue
            before, _ = await state.aread()
            if state.dumps(before) == state.dumps(value):
                continue
            changed[component_id] = await state.awrite(value, state.key in locked)
        return changed

    async def global_versions(self) -> dict[str, int]:
        """The current version of each GlobalState key of the app (one cache call)."""
        if not self.global_states:
            return {}
        state = self.global_states[0]
        by_name = {s.cache_key: s.key for s in self.global_states}
        found = await state.store.aversions(list(by_name))
        return {by_name[name]: version for name, version in found.items()}


async def call_delete_callback(state: State, value: Any) -> None:
    """Run a State's ``delete_callback`` in a thread; its errors are logged, never raised."""
    try:
        await asyncio.to_thread(state.delete_callback, value)  # type: ignore[arg-type]
    except Exception:
        logger.exception("delete_callback of %r failed", state)


# The GlobalState locks the running step holds (``globals_for``), for ``write_globals``.
_globals_held: contextvars.ContextVar[dict[str, tuple[GlobalState, str, Any]] | None] = (
    contextvars.ContextVar("blocksstate_globals_held", default=None)
)

# The versions of each GlobalState key that a chain's steps read, while a caller notes them.
_versions_read: contextvars.ContextVar[dict[str, int] | None] = contextvars.ContextVar(
    "blocksstate_global_versions_read", default=None
)


@contextlib.contextmanager
def noting_versions_read() -> Iterator[dict[str, int]]:
    """Collect, per key, the newest GlobalState version read by the steps run inside."""
    read: dict[str, int] = {}
    token = _versions_read.set(read)
    try:
        yield read
    finally:
        _versions_read.reset(token)


def _note_version_read(key: str, version: int) -> None:
    read = _versions_read.get()
    if read is not None and version > read.get(key, 0):
        read[key] = version

"""Files in an event: the page they are read and signed for, and their blocking work.

A file component (``Component.blocking_io``, ``blocks_for``) reads and writes the storage, which may
block, so its ``to_handler`` (and a deleted file's ``FileData``) and its
``store_output`` run in a handler thread: one hop per step for all of them together,
and none for a step without them (the event path of other apps is unchanged).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..app.event_data import (
    FILE_EVENTS,
    BadEventData,
    EventData,
    FileData,
    check_event_data,
)
from ..app.events import Dependency
from ..components.base import Component
from ..files import access, store
from . import handlers

if TYPE_CHECKING:
    from ..sessions.session import Session
    from .updates import Update


class EventInfo:
    """The component that triggered a page's event, and the event data the page sent (checked)."""

    def __init__(self, target: Any, data: dict[str, Any] | None) -> None:
        self.target = target
        self.data = data


class EventRefused(Exception):
    """The page's event data does not fit its event; nothing was run."""

    def __init__(self, target: Any, message: str) -> None:
        self.target = target
        self.message = message
        super().__init__(message)


def viewer(session: Session) -> access.Viewer:
    """The page of ``session``, whose files it may send and whose URLs are signed for it."""
    cookies = session.request.cookies if session.request is not None else {}
    return access.Viewer(session.app, session.id, access.pass_digest(cookies))


def viewing(session: Session) -> contextlib.AbstractContextManager[None]:
    """Read and sign files for ``session``'s page meanwhile (unless that is already so).

    Entered a few times on every event, most of which show no file: when the transport
    has set it already, as it mostly has, it costs a context variable look-up.
    """
    current = access.current_viewer.get()
    if current is not None and current.session_id == session.id and current.app == session.app:
        return _ALREADY
    return _Viewing(session)


_ALREADY = contextlib.nullcontext()


class _Viewing:
    """``viewing`` where it is not so yet: sets the viewer, and puts the last one back."""

    __slots__ = ("session", "token")

    def __init__(self, session: Session) -> None:
        self.session = session
        self.token: contextvars.Token[access.Viewer | None] | None = None

    def __enter__(self) -> None:
        self.token = access.current_viewer.set(viewer(self.session))

    def __exit__(self, *exc: object) -> None:
        if self.token is not None:
            access.current_viewer.reset(self.token)
            self.token = None


def check_event(
    session: Session,
    dependency: Dependency,
    data: Any,
    trigger: tuple[int, str] | None = None,
    values: Mapping[int, Any] | None = None,
) -> EventInfo:
    """Check what the page said of its event (``data``); a delete's or download's file by its ref.

    ``trigger`` is the ``[component id, event]`` that fired (one of the dependency's page
    triggers; its first when the page does not say), ``values`` the page's new values.
    """
    target, event = fired_trigger(dependency, trigger)
    if data is None:
        return EventInfo(target, None)
    try:
        target_id = getattr(target, "id", None)
        value = (values or {}).get(target_id, session.values.get(target_id))
        checked = check_event_data(target, event, data, session.props.get(target_id), value)
    except BadEventData as exc:
        raise EventRefused(target, str(exc)) from None
    if checked is not None and event in FILE_EVENTS:
        try:
            record = access.read_ref(checked["file"].get("ref"), viewer(session).owners)
        except access.RefRefused as exc:
            what = "deleted" if event == "delete" else "downloaded"
            raise EventRefused(target, f"the {what} file: {exc}") from None
        checked = {**checked, "file": record}
    return EventInfo(target, checked)


def fired_trigger(dependency: Dependency, trigger: tuple[int, str] | None) -> tuple[Any, str]:
    """The ``(block, event)`` of ``dependency`` that the page says fired."""
    triggers = dependency.client_triggers
    if trigger is None:
        return triggers[0] if triggers else (None, "")
    for block, event in triggers:
        if (block.id, event) == tuple(trigger):
            return block, event
    raise EventRefused(None, f"event {dependency.id} is not run by {trigger[1]} of {trigger[0]}")


async def handler_values(
    session: Session,
    dependency: Dependency,
    values: list[Any],
    event: EventInfo | None,
) -> Callable[[type[EventData]], EventData]:
    """Turn file inputs (in ``values``) and a deleted file into what handlers take.

    Returns what makes a handler's EventData parameter (``handlers.arguments``).
    """
    inputs = dependency.inputs
    blocking = [i for i in _maybe_blocking(dependency) if inputs[i].blocks_for(values[i])]
    data = event.data if event is not None else None
    deleted = data.get("file") if data else None
    deleted = deleted if isinstance(deleted, dict) and "path" in deleted else None
    if blocking or deleted is not None:
        page = viewer(session)

        def convert() -> FileData | None:
            for i in blocking:
                values[i] = dependency.inputs[i].to_handler(values[i])
            return None if deleted is None else file_data(deleted, page)

        file = await handlers.off_loop(convert)
        if file is not None:
            data = {**(data or {}), "file": file}
    target = event.target if event is not None else None
    return lambda kind: kind(target, data)


def may_block(dependency: Dependency) -> bool:
    """Whether an input of ``dependency`` may need converting in a thread (``handler_values``)."""
    return bool(_maybe_blocking(dependency))


@functools.lru_cache(maxsize=4096)
def _maybe_blocking(dependency: Dependency) -> tuple[int, ...]:
    """The inputs of ``dependency`` whose conversion may block (most listeners have none)."""
    return tuple(i for i, c in enumerate(dependency.inputs) if not c.shared and may_hold_file(c))


def may_hold_file(component: Any) -> bool:
    """Whether a value of ``component`` may be a file, converted or stored in a thread
    (``Component.blocks_for``); a layout has no value."""
    if not isinstance(component, Component):
        return False
    return component.blocking_io or type(component).blocks_for is not Component.blocks_for


def store_outputs(session: Session, updates: list[Update]) -> Awaitable[None] | None:
    """Store the files handlers returned to file outputs (records, owned by the session):
    what to await, or None when no output holds a file (most results: no coroutine)."""
    pending = [
        u
        for u in updates
        if u.has_value and not u.reset and u.value is not None and u.component.blocks_for(u.value)
    ]
    if not pending:
        return None

    def store_all() -> None:
        for update in pending:
            shared = update.component.shared or not session.id
            owner = store.Owner(session.app, None if shared else session.id)
            update.value = update.component.store_output(update.value, owner)

    return handlers.off_loop(store_all)


def file_data(rec: store.Record, page: access.Viewer) -> FileData:
    """A stored file as Gradio's ``FileData`` (a path of this machine; may block)."""
    return FileData(
        path=store.local_path(rec),
        url=access.file_url(rec["path"], page),
        size=rec["size"],
        orig_name=rec["orig_name"],
        mime_type=rec["mime_type"],
    )

"""A page, without a browser: drives the real consumer over Channels' WebsocketCommunicator.

``PageClient`` speaks the wire protocol (docs/protocol.md) the way the page's
JavaScript does: it sends ``hello``, then one ``event`` per click or submit
with the values the visitor changed, and keeps what the page would show (the
value and properties of each component, from the initial render and every
``update`` frame). Components are found as a visitor finds them: by label, by
button text, or by type when there is only one; dependencies by their trigger.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

import blocksstate.routing
from blocksstate.blocks import Blocks
from blocksstate.components.base import Component
from blocksstate.events import Dependency
from blocksstate.registry import get_app, register, unregister

# Generous: a frame that does not come is a failure, not a race; slow CI must not flake.
TIMEOUT = 15
_app_names = itertools.count(1)
# Seq numbers the helper uses for its own barrier frames (never a page's real events).
_barrier_seqs = itertools.count(1_000_000)
# Event seqs, shared by every client: a page resumed by a new client goes on numbering its
# events as the real page does (the server runs each seq of a session once).
_event_seqs = itertools.count(1)


# -- finding things in a Blocks ------------------------------------------------------------


def component(
    blocks: Blocks, label: str | None = None, *, value: Any = None, kind: type | None = None
) -> Component:
    """Return the one component with this label (or button text ``value``, or of type ``kind``)."""
    found = []
    for candidate in blocks.components.values():
        if kind is not None and not isinstance(candidate, kind):
            continue
        if label is not None and candidate.label != label:
            continue
        if value is not None and candidate.value != value:
            continue
        found.append(candidate)
    if len(found) != 1:
        raise LookupError(
            f"expected one component (label={label!r}, value={value!r}, kind={kind}), found {found}"
        )
    return found[0]


def button(blocks: Blocks, text: str) -> Component:
    """Return the button showing ``text``."""
    from blocksstate.components.buttons import Button

    return component(blocks, value=text, kind=Button)


def dependency(blocks: Blocks, trigger: Any, event: str | None = None) -> Dependency:
    """Return the one dependency fired by ``event`` of ``trigger`` (a component, or the Blocks)."""
    found = [
        dep
        for dep in blocks.dependencies
        if any(
            block is trigger and (event is None or name == event) for block, name in dep.triggers
        )
    ]
    if len(found) != 1:
        raise LookupError(f"expected one dependency on {trigger!r}.{event}, found {found}")
    return found[0]


def resolve(blocks: Blocks, key: Any) -> Component:
    """Accept a component, its id, or its label."""
    if isinstance(key, Component):
        return key
    if isinstance(key, int):
        return blocks.components[key]
    return component(blocks, key)


# -- what one event produced ------------------------------------------------------------------


@dataclass
class Outcome:
    """The frames answering one page frame, up to its done/failed/error."""

    frames: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last(self) -> dict[str, Any]:
        return self.frames[-1]

    @property
    def status(self) -> str:
        """``done``, ``failed`` or ``error``."""
        return self.last["type"]

    @property
    def error(self) -> dict[str, Any] | None:
        return self.last if self.status == "error" else None

    @property
    def update_frames(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "update"]

    @property
    def alerts(self) -> list[dict[str, Any]]:
        return [f for f in self.frames if f["type"] == "alert"]

    @property
    def updates(self) -> dict[int, dict[str, Any]]:
        """Every update of this event merged, by component id: what changed on the page."""
        merged: dict[int, dict[str, Any]] = {}
        for frame in self.update_frames:
            for key, props in frame["updates"].items():
                merged.setdefault(int(key), {}).update(props)
        return merged

    def types(self) -> list[str]:
        return [f["type"] for f in self.frames]


# -- the page ------------------------------------------------------------------------------------


class PageClient:
    """One browser tab showing one app, connected through the real consumer."""

    def __init__(self, app: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        self.app = app
        self.blocks = get_app(app)
        self.communicator = WebsocketCommunicator(
            URLRouter(blocksstate.routing.websocket_urlpatterns),
            f"/ws/blocks/{app}/",
            headers=headers or [],
        )
        self.seqs = _event_seqs
        self.session: dict[str, Any] | None = None
        self.connected = False
        self.received: list[dict[str, Any]] = []
        self.sent: list[Any] = []
        self.page: dict[int, dict[str, Any]] = {}
        for component_id, comp in self.blocks.components.items():
            if not comp.server_only:
                value = None if callable(comp.value) else comp.initial_value()
                self.page[component_id] = {"value": value}

    # connection

    async def connect(self) -> None:
        connected, code = await self.communicator.connect(timeout=TIMEOUT)
        assert connected, f"the consumer refused the connection (close code {code})"
        self.connected = True

    async def hello(
        self, resume: str | None = None, values: Mapping[Any, Any] | None = None, protocol: int = 1
    ) -> list[dict[str, Any]]:
        """Start (or resume) the session; return the frames up to the end of ``load``."""
        await self.send(
            {
                "type": "hello",
                "protocol": protocol,
                "resume": resume,
                "values": self.wire_values(values),
            }
        )
        frames = await self.sync()
        sessions = [f for f in frames if f["type"] == "session"]
        assert len(sessions) == 1, f"expected one session frame, got {frames}"
        self.session = sessions[0]
        return frames

    async def open(
        self, resume: str | None = None, values: Mapping[Any, Any] | None = None
    ) -> PageClient:
        await self.connect()
        await self.hello(resume=resume, values=values)
        return self

    async def close(self) -> None:
        """Leave the page: send ``close`` (unload runs), wait until it ran, then disconnect."""
        await self.send({"type": "close"})
        frames = await self.sync()
        assert frames[-1]["code"] == "no_session", frames
        await self.drop()

    async def drop(self) -> None:
        """Lose the connection without saying goodbye (the session may be resumed)."""
        self.connected = False
        await self.communicator.disconnect(timeout=TIMEOUT)

    @property
    def session_id(self) -> str:
        assert self.session is not None
        return self.session["session"]

    @property
    def resume_token(self) -> str:
        assert self.session is not None
        return self.session["resume"]

    # frames

    async def send(self, frame: Any) -> None:
        self.sent.append(frame)
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_text(self, text: str) -> None:
        self.sent.append(text)
        await self.communicator.send_to(text_data=text)

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)
        await self.communicator.send_to(bytes_data=data)

    async def receive(self) -> dict[str, Any]:
        frame = await self.communicator.receive_json_from(timeout=TIMEOUT)
        self.received.append(frame)
        if frame["type"] == "update":
            for key, props in frame["updates"].items():
                self.page.setdefault(int(key), {}).update(props)
        return frame

    async def receive_until(self, done: Any) -> list[dict[str, Any]]:
        """Receive frames until ``done(frame)`` is true; return them all."""
        frames = []
        while True:
            frame = await self.receive()
            frames.append(frame)
            if done(frame):
                return frames

    async def sync(self) -> list[dict[str, Any]]:
        """Wait until the server handled every frame sent so far; return what it sent meanwhile.

        Frames are handled in order, one at a time, so an event for a dependency
        that cannot exist is answered (``unknown_event``, or ``no_session``)
        exactly after everything sent before it. That is a barrier that needs
        no sleeping.
        """
        seq = next(_barrier_seqs)
        await self.communicator.send_to(
            text_data=json.dumps({"type": "event", "seq": seq, "dep": -1, "values": {}})
        )
        frames = await self.receive_until(lambda f: f["type"] == "error" and f.get("seq") == seq)
        assert frames[-1]["code"] in ("unknown_event", "no_session"), frames[-1]
        return frames

    async def ping(self, proof: bool = True) -> list[dict[str, Any]]:
        """Ping as the page does (with this connection's session id: ``proof``); wait for the pong."""
        session = self.session_id if proof and self.session is not None else None
        await self.send({"type": "ping", "session": session})
        return await self.receive_until(lambda f: f["type"] == "pong")

    async def until_closed(self) -> tuple[list[dict[str, Any]], int]:
        """Receive frames until the server closes the socket; return them and the close code."""
        frames = []
        while True:
            output = await self.communicator.receive_output(timeout=TIMEOUT)
            if output["type"] == "websocket.close":
                self.connected = False
                return frames, output.get("code", 1000)
            frames.append(json.loads(output["text"]))

    async def expect_error(self) -> dict[str, Any]:
        """Receive the next frame, which must be an ``error``."""
        frame = await self.receive()
        assert frame["type"] == "error", frame
        return frame

    # events

    def wire_values(self, values: Mapping[Any, Any] | None) -> dict[str, Any]:
        return {str(resolve(self.blocks, key).id): value for key, value in (values or {}).items()}

    async def event(
        self,
        dep: Any,
        values: Mapping[Any, Any] | None = None,
        raw_values: Mapping[str, Any] | None = None,
    ) -> Outcome:
        """Send one event frame; return every frame up to its done/failed/error."""
        dep_id = dep.id if isinstance(dep, Dependency) else dep
        seq = next(self.seqs)
        wire = raw_values if raw_values is not None else self.wire_values(values)
        await self.send({"type": "event", "seq": seq, "dep": dep_id, "values": wire})
        frames = await self.receive_until(
            lambda f: f["type"] in ("done", "failed", "error") and f.get("seq") == seq
        )
        return Outcome(frames)

    async def trigger(
        self, target: Any, event: str, values: Mapping[Any, Any] | None = None
    ) -> Outcome:
        """Fire ``event`` of ``target`` (a component, a label, or a button's text)."""
        if isinstance(target, str):
            try:
                target = button(self.blocks, target)
            except LookupError:
                target = component(self.blocks, target)
        return await self.event(dependency(self.blocks, target, event), values)

    async def click(self, target: Any, values: Mapping[Any, Any] | None = None) -> Outcome:
        outcome = await self.trigger(target, "click", values)
        assert outcome.status == "done", outcome.frames
        return outcome

    # what the page shows

    def value(self, key: Any) -> Any:
        """The value the page shows for a component (by label, id or object)."""
        return self.page[resolve(self.blocks, key).id].get("value")

    def props(self, key: Any) -> dict[str, Any]:
        return self.page[resolve(self.blocks, key).id]


@contextlib.asynccontextmanager
async def page(app: str, **hello: Any) -> Any:
    """Open a page of ``app`` for the duration of the block, then leave it."""
    client = PageClient(app)
    await client.open(**hello)
    try:
        yield client
    finally:
        if client.connected:
            await client.close()


@contextlib.contextmanager
def registered(blocks: Blocks, name: str | None = None) -> Iterator[str]:
    """Register ``blocks`` under a fresh name for the duration of the block; yield the name."""
    name = name or f"test-app-{next(_app_names)}"
    register(name, blocks)
    try:
        yield name
    finally:
        unregister(name)

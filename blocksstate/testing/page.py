"""A page without a browser: ``PageClient`` drives the real consumer over Channels' communicator.

It speaks the wire protocol (docs/protocol.md) the way the page's JavaScript
does: ``hello``, then one ``event`` per click or submit with the values the
visitor changed; and it keeps what the page would show (each component's value
and properties, from the first render and every ``update`` frame).
"""

from __future__ import annotations

import collections
import itertools
import json
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from .. import routing
from ..app.events import Dependency
from ..app.registry import get_app
from ..components.base import Block, Component
from ..protocol import frames_of
from .finders import dependency, resolve, target
from .reply import Frame, Reply
from .waiting import TIMEOUT

# Seqs of the client's own barrier frames, far from any real event's.
_barrier_seqs = itertools.count(1_000_000)
# Event seqs, shared by every client: a page resumed by a new client goes on numbering its
# events as the real page does (the server runs each seq of a session once).
_event_seqs = itertools.count(1)


class PageClient:
    """One browser tab showing the registered app ``app``, connected through the real consumer.

    ``async with PageClient("cart") as page:`` opens the page (connects and starts a
    session, running the app's ``load`` events) and leaves it at the end (its ``unload``
    events run). ``application`` is the ASGI application to connect through, by default
    blocksstate's own routes; pass your project's to go through its middleware. ``user``
    is the socket's user (``scope["user"]``, as Channels' ``AuthMiddlewareStack`` sets it).
    ``language`` is the page's (sent in its ``hello``, as a page rendered in it does).
    """

    def __init__(
        self,
        app: str,
        headers: list[tuple[bytes, bytes]] | None = None,
        application: Any = None,
        user: Any = None,
        language: str | None = None,
    ) -> None:
        self.app = app
        self.language = language
        self.blocks = get_app(app)
        self.communicator = WebsocketCommunicator(
            application or URLRouter(routing.websocket_urlpatterns),
            f"/ws/blocks/{app}/",
            headers=headers or [],
        )
        if user is not None:
            self.communicator.scope["user"] = user
        self.seqs = _event_seqs
        self.session: Frame | None = None
        self.connected = False
        self.received: list[Frame] = []
        # Frames of a message read but not yet received: the server sends the frames of
        # one moment in one message, a JSON array (docs/protocol.md).
        self.unread: collections.deque[Frame] = collections.deque()
        self.sent: list[Any] = []
        self.page: dict[int, dict[str, Any]] = {}
        # The ``@gr.render`` regions shown, by container id: the last ``region`` entry of each.
        self.regions: dict[int, dict[str, Any]] = {}
        for component_id, comp in self.blocks.components.items():
            if not comp.server_only:
                value = None if callable(comp.value) else comp.initial_value()
                self.page[component_id] = {"value": value}
        for layout_id in self.blocks.layouts:
            self.page[layout_id] = {}

    async def __aenter__(self) -> PageClient:
        if not self.connected:
            await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.connected:
            await self.close()

    # -- the connection ------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open the socket (no session yet: ``hello`` starts one)."""
        connected, code = await self.communicator.connect(timeout=TIMEOUT)
        if not connected:
            raise AssertionError(f"the consumer refused the connection (close code {code})")
        self.connected = True

    async def hello(
        self, resume: str | None = None, values: Mapping[Any, Any] | None = None, protocol: int = 1
    ) -> list[Frame]:
        """Start (or ``resume``) the session; return the frames up to the end of ``load``."""
        await self.send(self._hello_frame(resume, values, protocol))
        frames = await self.sync()
        sessions = [f for f in frames if f["type"] == "session"]
        if len(sessions) != 1:
            raise AssertionError(f"expected one session frame, got {frames}")
        self.session = sessions[0]
        return frames

    def _hello_frame(
        self, resume: str | None, values: Mapping[Any, Any] | None = None, protocol: int = 1
    ) -> dict[str, Any]:
        frame = {
            "type": "hello",
            "protocol": protocol,
            "resume": resume,
            "values": self.wire_values(values),
        }
        if self.language is not None:
            frame["language"] = self.language
        return frame

    async def refused(self, resume: str | None = None) -> tuple[str, int]:
        """Connect and say ``hello``, which the server must refuse; return its reason and close code."""
        if not self.connected:
            await self.connect()
        await self.send(self._hello_frame(resume))
        frames, code = await self.until_closed()
        if [f["type"] for f in frames] != ["closed"]:
            raise AssertionError(f"expected a refusal, got {frames} (close code {code})")
        return frames[0]["reason"], code

    async def open(
        self, resume: str | None = None, values: Mapping[Any, Any] | None = None
    ) -> PageClient:
        """Connect and start (or ``resume``) the session; ``values`` were typed before connecting."""
        await self.connect()
        await self.hello(resume=resume, values=values)
        return self

    async def close(self) -> None:
        """Leave the page: send ``close`` (unload runs), wait until it ran, then disconnect."""
        await self.send({"type": "close"})
        frames = await self.sync()
        if frames[-1]["code"] != "no_session":
            raise AssertionError(f"the session did not end: {frames}")
        await self.drop()

    async def drop(self) -> None:
        """Lose the connection without saying goodbye (the session may be resumed)."""
        self.connected = False
        await self.communicator.disconnect(timeout=TIMEOUT)

    @property
    def session_id(self) -> str:
        if self.session is None:
            raise AssertionError("the page has no session: open() it first")
        return self.session["session"]

    @property
    def resume_token(self) -> str:
        if self.session is None:
            raise AssertionError("the page has no session: open() it first")
        return self.session["resume"]

    # -- frames ----------------------------------------------------------------------------------

    async def send(self, frame: Any) -> None:
        self.sent.append(frame)
        await self.communicator.send_to(text_data=json.dumps(frame))

    async def send_text(self, text: str) -> None:
        """Send ``text`` as it is (to test what the server does with a malformed frame)."""
        self.sent.append(text)
        await self.communicator.send_to(text_data=text)

    async def send_bytes(self, data: bytes) -> None:
        self.sent.append(data)
        await self.communicator.send_to(bytes_data=data)

    async def receive(self) -> Frame:
        """Receive the next frame; an ``update`` changes what the page shows."""
        while not self.unread:
            output = await self.communicator.receive_output(timeout=TIMEOUT)
            if output["type"] != "websocket.send" or "text" not in output:
                raise AssertionError(f"expected a text message, got {output}")
            self.unread.extend(frames_of(output["text"]))
        frame = self.unread.popleft()
        self.received.append(frame)
        if frame["type"] == "update":
            for key, props in frame["updates"].items():
                if "region" in props:
                    self._show_region(int(key), props["region"])
                    continue
                self.page.setdefault(int(key), {}).update(props)
        return frame

    def _show_region(self, container_id: int, region: dict[str, Any]) -> None:
        old = self.regions.get(container_id)
        for key in old["components"] if old else ():
            self.page.pop(int(key), None)
        self.regions[container_id] = region
        for key, entry in region["values"].items():
            self.page[int(key)] = dict(entry)

    async def receive_until(self, done: Callable[[Frame], bool]) -> list[Frame]:
        """Receive frames until ``done(frame)`` is true; return them all."""
        frames = []
        while True:
            frame = await self.receive()
            frames.append(frame)
            if done(frame):
                return frames

    async def sync(self) -> list[Frame]:
        """Wait until the server handled every frame sent so far; return what it sent meanwhile.

        Frames are handled in order, one at a time, so an event for a dependency
        that cannot exist is answered (``unknown_event``, or ``no_session``)
        exactly after everything sent before it: a barrier that needs no sleeping.
        """
        seq = next(_barrier_seqs)
        await self.communicator.send_to(
            text_data=json.dumps({"type": "event", "seq": seq, "dep": -1, "values": {}})
        )
        frames = await self.receive_until(lambda f: f["type"] == "error" and f.get("seq") == seq)
        if frames[-1]["code"] not in ("unknown_event", "no_session"):
            raise AssertionError(f"unexpected answer to the barrier: {frames[-1]}")
        return frames

    async def ping(self, proof: bool = True) -> list[Frame]:
        """Ping as the page does (with this connection's session id: ``proof``); wait for the pong."""
        session = self.session_id if proof and self.session is not None else None
        await self.send({"type": "ping", "session": session})
        return await self.receive_until(lambda f: f["type"] == "pong")

    async def until_closed(self) -> tuple[list[Frame], int]:
        """Receive frames until the server closes the socket; return them and the close code."""
        frames = list(self.unread)
        self.unread.clear()
        while True:
            output = await self.communicator.receive_output(timeout=TIMEOUT)
            if output["type"] == "websocket.close":
                self.connected = False
                return frames, output.get("code", 1000)
            frames.extend(frames_of(output["text"]))

    async def expect_error(self) -> Frame:
        """Receive the next frame, which must be an ``error``."""
        frame = await self.receive()
        if frame["type"] != "error":
            raise AssertionError(f"expected an error frame, got {frame}")
        return frame

    # -- events ----------------------------------------------------------------------------------

    def wire_values(self, values: Mapping[Any, Any] | None) -> dict[str, Any]:
        """``values`` keyed by component, id or label, as the page sends them (by id)."""
        return {
            str(key if isinstance(key, int) else resolve(self.blocks, key).id): value
            for key, value in (values or {}).items()
        }

    async def event(
        self,
        dep: Dependency | int,
        values: Mapping[Any, Any] | None = None,
        raw_values: Mapping[str, Any] | None = None,
        data: Any = None,
        trigger: tuple[int, str] | None = None,
    ) -> Reply:
        """Send one event frame (``data``: its event data, ``trigger``: the ``(component id,
        event)`` that fired); return every frame up to its end."""
        dep_id = dep.id if isinstance(dep, Dependency) else dep
        seq = next(self.seqs)
        wire = raw_values if raw_values is not None else self.wire_values(values)
        frame: dict[str, Any] = {"type": "event", "seq": seq, "dep": dep_id, "values": wire}
        if data is not None:
            frame["data"] = data
        if trigger is not None:
            frame["trigger"] = list(trigger)
        await self.send(frame)
        frames = await self.receive_until(
            lambda f: f["type"] in ("done", "failed", "error") and f.get("seq") == seq
        )
        return Reply(frames)

    async def trigger(
        self,
        key: Block | int | str,
        event: str,
        values: Mapping[Any, Any] | None = None,
        data: Any = None,
    ) -> Reply:
        """Fire ``event`` of a component (or its id, its label, or a button's text).

        ``values`` are what the visitor changed before, by component or label; ``data`` the
        event's data (a select's ``{"index": ..., "value": ...}``).
        """
        if (
            isinstance(key, int)
            and key not in self.blocks.components
            and key not in self.blocks.layouts
        ):
            listener = self.region_listener(key, event)
            return await self.event(listener, values, data=data, trigger=(key, event))
        block = target(self.blocks, key)
        try:
            found: Dependency | int = dependency(self.blocks, block, event)
        except LookupError:
            # Only a listener a ``@gr.render`` function made listens to it.
            found = self.region_listener(block.id, event)  # type: ignore[arg-type]
        return await self.event(found, values, data=data, trigger=(block.id, event))

    # -- @gr.render regions --------------------------------------------------------------------

    def region_components(self, render: Any, type: str | None = None) -> list[int]:
        """Ids of the components a region shows (``render``: the decorated function), in order.

        ``type``: only those of this page type (``"textbox"``, ``"button"``...).
        """
        region = self.regions.get(render.id, {"components": {}})
        return [
            int(key)
            for key, info in region["components"].items()
            if type is None or info["type"] == type
        ]

    def region_listener(self, component_id: int, event: str) -> int:
        """The id of the one region listener of ``event`` of component ``component_id``."""
        found = [
            dep["id"]
            for region in self.regions.values()
            for dep in region["dependencies"]
            if [component_id, event] in dep["triggers"]
        ]
        if len(found) != 1:
            raise LookupError(
                f"expected one region listener of {component_id}.{event}, found {found}"
            )
        return found[0]

    async def click(
        self, key: Component | int | str, values: Mapping[Any, Any] | None = None
    ) -> Reply:
        """Click a button (by its text); the event must succeed."""
        reply = await self.trigger(key, "click", values)
        if reply.status != "done":
            raise AssertionError(f"the click ended with {reply.status}: {reply.frames}")
        return reply

    # -- what the page shows ---------------------------------------------------------------------

    def value(self, key: Component | int | str) -> Any:
        """The value the page shows for a component (by label, id or object)."""
        if isinstance(key, int):
            return self.page[key].get("value")
        return self.page[resolve(self.blocks, key).id].get("value")

    def props(self, key: Component | int | str) -> dict[str, Any]:
        """Every property the page shows for a component (``value``, ``visible``, ...)."""
        return self.page[resolve(self.blocks, key).id]

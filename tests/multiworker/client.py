"""A page over a real WebSocket (the ``websockets`` package), from the test process."""

from __future__ import annotations

import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.wire import FrameReader

TIMEOUT = 20
_barriers = itertools.count(1_000_000)
# Event seqs, shared by every page: a resumed session goes on numbering its events as the
# real page does (the server runs each seq of a session once).
_event_seqs = itertools.count(1)


class WsPage:
    """One browser tab: hello (or resume), events, close; keeps what the page shows."""

    def __init__(self, base_url: str, app: str, cookie: str | None = None) -> None:
        self.url = f"{base_url}/ws/blocks/{app}/"
        self.headers = {"Cookie": cookie} if cookie else None
        self.ws: ClientConnection | None = None
        self.session: dict[str, Any] | None = None
        self.opening: list[dict[str, Any]] = []  # the frames that answered hello
        self.page: dict[str, dict[str, Any]] = {}
        self.seqs = _event_seqs

    async def open(self, resume: str | None = None) -> WsPage:
        self.ws = await connect(
            self.url, open_timeout=TIMEOUT, max_size=None, additional_headers=self.headers
        )
        self.frames = FrameReader(self.ws)
        await self.send({"type": "hello", "protocol": 1, "resume": resume, "values": {}})
        frames = self.opening = await self.sync()
        sessions = [f for f in frames if f["type"] == "session"]
        assert len(sessions) == 1, frames
        self.session = sessions[0]
        return self

    @property
    def session_id(self) -> str:
        return self.session["session"]

    @property
    def resume_token(self) -> str:
        return self.session["resume"]

    def value(self, component_id: int) -> Any:
        return self.page.get(str(component_id), {}).get("value")

    async def send(self, frame: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(frame))

    async def receive(self) -> dict[str, Any]:
        frame = await self.frames.next(TIMEOUT)
        if frame["type"] == "update":
            for key, props in frame["updates"].items():
                self.page.setdefault(key, {}).update(props)
        return frame

    async def until(self, done) -> list[dict[str, Any]]:
        frames = []
        while True:
            frame = await self.receive()
            frames.append(frame)
            if done(frame):
                return frames

    async def sync(self) -> list[dict[str, Any]]:
        """Everything the server sent for the frames sent so far (frames are handled in order)."""
        seq = next(_barriers)
        await self.send({"type": "event", "seq": seq, "dep": -1, "values": {}})
        frames = await self.until(lambda f: f["type"] == "error" and f.get("seq") == seq)
        assert frames[-1]["code"] in ("unknown_event", "no_session"), frames[-1]
        return frames[:-1]

    async def event(self, dep: int, values: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        seq = next(self.seqs)
        await self.send({"type": "event", "seq": seq, "dep": dep, "values": values or {}})
        return await self.until(
            lambda f: f.get("seq") == seq and f["type"] in ("done", "failed", "error")
        )

    async def burst(
        self, dep: int, n: int = 0, seqs: list[int] | None = None
    ) -> list[dict[str, Any]]:
        """Send ``n`` events (or these ``seqs``) at once; return every frame until each is answered."""
        seqs = seqs or [next(self.seqs) for _ in range(n)]
        for seq in seqs:
            await self.send({"type": "event", "seq": seq, "dep": dep, "values": {}})
        pending, frames = set(seqs), []
        while pending:
            frame = await self.receive()
            frames.append(frame)
            if frame["type"] in ("done", "failed", "error"):
                pending.discard(frame.get("seq"))
        return frames

    async def until_closed(self) -> tuple[list[dict[str, Any]], int | None]:
        """Receive frames until the server closes the socket; return them and the close code."""
        frames = []
        try:
            while True:
                frames.append(await self.receive())
        except ConnectionClosed as exc:
            return frames, exc.rcvd.code if exc.rcvd else None

    async def close_page(self) -> None:
        """The page goes away and says so: the session ends now."""
        await self.send({"type": "close"})
        await self.sync()
        await self.ws.close()

    async def drop(self) -> None:
        """The connection is lost: no close frame of the protocol, no WebSocket closing handshake."""
        self.ws.transport.abort()
        await self.ws.wait_closed()

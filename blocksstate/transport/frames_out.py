"""Frames to the page, one WebSocket message per turn of the event loop (docs/protocol.md).

An event usually ends without waiting (a short handler run inline, the session in this
process's memory): its ``update`` and its ``done`` are ready at the same moment. Sent as
two messages they cost the WebSocket server twice its per-message work (framing, a
write to the socket), more than the whole event costs blocksstate at times
(docs/performance.md, "One message per moment"). ``FramesOut`` keeps the frames sent
during one turn of the event loop and puts them on the wire when the turn ends: one
frame as it is, several as a JSON array, in order. A frame is never held across a
wait: whatever waits (a handler thread, Redis, the page's backpressure window) lets
the turn end, and with it the frames go. The one wait they are kept across is the
session's write at the end of an event (``hold``), which the event's ``done``
follows at once: with Redis too, an event is then answered in one message.

Everything else the consumer sends (accept, close) goes after the frames already
given (``send``), so a ``closed`` frame still arrives before the close.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from .. import eager, protocol

logger = logging.getLogger("blocksstate")

Message = dict[str, Any]


class FramesOut:
    """One socket's frames of this turn, and the order of everything sent on it."""

    __slots__ = ("_send", "_send_other", "_frames", "_busy", "_later", "_held")

    def __init__(
        self,
        send: Callable[[Message], Awaitable[None]],
        send_other: Callable[[Message], Awaitable[None]] | None = None,
    ) -> None:
        # The server's ASGI send for frames, and for the rest (``send_other``: for Channels,
        # behind its session middleware, which frames skip: ``one_queue.frame_sender``).
        self._send = send
        self._send_other = send_other or send
        self._frames: list[str] | None = None
        # A message the server made wait (its send did not end at once), and those after it.
        self._busy: asyncio.Task[None] | None = None
        self._later: collections.deque[Message] | None = None
        self._held = False

    def put(self, text: str) -> int:
        """Give a frame's text to send when this turn ends; return the characters it adds
        to the message (the page counts those it reads: ``received``)."""
        frames = self._frames
        if frames is None:
            self._frames = [text]
            asyncio.get_running_loop().call_soon(self.flush)
            return len(text)
        frames.append(text)
        # As ``protocol.message`` joins them, "[a,b,c]": the second frame brings the
        # brackets and a comma, every later one a comma.
        return len(text) + (3 if len(frames) == 2 else 1)

    def hold(self) -> None:
        """Keep the frames across the coming waits, until ``release``: for the wait for the
        session's write, which the event's ``done`` follows at once (``page_events``)."""
        self._held = True

    def release(self) -> None:
        """Send what ``hold`` kept, now."""
        if self._held:
            self._held = False
            self.flush()

    def flush(self) -> None:
        """Put this turn's frames on the wire now (one message), after any still on its way."""
        if self._held:
            return  # ``release`` sends them
        frames, self._frames = self._frames, None
        if not frames:
            return
        message = {"type": "websocket.send", "text": protocol.message(frames)}
        if self._busy is not None:
            self._later = self._later or collections.deque()
            self._later.append(message)
            return
        try:
            rest = eager.step(self._send(message))
        except Exception:
            # The socket is gone or the server refused it: as a send that failed in the
            # task that made the frame, nothing more to do for the page.
            logger.debug("A frame could not be sent", exc_info=True)
            return
        if rest is not None:
            self._busy = asyncio.get_running_loop().create_task(self._go_on(rest))

    async def send(self, message: Message) -> None:
        """Send a message that is not a frame (accept, close) after the frames given so far."""
        self._held = False
        self.flush()
        if self._busy is not None:
            await asyncio.shield(self._busy)
        await self._send_other(message)

    async def _go_on(self, rest: Awaitable[None]) -> None:
        """Finish a message the server made wait, then send those given meanwhile, in order."""
        try:
            await rest
            while self._later:
                await self._send(self._later.popleft())
        except Exception:
            logger.debug("A frame could not be sent", exc_info=True)
            self._later = None
        finally:
            self._busy = None

"""The server's WebSocket messages as a raw client reads them: a message holds one frame,
or the frames of one moment in a JSON array, in order (docs/protocol.md)."""

from __future__ import annotations

import asyncio
import collections
from typing import Any

from blocksstate.protocol import frames_of


class FrameReader:
    """The frames of a ``websockets`` client's messages, one at a time."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.unread: collections.deque[dict[str, Any]] = collections.deque()

    async def next(self, timeout: float | None = None) -> dict[str, Any]:
        while not self.unread:
            self.unread.extend(frames_of(await asyncio.wait_for(self.ws.recv(), timeout)))
        return self.unread.popleft()

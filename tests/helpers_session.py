"""Helpers for the session-tier tests: settings, the stored session, raw connections."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping
from typing import Any

from blocksstate.sessions.backends import get_store
from blocksstate.testing import eventually
from blocksstate.transport.connection import Connection


def blocksstate_settings(settings, **values: Any) -> None:
    """Add BLOCKSSTATE settings on top of what the fixtures set (keeps CACHE_ALIAS)."""
    settings.BLOCKSSTATE = {**settings.BLOCKSSTATE, **values}


async def stored(blocks, session_id: str):
    """The session as the shared store has it now (None if unknown, expired or deleted)."""
    return await get_store().load(blocks, session_id)


# -- a page driving a Connection directly (no socket): for scopes and simulated worker deaths ------

_seqs = itertools.count(1)


class RawPage:
    """A page talking to ``Connection`` directly, so a test can choose its scope or kill its tasks."""

    def __init__(self, app: str, scope: Mapping[str, Any] | None = None) -> None:
        self.frames: list[dict[str, Any]] = []
        self.connection = Connection(app, self._receive, scope or {"type": "websocket"})
        self.session: dict[str, Any] | None = None

    async def _receive(self, frame: dict[str, Any]) -> None:
        self.frames.append(json.loads(json.dumps(frame)))

    async def wait_for(self, predicate: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        async def found():
            return next((f for f in self.frames if predicate(f)), None)

        return await eventually(found, what="a frame")

    async def hello(self, resume: str | None = None) -> dict[str, Any]:
        await self.connection.receive(
            json.dumps({"type": "hello", "protocol": 1, "resume": resume})
        )
        self.session = await self.wait_for(lambda f: f["type"] == "session")
        return self.session

    async def event(
        self, dep: int, values: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        seq = next(_seqs)
        await self.connection.receive(
            json.dumps({"type": "event", "seq": seq, "dep": dep, "values": dict(values or {})})
        )
        await self.wait_for(
            lambda f: f.get("seq") == seq and f["type"] in ("done", "failed", "error")
        )
        return [f for f in self.frames if f.get("seq") == seq]

    def die(self) -> None:
        """The worker process dies: its tasks stop, and nobody calls ``disconnect``."""
        if self.connection._worker is not None:
            self.connection._worker.cancel()
        self.connection.hold.stop_keepalive()
        self.connection.open = False

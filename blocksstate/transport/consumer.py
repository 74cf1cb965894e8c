"""The Channels consumer: WebSocket frames in and out, and channel-layer messages to the connection."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from typing import Any

from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch

from .. import protocol
from ..app.registry import AppNotFound
from ..sessions.actions import DISCONNECT_REASON, detach_previous, session_group
from ..state import global_news
from . import one_queue
from .connection import Connection
from .frames_out import FramesOut
from .origin import origin_allowed
from .outside import EndRequested, GlobalChanged, StateCleared
from .page_socket import Socket

logger = logging.getLogger("blocksstate")

# Seconds between two clean-ups of stale database connections for incoming frames.
DB_CHECK_EVERY = 1.0
_last_db_check = float("-inf")


def _database_check_due() -> bool:
    global _last_db_check
    now = time.monotonic()
    if now - _last_db_check < DB_CHECK_EVERY:
        return False
    _last_db_check = now
    return True


class BlocksConsumer(AsyncWebsocketConsumer, Socket):
    """Serves ``/ws/blocks/<app>/``: one connection per page.

    ``groups`` (Channels' own, left when the socket closes) are those of the app's
    GlobalStates and, once the page has one, of its session.
    """

    connection: Connection | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        """Serve the socket; if the channel layer fails under it, ask the page to come back.

        Channels lets an error of the layer's receive (Redis restarted, say) end the
        consumer: the page would get 1011 and the session no disconnect, so no grace
        period and a keepalive that never stops. End it as a dropped connection instead.

        Channels' own ``AsyncConsumer.__call__`` (4.x) with that ``except`` added, rather
        than a wrapper around it: a second coroutine frame per open page is memory that
        every idle page holds (docs/performance.md, "Issue 20, item 5"). Its receive loop
        is ``one_queue``'s where the server allows it.
        """
        self.scope = scope
        layer = self.channel_layer = get_channel_layer(self.channel_layer_alias)
        receivers = [receive]
        if layer is not None:
            self.channel_name = await layer.new_channel()
            self.channel_receive = functools.partial(layer.receive, self.channel_name)
            receivers.append(self.channel_receive)
        # Frames go out once per turn of the loop (``frames_out``); accept and close (Channels
        # sends them through ``base_send``) after the frames given before them. Frames skip
        # Channels' session-middleware wrapper, unwrapped once, not per frame.
        # (An async consumer: Channels wraps only a sync one's ``base_send``.)
        self._frames_out = FramesOut(one_queue.frame_sender(send), send)
        self.base_send = self._frames_out.send
        pump = None
        try:
            if layer is not None:
                pump = await one_queue.pump(self.channel_receive, receive)
            if layer is None or pump is not None:
                while True:  # every message through the one queue: no task or wait per frame
                    message = await receive()
                    if message is one_queue.LAYER_FAILED:
                        raise pump.error  # type: ignore[union-attr]
                    await self.dispatch(message)
            else:
                await await_many_dispatch(receivers, self.dispatch)
        except StopConsumer:
            pass
        except Exception:
            logger.warning("A page's connection failed; asking it to reconnect", exc_info=True)
            with contextlib.suppress(Exception):  # the socket may be gone already
                await self.base_send({"type": "websocket.close", "code": protocol.CLOSE_TRY_AGAIN})
            if self.connection is not None and self.connection.open:
                await self.connection.disconnect()
        finally:
            if pump is not None:
                await pump.stop()

    async def connect(self) -> None:
        # Accepted before any refusal: a socket closed before it is accepted reaches the
        # page as a failed handshake (HTTP 403), which it cannot tell from a network fault.
        await self.accept()
        app = self.scope["url_route"]["kwargs"]["app"]
        if not origin_allowed(self.scope):
            await self.close(code=protocol.CLOSE_FORBIDDEN_ORIGIN)
            return
        try:
            connection = Connection(app, self.send_frame, self.scope, socket=self)
        except AppNotFound:
            await self.close(code=protocol.CLOSE_UNKNOWN_APP)
            return
        try:
            for group in connection.global_groups():  # each GlobalState key's changes
                await self._join(group)
        except Exception:
            logger.warning("Could not join the channel groups of app %r", app, exc_info=True)
            await self.close(code=protocol.CLOSE_TRY_AGAIN)
            return
        self.connection = connection
        global_news.serving_on(asyncio.get_running_loop())

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Hand a message to its handler; a frame goes straight to the connection, and skips
        most of Channels' database clean-up.

        Channels closes stale database connections of its one thread for synchronous
        code before every message, a thread hop per frame that the event path does not
        need (handlers clean up their own thread: ``handlers._as_request``). Frames do
        it at most once a second per process; every other message as Channels does.
        """
        if message["type"] == "websocket.receive" and not _database_check_due():
            if self.connection is not None:  # what ``websocket_receive`` and ``receive`` do
                await self.connection.receive(message.get("text"))
        else:
            await super().dispatch(message)

    async def detach_previous(self, session_id: str, epoch: int) -> None:
        """Close the session's connections at an older ``epoch``, on any worker."""
        await detach_previous(session_id, epoch)

    async def join_session_group(self, session_id: str) -> None:
        """Let the admin reach this page's session, whichever worker it runs on."""
        await self._join(session_group(session_id))

    async def _join(self, group: str) -> None:
        """Join a channel group, trying twice: after a Redis restart each pooled connection
        of the layer is stale, and fails its first command only.

        Joined here rather than by Channels before ``connect``: a failure is then told
        to the page with a close code it retries on, not a failed handshake.
        """
        if self.channel_layer is None:
            return
        try:
            await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups.append(group)

    async def blocksstate_disconnect(self, message: dict[str, Any]) -> None:
        """An administrator disconnected this session: end it and close the page."""
        if self.connection is not None:
            self.connection.changed_outside(
                EndRequested(message.get("reason") or DISCONNECT_REASON)
            )

    async def blocksstate_detach(self, message: dict[str, Any]) -> None:
        """The page resumed this session on another connection: let go of it."""
        if self.connection is not None:
            await self.connection.detach(int(message.get("epoch", 0)))

    async def blocksstate_state_cleared(self, message: dict[str, Any]) -> None:
        """An administrator reset this session's State: show the page what follows from it."""
        if self.connection is not None:
            self.connection.changed_outside(StateCleared())

    async def publish(self, key: str, version: int) -> None:
        """Tell every session of every worker that the GlobalState ``key`` changed."""
        if self.channel_layer is None:
            return
        await self.channel_layer.group_send(
            global_news.group(key), global_news.message(key, version, self.channel_name)
        )

    async def blocksstate_global(self, message: dict[str, Any]) -> None:
        """A GlobalState changed (in some session, or in any Django code): run this session's
        listeners of it, once per version."""
        if self.connection is None or message.get("origin") == self.channel_name:
            return  # the session that changed it ran its listeners within the event
        try:
            version = int(message.get("version") or 0)
        except (TypeError, ValueError):
            version = 0
        self.connection.changed_outside(GlobalChanged(str(message.get("key", "")), version))

    async def send_frame(self, frame: dict[str, Any]) -> int:
        """Send one frame when this turn of the loop ends (``frames_out``); return the characters
        it adds to the page's message, for the page's acknowledgements."""
        return self._frames_out.put(protocol.encode(frame))

    def hold_frames(self) -> None:
        self._frames_out.hold()

    def release_frames(self) -> None:
        self._frames_out.release()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.connection is not None:
            await self.connection.receive(text_data)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """End the session's connection, then let Channels leave the groups.

        The session first: a channel layer in trouble (Redis pool exhausted, say) must
        not keep the session from ending (unload, expiry) when the page is gone; the
        layer expires the members it could not remove by itself.
        """
        if self.connection is not None:
            await self.connection.disconnect()
        try:
            await super().websocket_disconnect(message)
        except StopConsumer:
            raise
        except Exception:
            logger.warning("Could not leave the channel groups %s", self.groups, exc_info=True)
            raise StopConsumer() from None

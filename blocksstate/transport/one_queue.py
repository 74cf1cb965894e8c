"""A page's messages through one queue, and its frames sent past the session middleware.

Channels' consumer waits on two tasks per page, one for the socket's messages and one
for the channel layer's, with ``asyncio.wait``: per message a new task, a future, its
callbacks and a loop turn. Where the server hands the consumer the ``get`` of a plain
``asyncio.Queue`` (daphne does, and so does Channels' testing communicator), a
``Pump`` task puts the layer's messages into that same queue instead, and the consumer
reads the queue alone: a frame already waiting is read without a task, a future or a
loop turn. Messages are still dispatched one at a time, in the order they arrived.
Any other server gets Channels' own loop.

Channels' ``SessionMiddleware`` wraps ``send`` to save the session and set its cookie
on an HTTP response; for a ``websocket.send`` it only reads two attributes of the lazy
session, twice per event. ``frame_sender`` sends a page's frames past that wrapper.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from channels.sessions import InstanceSessionWrapper

#: Put into the queue by a ``Pump`` whose channel layer failed (its ``error`` says how).
LAYER_FAILED: Any = object()


class Pump:
    """Moves a page's channel-layer messages into the socket's queue, until stopped."""

    __slots__ = ("error", "task")

    def __init__(self, channel_receive: Callable[[], Awaitable[Any]], queue: asyncio.Queue) -> None:
        self.error: Exception | None = None
        self.task = asyncio.ensure_future(self._run(channel_receive, queue))

    async def _run(
        self, channel_receive: Callable[[], Awaitable[Any]], queue: asyncio.Queue
    ) -> None:
        try:
            while True:
                queue.put_nowait(await channel_receive())
        except Exception as error:  # the layer failed (Redis gone, say): the consumer ends
            self.error = error
            queue.put_nowait(LAYER_FAILED)

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


async def pump(channel_receive: Callable[[], Awaitable[Any]], receive: Any) -> Pump | None:
    """A ``Pump`` into ``receive``'s queue if ``receive`` is a plain, unbounded
    ``asyncio.Queue.get``; else ``None`` (the consumer then waits on both itself).

    The pump's first receive is under way before the page's first message is
    dispatched, as in Channels' loop: after a Redis restart the layer's pooled
    connections are stale, and the order in which the first receive and ``connect``'s
    group joins take them decides which of them meets a stale one.
    """
    queue = getattr(receive, "__self__", None)
    if (
        type(queue) is not asyncio.Queue
        or getattr(receive, "__func__", None) is not asyncio.Queue.get
        or queue.maxsize
    ):
        return None
    started = Pump(channel_receive, queue)
    await asyncio.sleep(0)
    return started


def frame_sender(
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """``send`` without Channels' session-middleware wrappers, for ``websocket.send`` only.

    The wrapper saves the session and sets its cookie only for ``http.response.start``;
    for any other message it reads the lazy session and passes the message on.
    """
    wrapper = getattr(send, "__self__", None)
    while type(wrapper) is InstanceSessionWrapper:
        send = wrapper.real_send
        wrapper = getattr(send, "__self__", None)
    return send

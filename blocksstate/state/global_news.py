"""Telling every page that a GlobalState changed: one channel-layer message per change.

Each key has a group that every page of every app using it joins when it connects
(``transport/consumer.py``). A change, wherever it is made (an event, a view, a
management command, another process), is sent to that group with its version; each
session runs the state's ``.change`` listeners once for a version it has not seen.

A process needs the site's ``CHANNEL_LAYERS`` for its changes to reach pages:
a Redis layer reaches every worker; an in-memory layer reaches only the pages of
the process that sends.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any

logger = logging.getLogger("blocksstate")

MESSAGE_TYPE = "blocksstate.global"
# Seconds a synchronous caller waits for the layer to take the message.
SEND_TIMEOUT = 10.0

_server_loop: asyncio.AbstractEventLoop | None = None


def group(key: str) -> str:
    """The channel-layer group told about the changes of ``key`` (names allow few characters)."""
    return "blocksstate.global." + hashlib.sha256(key.encode()).hexdigest()[:32]


def message(key: str, version: int, origin: str = "") -> dict[str, Any]:
    """The message announcing version ``version`` of ``key`` (``origin``: the channel that made it)."""
    return {"type": MESSAGE_TYPE, "key": key, "version": version, "origin": origin}


def serving_on(loop: asyncio.AbstractEventLoop) -> None:
    """Note the server's event loop: synchronous code in its threads announces through it."""
    global _server_loop
    _server_loop = loop


async def aannounce(key: str, version: int, origin: str = "") -> None:
    """Send the change to the key's group (nothing without a channel layer)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group(key), message(key, version, origin))
    except Exception:
        # The value is stored: pages see it at their next resume or change.
        logger.warning(
            "GlobalState %r changed (version %s) but the channel layer could not tell the pages",
            key,
            version,
            exc_info=True,
        )


def announce(key: str, version: int) -> None:
    """Send the change from synchronous code (never on a running event loop).

    In a server's thread (a sync view, a handler) the message goes through the server's
    loop, which the layer belongs to; elsewhere (a command, a task worker) through a
    loop of its own.
    """
    loop = _server_loop
    if loop is not None and loop.is_running() and not loop.is_closed():
        future = asyncio.run_coroutine_threadsafe(aannounce(key, version), loop)
        future.result(SEND_TIMEOUT)
        return
    from asgiref.sync import async_to_sync

    async_to_sync(aannounce)(key, version)

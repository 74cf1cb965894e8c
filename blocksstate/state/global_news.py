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
import threading
import weakref
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger("blocksstate")

MESSAGE_TYPE = "blocksstate.global"
# Seconds between two announcements of one key by one process: a burst of changes (a
# thousand increments) is told as the last version at most this often, so that the
# layer's channels (channels-redis keeps 100 messages each) never overflow.
ANNOUNCE_INTERVAL = 0.05
# Seconds a synchronous caller waits for its change to be announced.
SEND_TIMEOUT = 10.0

_server_loop: asyncio.AbstractEventLoop | None = None
_own_loop: asyncio.AbstractEventLoop | None = None
_own_loop_lock = threading.Lock()


@dataclass
class _Announcing:
    """One key's announcements from one event loop: the newest version, the last one sent."""

    latest: int = 0
    sent: int = 0
    sent_at: float = float("-inf")
    sending: asyncio.Future[None] | None = None


_announcing: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, _Announcing]] = (
    weakref.WeakKeyDictionary()
)


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


async def aannounce(key: str, version: int) -> None:
    """Tell the key's group about ``version``; return once a version at least as new was sent.

    The first change of a while is sent at once; those that follow within
    ``ANNOUNCE_INTERVAL`` are sent together, as the newest of them.
    """
    loop = asyncio.get_running_loop()
    state = _announcing.setdefault(loop, {}).setdefault(key, _Announcing())
    state.latest = max(state.latest, version)
    while state.sent < version:
        if state.sending is None:
            state.sending = asyncio.ensure_future(_send_latest(key, state))
        await asyncio.shield(state.sending)


async def _send_latest(key: str, state: _Announcing) -> None:
    loop = asyncio.get_running_loop()
    try:
        wait = state.sent_at + ANNOUNCE_INTERVAL - loop.time()
        if wait > 0:
            await asyncio.sleep(wait)
        version = state.latest
        await _group_send(key, version)
        state.sent, state.sent_at = max(state.sent, version), loop.time()
    finally:
        state.sending = None


async def _group_send(key: str, version: int) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    try:
        await layer.group_send(group(key), message(key, version))
    except Exception:
        # The value is stored: pages see it at their next resume or change.
        logger.warning(
            "GlobalState %r changed (version %s) but the channel layer could not tell the pages",
            key,
            version,
            exc_info=True,
        )


def announce(key: str, version: int) -> None:
    """``aannounce`` from synchronous code (never on a running event loop).

    In a server's thread (a sync view, a handler) through the server's loop, which the
    layer's connections belong to; elsewhere (a command, a task worker) through a loop
    this process keeps in a thread of its own for that.
    """
    from channels.layers import get_channel_layer

    if get_channel_layer() is None:
        return
    loop = _server_loop
    if loop is None or not loop.is_running():
        loop = _announcer_loop()
    sent = asyncio.run_coroutine_threadsafe(aannounce(key, version), loop)
    try:
        sent.result(SEND_TIMEOUT)
    except TimeoutError:
        # Still under way: it goes out when it can; the caller's change is stored.
        logger.warning(
            "Announcing GlobalState %r (version %s) took more than %s s", key, version, SEND_TIMEOUT
        )


def _announcer_loop() -> asyncio.AbstractEventLoop:
    global _own_loop
    with _own_loop_lock:
        if _own_loop is None:
            _own_loop = asyncio.new_event_loop()
            threading.Thread(
                target=_own_loop.run_forever, name="blocksstate-announcer", daemon=True
            ).start()
    return _own_loop

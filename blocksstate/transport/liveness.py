"""Noticing a page that went silent: its connection may be half-open (docs/protocol.md, "Liveness").

The page pings and the connection answers at once, outside its queue. Once a page
has pinged, a page silent for ``PAGE_TIMEOUT`` seconds is treated as gone: its
session ends ``RESUME_GRACE`` seconds after its last sign of life unless it resumes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..conf import setting

if TYPE_CHECKING:
    from ..sessions.session import Session


class Watchdog:
    """Calls ``on_silent(last_seen, silent)`` once the page has sent nothing for ``PAGE_TIMEOUT``.

    Armed by the page's first ping (a client that never pings is left to the
    transport's own timeouts); a timer, not a task, so an idle page costs no task.
    """

    __slots__ = ("_on_silent", "last_seen", "_timer")

    def __init__(self, on_silent: Callable[[float, float], None]) -> None:
        self._on_silent = on_silent
        self.last_seen = time.monotonic()
        self._timer: asyncio.TimerHandle | None = None

    def seen(self) -> None:
        """The page sent something."""
        self.last_seen = time.monotonic()

    def arm(self) -> None:
        """Start watching, if not yet."""
        if self._timer is None:
            self._check()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        timeout = float(setting("PAGE_TIMEOUT"))
        silent = time.monotonic() - self.last_seen
        if silent < timeout:
            self._timer = asyncio.get_running_loop().call_later(timeout - silent, self._check)
            return
        self._timer = None
        self._on_silent(self.last_seen, silent)


class Liveness:
    """A page's signs of life: every frame, its pings, and the proof it holds its resume token.

    A ping names the session of this connection once the page has its ``session``
    frame: that proves the page holds the newest resume token (docs/protocol.md).
    """

    __slots__ = ("watchdog", "_proven")

    def __init__(self, on_silent: Callable[[float, float], None]) -> None:
        self.watchdog = Watchdog(on_silent)
        self._proven = False

    def pinged(self, session_named: str | None, session: Session | None) -> bool:
        """Note a ping; return True the first time it proves the page holds a newer token."""
        self.watchdog.arm()
        if self._proven or session is None or session_named != session.id:
            return False
        self._proven = session.proven_epoch < session.epoch
        return self._proven

"""The page's backpressure window: what it queued and has not had handled, what it was sent and has not read."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from ..conf import setting


class Window:
    """Counts a page's queued frames and unread text against their bounds (docs/security.md).

    ``MAX_QUEUED_FRAMES``/``MAX_QUEUED_CHARS`` bound what the page sent and waits for;
    ``MAX_UNACKED_CHARS`` what it was sent and has not said (``received``) it read.
    """

    __slots__ = ("queued_frames", "queued_chars", "sent_chars", "acked_chars", "_read_progress")

    def __init__(self) -> None:
        self.queued_frames = self.queued_chars = 0
        self.sent_chars = self.acked_chars = 0
        # Set when the page reads, while sends wait for it to (one for all of them; made
        # only when one waits, so an idle page holds none).
        self._read_progress: asyncio.Event | None = None

    def queue(self, chars: int) -> None:
        """A page frame of ``chars`` was queued (0: the server's own item, not counted)."""
        if chars:
            self.queued_frames += 1
            self.queued_chars += chars

    def dequeue(self, chars: int) -> None:
        if chars:
            self.queued_frames -= 1
            self.queued_chars -= chars

    def queue_full(self, chars: int) -> bool:
        """Whether one more page frame of ``chars`` would pass MAX_QUEUED_FRAMES or _CHARS."""
        if not self.queued_frames:
            return False  # one frame always fits: its size is MAX_FRAME_BYTES's business
        too_many = self.queued_frames >= setting("MAX_QUEUED_FRAMES")
        return too_many or self.queued_chars + chars > setting("MAX_QUEUED_CHARS")

    def sent(self, chars: int) -> bool:
        """Count ``chars`` more sent; return whether the page is now past its unread window."""
        self.sent_chars += chars
        return self.unread() > setting("MAX_UNACKED_CHARS")

    def far_behind(self) -> bool:
        """Past twice the window: what a page that never reads but keeps sending reaches."""
        return self.unread() > 2 * setting("MAX_UNACKED_CHARS")

    def unread(self) -> int:
        return self.sent_chars - self.acked_chars

    def received(self, chars: int) -> str | None:
        """The page has read ``chars`` in all; return why that cannot be, if it cannot."""
        if chars < self.acked_chars:
            return f"'chars' went back from {self.acked_chars} to {chars}"
        # The page counts UTF-16 units, more than the characters counted here for an emoji.
        self.acked_chars = min(chars, self.sent_chars)
        self.release()
        return None

    def release(self) -> None:
        """Wake every send waiting for the page to read (it read, or the connection closed)."""
        if self._read_progress is not None:
            self._read_progress.set()
            self._read_progress = None

    async def wait_until_read(self, is_open: Callable[[], bool]) -> bool:
        """Wait while the page is past its window; return False if it read nothing for
        ``UNACKED_TIMEOUT`` seconds.

        A page on a slow link keeps reading, so it waits but is never refused.
        """
        while is_open() and self.unread() > setting("MAX_UNACKED_CHARS"):
            if self._read_progress is None:
                self._read_progress = asyncio.Event()
            try:
                await asyncio.wait_for(self._read_progress.wait(), setting("UNACKED_TIMEOUT"))
            except TimeoutError:
                return False
        return True

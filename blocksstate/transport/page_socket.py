"""What a page's connection asks of its socket besides sending frames (the consumer is one)."""

from __future__ import annotations


class Socket:
    """What a connection asks of its socket besides sending; here, nothing (the consumer does it)."""

    async def publish(self, key: str, version: int) -> None:
        """Tell every session that the GlobalState ``key`` changed (to ``version``)."""

    async def join_session_group(self, session_id: str) -> None:
        """Let the admin and later resumes reach this page's session, on any worker."""

    async def detach_previous(self, session_id: str, epoch: int) -> None:
        """Close the session's connections at an older ``epoch``, on any worker."""

    async def close(self, code: int | None = None) -> None:
        """Close the socket with ``code``."""

    def hold_frames(self) -> None:
        """Keep the frames sent from now on until ``release_frames``, across any wait."""

    def release_frames(self) -> None:
        """Send the frames ``hold_frames`` kept."""

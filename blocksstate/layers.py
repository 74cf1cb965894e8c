"""A channel layer for one process: Channels' in-memory layer without its quadratic clean-up.

Channels' ``InMemoryChannelLayer`` walks every channel and every group member on
each ``receive`` and ``group_send``, to drop expired messages. Every page holds a
channel and a group of its own, so with N pages connected each message costs O(N)
and opening N pages O(N²): 10,000 pages took over 200 seconds to connect (see
``docs/performance.md``). This layer does the same clean-up at most once every
``clean_every`` seconds (default 1); messages expire after ``expiry`` seconds as before.

It also keeps a group of one member (every page's own session group) as a pair, not a
dict: about 170 bytes less per open page (docs/performance.md, "Issue 20, item 5").

    CHANNEL_LAYERS = {"default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"}}
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

# A group's members: {channel: joined} as Channels keeps them, or (channel, joined) for one.
Members = dict[str, float] | tuple[str, float]


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    """Channels' in-memory layer (one process), cleaning expired messages at most once a second."""

    groups: dict[str, Members]

    def __init__(self, clean_every: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clean_every = clean_every
        self._cleaned = float("-inf")
        # When members joined, to the second: one float shared by the joins of each second.
        self._joined = 0.0

    def members(self, group: str) -> list[str]:
        """The channels in ``group``."""
        found = self.groups.get(group)
        if found is None:
            return []
        return [found[0]] if isinstance(found, tuple) else list(found)

    def _now(self) -> float:
        now = float(int(time.time()))
        if now != self._joined:
            self._joined = now
        return self._joined

    async def group_add(self, group: str, channel: str) -> None:
        self.require_valid_group_name(group)
        self.require_valid_channel_name(channel)
        found = self.groups.get(group)
        if found is None or (isinstance(found, tuple) and found[0] == channel):
            self.groups[group] = (channel, self._now())
        elif isinstance(found, tuple):
            self.groups[group] = {found[0]: found[1], channel: self._now()}
        else:
            found[channel] = self._now()

    async def group_discard(self, group: str, channel: str) -> None:
        self.require_valid_channel_name(channel)
        self.require_valid_group_name(group)
        self._leave(group, channel)

    def _leave(self, group: str, channel: str) -> None:
        found = self.groups.get(group)
        if isinstance(found, tuple):
            if found[0] == channel:
                del self.groups[group]
        elif found is not None:
            found.pop(channel, None)
            if not found:
                del self.groups[group]

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "Message is not a dict"
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in self.members(group):
            with contextlib.suppress(ChannelFull):  # a full channel misses it, as in Channels
                await self.send(channel, message)

    def _remove_from_groups(self, channel: str) -> None:
        for group in list(self.groups):
            self._leave(group, channel)

    def _expire_members(self) -> None:
        """End the memberships older than ``group_expiry``, as Channels does."""
        oldest = int(time.time()) - self.group_expiry
        for group, found in list(self.groups.items()):
            joined = [found] if isinstance(found, tuple) else list(found.items())
            for channel, when in joined:
                if when and when < oldest:
                    self._leave(group, channel)

    def _clean_expired(self) -> None:
        """Channels' clean-up (expired messages leave their channel's groups, and old
        memberships end), at most once every ``clean_every`` seconds."""
        now = time.monotonic()
        if now - self._cleaned < self.clean_every:
            return
        self._cleaned = now
        wall = time.time()
        for channel, queue in list(self.channels.items()):
            while not queue.empty() and queue._queue[0][0] < wall:  # type: ignore[attr-defined]
                queue.get_nowait()
                self._remove_from_groups(channel)
                if queue.empty():
                    self.channels.pop(channel, None)
        self._expire_members()

"""A channel layer for one process: Channels' in-memory layer without its quadratic clean-up.

Channels' ``InMemoryChannelLayer`` walks every channel and every group member on
each ``receive`` and ``group_send``, to drop expired messages. Every page holds a
channel and a group of its own, so with N pages connected each message costs O(N)
and opening N pages O(N²): 10,000 pages took over 200 seconds to connect (see
``docs/performance.md``). This layer does the same clean-up at most once every
``clean_every`` seconds (default 1); messages expire after ``expiry`` seconds as before.

    CHANNEL_LAYERS = {"default": {"BACKEND": "blocksstate.layers.InMemoryChannelLayer"}}
"""

from __future__ import annotations

import time
from typing import Any

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    """Channels' in-memory layer (one process), cleaning expired messages at most once a second."""

    def __init__(self, clean_every: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clean_every = clean_every
        self._cleaned = float("-inf")

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._cleaned < self.clean_every:
            return
        self._cleaned = now
        super()._clean_expired()

"""Test helpers for app authors: a page client through the real consumer, finders, waits.

``blocksstate.testing`` is to blocksstate what ``channels.testing`` is to Channels
(docs/testing.md). pytest fixtures are in ``blocksstate.testing.fixtures``.
"""

from .apps import registered
from .finders import button, component, dependency
from .page import PageClient
from .reply import Reply
from .waiting import TIMEOUT, eventually

__all__ = [
    "TIMEOUT",
    "PageClient",
    "Reply",
    "button",
    "component",
    "dependency",
    "eventually",
    "registered",
]

"""A handler's result made ready for the page in a handler thread, not on the event loop.

A component whose ``postprocess`` is slow for a large value (drawing a figure, checking
every cell of a table) says so in ``blocks_for``; the engine then calls its
``store_output`` in a handler thread (``engine/file_values.store_outputs``), which returns
a ``Prepared``, and ``postprocess`` on the event loop only unwraps it. Only a ``Prepared``
made by the component itself is trusted as ready: never a dict a handler returned, which
could claim to be markup.
"""

from __future__ import annotations

from typing import Any


class Prepared:
    """``value`` ready for the page, made in a handler thread from ``source``."""

    __slots__ = ("source", "value")

    def __init__(self, value: Any, source: Any = None) -> None:
        self.value = value
        self.source = source

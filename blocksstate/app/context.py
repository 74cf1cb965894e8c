"""The layout context that new blocks attach to: the innermost ``with gr.Blocks()``/``gr.Row()``.

A module of its own, below both the components and the event listeners, which read it.
"""

from __future__ import annotations

import contextvars
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..components.layout import BlockContext

current_context: contextvars.ContextVar[BlockContext | None] = contextvars.ContextVar(
    "blocksstate_context", default=None
)

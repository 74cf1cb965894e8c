"""What the engine decides once per listener rather than per event: whether its step is plain.

A plain step (most of them) has a plain function (not async, not a generator), reads
and writes no GlobalState, converts no file in a thread, fills no Request, Progress or
EventData parameter, is no batch and takes no dict of inputs: when its handler can be
called at once (``handlers.call_now``), it is called with its inputs' values and its
one result applied, without the general step's machinery (``step``). Whether it is
cancellable or has a ``time_limit`` is read per event (``cancels=`` may name it later).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from ..state.tracking import step_globals
from . import file_values, handlers

if TYPE_CHECKING:
    from ..app.events import Dependency


@functools.lru_cache(maxsize=4096)
def is_plain(dependency: Dependency) -> bool:
    """Whether ``dependency``'s step is plain (fixed once the listener is built)."""
    fn = dependency.fn
    if fn is None or dependency.renders is not None or dependency.batch:
        return False
    if handlers.is_async(fn) or handlers.streams(fn):
        return False
    if dependency.inputs_as_dict or handlers.takes_special(fn):
        return False
    global_inputs, global_outputs = step_globals(dependency)
    if global_inputs or global_outputs or file_values.may_block(dependency):
        return False
    # An output that may hold a file is stored in a thread (``file_values.store_outputs``).
    return not any(file_values.may_hold_file(c) for c in dependency.outputs)

"""Once per process, when Django is ready: take what is loaded out of garbage collection.

A worker holds hundreds of thousands of long-lived objects (Django, Channels,
daphne, the apps), and every full collection of Python's cyclic garbage
collector walks them all while the event loop waits. Under load that pause hit
every event in flight: the benchmark measured 0.42 ms of CPU per event and a
p99 of 79 ms at 50 sessions, and 0.28 ms and 36 ms with the objects loaded at
start frozen (``gc.freeze()``, see ``docs/performance.md``). Objects made later
are collected as usual. ``BLOCKSSTATE["FREEZE_GC"] = False`` turns it off.

It runs in ``AppConfig.ready``, before any page connects: a frozen object is never
collected, so freezing while a connection is open would keep that connection's
objects (held in reference cycles) for the life of the process.
"""

from __future__ import annotations

import gc

from .conf import setting

_frozen = False


def freeze_loaded_objects() -> bool:
    """Collect once, then freeze what survives; return whether it was done now."""
    global _frozen
    if _frozen or not setting("FREEZE_GC"):
        return False
    _frozen = True
    gc.collect()
    gc.freeze()
    return True

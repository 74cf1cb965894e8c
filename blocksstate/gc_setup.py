"""Once per process, when Django is ready: set up Python's cyclic garbage collector.

Two costs of the collector land on the event path, and both are measured in
``docs/performance.md``:

- **Full collections walk everything loaded.** A worker holds hundreds of thousands
  of long-lived objects (Django, Channels, daphne, the apps), and every full
  collection walked them all while the event loop waited: 0.42 ms of CPU per event
  and a p99 of 79 ms at 50 sessions, against 0.28 ms and 36 ms with the objects
  loaded at start frozen (``gc.freeze()``). Objects made later are collected as usual.
  ``BLOCKSSTATE["FREEZE_GC"] = False`` turns it off.
- **Young collections grow with the events in flight.** Python collects its youngest
  generation every 700 new containers; with 200 pages sending at once, the objects of
  the events in flight survive those collections and fill the older generations, and
  collection time per event doubled from 50 to 200 sessions. A first generation of
  50,000 (``BLOCKSSTATE["GC_THRESHOLD"]``, ``None`` keeps Python's own) makes them
  rare; what is garbage still dies by reference counting as before, and reference
  cycles are collected a little later.

It runs in ``AppConfig.ready``, before any page connects: a frozen object is never
collected, so freezing while a connection is open would keep that connection's
objects (held in reference cycles) for the life of the process. The modules the first
event would import (the session store, its cache's client, the channel layer: with
Redis, redis-py, django-redis and channels-redis, about 29,000 objects) are imported
first, so they are frozen too; left out, every full collection walked them.
"""

from __future__ import annotations

import contextlib
import gc

from django.core.exceptions import ImproperlyConfigured

from .conf import setting

_frozen = False


def gc_threshold() -> tuple[int, ...] | None:
    """The ``GC_THRESHOLD`` setting, checked: one to three positive integers, or None."""
    value = setting("GC_THRESHOLD")
    if value is None:
        return None
    if (
        not isinstance(value, (tuple, list))
        or not 1 <= len(value) <= 3
        or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
    ):
        raise ImproperlyConfigured(
            "BLOCKSSTATE['GC_THRESHOLD'] must be None or a tuple of one to three positive "
            f"integers, as gc.set_threshold takes (got {value!r})"
        )
    return tuple(value)


def configure_gc() -> bool:
    """Set the collector's thresholds, then collect once and freeze what survives.

    Returns whether the freeze was done now (it is done once per process).
    """
    global _frozen
    threshold = gc_threshold()
    if threshold is not None:
        gc.set_threshold(*threshold)
    if _frozen or not setting("FREEZE_GC"):
        return False
    _frozen = True
    _import_backends()
    gc.collect()
    gc.freeze()
    return True


def _import_backends() -> None:
    """Import what the first event would: the session store, its cache and client, the layer."""
    from django.conf import settings
    from django.utils.module_loading import import_string

    from .sessions.backends import get_store

    # A broken setting is for the system checks and the first event to report, not ready().
    with contextlib.suppress(Exception):
        get_store()
    for layer in getattr(settings, "CHANNEL_LAYERS", {}).values():
        with contextlib.suppress(Exception):
            import_string(layer["BACKEND"])

"""Short synchronous handlers on the event loop, without a thread hop: which, and when.

Decided per handler function, from what its calls did (docs/performance.md, "Short
handlers on the event loop"):

- its first calls run in a handler thread, timed, and watched for APIs that refuse the
  event loop (a GlobalState's ``get()``/``set()``..., a database query);
- after ``INLINE_AFTER`` calls in a row each shorter than ``SHORT`` seconds, with no such
  API, it runs on the event loop;
- an inline call longer than ``DEMOTE_AFTER`` seconds (not one the garbage collector
  paused) sends it back to the threads on trial, as at first; the ``STRIKES``-th such
  call within ``FORGIVE_AFTER`` inline calls sends it back for good. One long call is
  not enough, as on a busy machine every short call is sooner or later paused by the
  kernel (another process takes the core) or by another thread taking the interpreter's
  lock; a handler that really blocks keeps doing it;
- a call that meets an API that refuses the loop (``SynchronousOnlyOperation``) sends it
  back to the threads for good (logged once at DEBUG); that call is then run again in a
  thread;
- generator functions, handlers that take ``gr.Progress``, functions marked ``@blocking``
  and every handler when ``BLOCKSSTATE["INLINE_SHORT_HANDLERS"]`` is off always run in a
  thread; so does a function that uses a sync-only API or never has its run of short
  calls within ``GIVE_UP_AFTER`` calls.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import logging
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import SynchronousOnlyOperation

from ..conf import setting
from ..loop_safety import note_sync_only, start_watching, stop_watching
from .feedback import Progress

logger = logging.getLogger("blocksstate")

F = TypeVar("F", bound=Callable[..., Any])

# Threaded calls in a row, each shorter than SHORT, before a function may run inline.
INLINE_AFTER = 8
SHORT = 200e-6
# An inline call longer than this (seconds) sends its function back to the threads for good.
DEMOTE_AFTER = 2e-3
# Threaded calls after which a function that never had its run of short calls stops trying.
GIVE_UP_AFTER = 64
# Long inline calls (each sends the function back on trial) that send it to the threads for
# good, if they come within FORGIVE_AFTER inline calls of one another.
STRIKES = 3
FORGIVE_AFTER = 1000

_MARK = "__blocksstate_blocking__"


def blocking(fn: F) -> F:
    """Mark a synchronous handler to always run in a handler thread, never on the event loop."""
    setattr(fn, _MARK, True)
    return fn


@dataclass(slots=True)
class Placement:
    """Where one handler function runs, and what its calls so far said."""

    name: str
    inline: bool = False
    threaded: bool = False  # for good
    streak: int = 0
    calls: int = 0
    strikes: int = 0  # long inline calls, forgiven after FORGIVE_AFTER inline calls
    since_strike: int = 0

    def watch(self, call: Callable[[], Any]) -> Callable[[], Any]:
        """``call``, timed and watched in its thread while the function is on trial."""

        def watched() -> Any:
            start_watching()
            started = time.perf_counter()
            try:
                with _watching_queries():
                    return call()
            finally:
                self._threaded_call(time.perf_counter() - started, stop_watching())

        return watched

    def _threaded_call(self, took: float, used_sync_only: bool) -> None:
        if self.threaded or self.inline:
            return
        self.calls += 1
        if used_sync_only:
            self.stay_threaded("it uses an API that must not run on the event loop")
        elif took >= SHORT:
            self.streak = 0
            if self.calls >= GIVE_UP_AFTER:
                self.stay_threaded(f"its calls are not all shorter than {SHORT * 1e6:.0f} µs")
        else:
            self.streak += 1
            self.inline = self.streak >= INLINE_AFTER

    def run_inline(self, call: Callable[[], Any]) -> Any:
        """Run ``call`` here, on the loop; a long one sends the function back to the threads.

        A call that met an API refusing the loop raises ``SynchronousOnlyOperation`` even if
        it caught that API's own error: its result is not the one a thread would give.
        """
        start_watching()
        collections = gc.get_count()[1:]
        started = time.perf_counter()
        try:
            return call()
        finally:
            took = time.perf_counter() - started
            if stop_watching():
                self.stay_threaded("it uses an API that must not run on the event loop")
                raise SynchronousOnlyOperation("an inline handler met a sync-only API")
            if took > DEMOTE_AFTER and gc.get_count()[1:] == collections:
                self._long_call(took)  # (a collection would have run in a thread just the same)
            elif self.strikes:
                self.since_strike += 1
                if self.since_strike >= FORGIVE_AFTER:
                    self.strikes = 0

    def _long_call(self, took: float) -> None:
        """An inline call held the loop ``took`` seconds: back on trial, or for good."""
        self.strikes += 1
        self.since_strike = 0
        why = f"a call took {took * 1e3:.1f} ms on the event loop"
        if self.strikes >= STRIKES:
            self.stay_threaded(f"{why}, the {STRIKES}th in a short while")
            return
        logger.debug("Handler %s back on trial in a handler thread: %s", self.name, why)
        self.inline, self.streak, self.calls = False, 0, 0

    def stay_threaded(self, why: str) -> None:
        """Run this function in a handler thread from now on."""
        if not self.threaded:
            logger.debug("Handler %s runs in a handler thread from now on: %s", self.name, why)
        self.inline, self.threaded = False, True


_placements: weakref.WeakKeyDictionary[Callable[..., Any], Placement] = weakref.WeakKeyDictionary()


def placement(fn: Callable[..., Any], kwargs: dict[str, Any]) -> Placement | None:
    """Where ``fn`` runs; None when it always runs in a handler thread (nothing to decide)."""
    if not setting("INLINE_SHORT_HANDLERS"):
        return None
    try:
        found = _placements.get(fn)
    except TypeError:
        return None  # not weakly referable: kept in the threads
    if found is None:
        found = Placement(getattr(fn, "__qualname__", repr(fn)))
        # A Progress parameter is there on every call: its bar is fed from the thread.
        if not _may_ever_inline(fn) or any(isinstance(v, Progress) for v in kwargs.values()):
            found.threaded = True
        with contextlib.suppress(TypeError):
            _placements[fn] = found
    return None if found.threaded else found


def _may_ever_inline(fn: Callable[..., Any]) -> bool:
    target = inspect.unwrap(fn)
    method = type(target).__call__  # a callable object's own method
    return not (
        getattr(fn, _MARK, False)
        or getattr(target, _MARK, False)
        or inspect.isgeneratorfunction(target)
        or inspect.isgeneratorfunction(method)
    )


@contextlib.contextmanager
def _watching_queries() -> Iterator[None]:
    """Note a database query made by the call (the ORM refuses the event loop).

    Only the connections this thread already has are wrapped (making one would open it);
    a call that makes one is noted as well.
    """
    from django.db import connections

    def noted(execute: Any, sql: Any, params: Any, many: Any, context: Any) -> Any:
        note_sync_only()
        return execute(sql, params, many, context)

    known = connections.all(initialized_only=True)
    with contextlib.ExitStack() as stack:
        for connection in known:
            stack.enter_context(connection.execute_wrapper(noted))
        yield
    if len(connections.all(initialized_only=True)) > len(known):
        note_sync_only()

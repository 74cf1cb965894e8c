"""Concurrency limits of listeners, and fair shares of the handler threads (per worker).

A listener's ``concurrency_limit`` (Gradio's option) caps how many of its runs go
at once; listeners with the same ``concurrency_id`` share the lowest cap of the
group. Synchronous handlers also need one of the ``HANDLER_THREADS`` threads:
when none is free, the group that started a run longest ago goes first, so a
quick listener waits for at most one thread behind a busy one, never for its
whole queue. See docs/security.md ("Limits") for where this differs from Gradio.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import weakref
from collections import deque
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..conf import get_config, setting
from .feedback import Error

if TYPE_CHECKING:
    from ..app.events import Dependency

# ``Blocks.queue(default_concurrency_limit=...)`` not called: the DEFAULT_CONCURRENCY_LIMIT setting.
NOT_SET = "not_set"


@dataclass(frozen=True)
class Limit:
    """How many runs of one group of listeners may go at once in this worker."""

    key: Hashable
    most: int | None  # None: no cap of the group's own
    threads_only: bool = False  # the setting's default caps synchronous runs only
    # The app (``Blocks``) and its ``queue(max_size=...)``: how many of its runs may wait.
    owner: object = None
    max_waiting: int | None = None


class QueueFull(Error):
    """The app's ``queue(max_size=...)`` runs already wait in this worker."""


def check_limit(value: object, name: str, default: str) -> None:
    """Refuse a concurrency limit that is not a positive integer, None or ``default``."""
    if value is None or value == default:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, None or {default!r}, got {value!r}")


# Per listener: the limit made for it, and what it was made from (the settings, the app's
# ``queue()`` options): made again only when one of those changed. Weak: a ``@gr.render``
# region makes new listeners on every rebuild.
_limits: weakref.WeakKeyDictionary[Dependency, tuple[object, object, object, Limit]] = (
    weakref.WeakKeyDictionary()
)


def limit_of(dependency: Dependency) -> Limit:
    """The limit that applies to a run of ``dependency`` (made once per listener and settings)."""
    blocks = dependency.blocks
    config = get_config()
    default, cap = blocks.default_concurrency_limit, getattr(blocks, "max_size", None)
    made = _limits.get(dependency)
    if made is not None and made[0] is config and made[1] == default and made[2] == cap:
        return made[3]
    limit = _limit_of(dependency)
    _limits[dependency] = (config, default, cap, limit)
    return limit


def _limit_of(dependency: Dependency) -> Limit:
    blocks = dependency.blocks
    if dependency.concurrency_id is None:
        key: Hashable = dependency
        members = [dependency]
    else:
        key = (blocks, dependency.concurrency_id)
        members = [d for d in blocks.dependencies if d.concurrency_id == dependency.concurrency_id]
    capped = [(most, threads_only) for most, threads_only in map(_own_limit, members) if most]
    cap = getattr(blocks, "max_size", None)
    if not capped:
        return Limit(key, None, owner=blocks, max_waiting=cap)
    most, threads_only = min(capped)
    return Limit(key, most, threads_only, owner=blocks, max_waiting=cap)


def _own_limit(dependency: Dependency) -> tuple[int | None, bool]:
    if not dependency.queue:
        return None, False  # as in Gradio: an event off the queue has no concurrency limit
    limit = dependency.concurrency_limit
    if limit != "default":
        return limit, False  # type: ignore[return-value]
    app_default = dependency.blocks.default_concurrency_limit
    if app_default != NOT_SET:
        return app_default, False
    return setting("DEFAULT_CONCURRENCY_LIMIT"), True


class Told(Protocol):
    """Who hears that a run waits for its place, and when it gets it (the page, by frames)."""

    async def queued(self) -> None: ...

    async def started(self) -> None: ...


@dataclass(eq=False)
class _Waiter:
    future: asyncio.Future[None]
    thread: bool


@dataclass(eq=False)
class _Group:
    limit: Limit
    running: int = 0
    started: int = 0  # when a run of this group last started, on the admission clock
    waiting: deque[_Waiter] = field(default_factory=deque)

    def counts(self, thread: bool) -> bool:
        return self.limit.most is not None and (thread or not self.limit.threads_only)

    def full(self, thread: bool) -> bool:
        return self.counts(thread) and self.running >= self.limit.most  # type: ignore[operator]


class Admission:
    """Admits handler runs of one event loop within the limits of their groups and the threads."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.busy_threads = 0
        self._groups: dict[Hashable, _Group] = {}
        self._clock = itertools.count(1)
        self.waiting = 0  # runs waiting for their place, in all groups

    @contextlib.asynccontextmanager
    async def run(
        self, limit: Limit, thread: bool, told: Told | None = None
    ) -> AsyncIterator[None]:
        """Hold a place for one run (and a thread if ``thread``) for the duration of the block."""
        group = await self.enter(limit, thread, told)
        try:
            yield
        finally:
            self.leave(group, thread)

    async def enter(self, limit: Limit, thread: bool, told: Told | None = None) -> _Group:
        """Take a place for one run (and a thread if ``thread``); ``leave`` gives it back.

        A run that must wait tells ``told`` (the page) when it starts waiting and when it
        gets its place; one that starts at once tells nothing (and does not yield).
        """
        group = self.enter_now(limit, thread)
        if group is not None:
            return group
        group = self._groups[limit.key]
        self._refuse_if_full(limit)
        if told is not None:
            try:
                await told.queued()
            except BaseException:
                self._forget_if_idle(group)
                raise
        await self._wait(group, thread)
        if told is not None:
            try:
                await told.started()
            except BaseException:
                self._finish(group, thread)
                raise
        return group

    def enter_now(self, limit: Limit, thread: bool) -> _Group | None:
        """Take a place for one run if it may start at once (nothing waits before it);
        None if it would have to wait: then ``enter``, which waits for it."""
        group = self._groups.get(limit.key)
        if group is None:
            group = self._groups[limit.key] = _Group(limit)
        if not group.waiting and self._may_start(group, thread):
            self._start(group, thread)
            return group
        return None

    def free_now(self, limit: Limit, thread: bool) -> bool:
        """Whether a run may start at once (as ``enter_now``), for one that ends before anything
        else on the loop runs (an inline call): it takes no place, as nobody could see it held."""
        group = self._groups.get(limit.key)
        if group is not None:
            if group.waiting or not self._may_start(group, thread):
                return False
            group.started = next(self._clock)  # served now, as ``_start`` notes
            return True
        most = limit.most
        if most is not None and most <= 0 and (thread or not limit.threads_only):
            return False
        return not thread or self.busy_threads < self.threads

    def leave(self, group: _Group, thread: bool) -> None:
        """Give back the place ``enter`` took."""
        self._finish(group, thread)

    def _refuse_if_full(self, limit: Limit) -> None:
        if limit.max_waiting is None:
            return
        waiting = sum(
            len(group.waiting)
            for group in self._groups.values()
            if group.limit.owner is limit.owner
        )
        if waiting >= limit.max_waiting:
            self._forget_if_idle(self._groups[limit.key])
            raise QueueFull(
                "The server is busy: too many requests are waiting. Try again in a moment."
            )

    def _may_start(self, group: _Group, thread: bool) -> bool:
        return not group.full(thread) and (not thread or self.busy_threads < self.threads)

    def _start(self, group: _Group, thread: bool) -> None:
        group.running += group.counts(thread)
        group.started = next(self._clock)
        self.busy_threads += thread

    async def _wait(self, group: _Group, thread: bool) -> None:
        waiter = _Waiter(asyncio.get_running_loop().create_future(), thread)
        group.waiting.append(waiter)
        self.waiting += 1
        try:
            await waiter.future
        except asyncio.CancelledError:
            if waiter.future.done() and not waiter.future.cancelled():
                self._finish(group, thread)  # admitted, then cancelled before it ran
            elif waiter in group.waiting:
                group.waiting.remove(waiter)
                self.waiting -= 1
                self._forget_if_idle(group)
            raise

    def _finish(self, group: _Group, thread: bool) -> None:
        group.running -= group.counts(thread)
        self.busy_threads -= thread
        self._admit()
        self._forget_if_idle(group)

    def _forget_if_idle(self, group: _Group) -> None:
        if not group.running and not group.waiting:
            self._groups.pop(group.limit.key, None)

    def _admit(self) -> None:
        """Start what may start now; for a free thread, the group served longest ago first."""
        while self.waiting:
            ready = [
                group
                for group in self._groups.values()
                if group.waiting and self._may_start(group, group.waiting[0].thread)
            ]
            if not ready:
                return
            group = min(ready, key=lambda g: g.started)
            waiter = group.waiting.popleft()
            self.waiting -= 1
            if waiter.future.done():
                continue  # cancelled while waiting; its task forgets it when it resumes
            self._start(group, waiter.thread)
            waiter.future.set_result(None)


_admissions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Admission] = (
    weakref.WeakKeyDictionary()
)


# The last loop asked for and its admission: a worker has one loop (no weak look-up per run).
_last: tuple[asyncio.AbstractEventLoop, Admission] | None = None


def admission() -> Admission:
    """The admission of the running event loop (one per loop: its waiters are the loop's futures)."""
    global _last
    loop = asyncio.get_running_loop()
    last = _last
    if last is not None and last[0] is loop:
        return last[1]
    found = _admissions.get(loop)
    if found is None:
        found = _admissions[loop] = Admission(setting("HANDLER_THREADS"))
    _last = (loop, found)
    return found

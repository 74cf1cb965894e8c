"""The event path without sockets: where a worker's time goes, per event.

    PYTHONPATH=.:bench python bench/profile_engine.py [--app counter] [--events 2000] [--sessions 1]
        [--redis-url redis://...] [--cprofile] [--pyinstrument] [--drop-activity-tables]

Drives ``blocksstate.transport.connection.Connection`` in-process (the consumer's only job is
to hand it frames), with a ``send`` that keeps the frames, so the figures leave out
daphne, Twisted, autobahn and Channels. It times each stage of an event by wrapping
the package's own methods in this process (nothing in the package is changed):
the session lock, ``Engine.run_event`` (of which the handler's thread hop and the
State pickling), ``SessionStore.save``, and encoding the frames. ``--cprofile`` or
``--pyinstrument`` adds a profile of the whole loop.

Two what-if switches patch this process only, to size a proposed change:
``--inline-handlers`` runs synchronous handlers on the event loop instead of the
handler thread pool; ``--no-lock`` replaces the cross-worker session lock by a
no-op (what a per-process cache with one worker could do).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import functools
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

TIMES: dict[str, list[float]] = collections.defaultdict(list)


def timed_async(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            TIMES[label].append(time.perf_counter() - started)

    setattr(owner, name, wrapper)


def timed_sync(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[label].append(time.perf_counter() - started)

    setattr(owner, name, wrapper)


def timed_cm(owner: Any, name: str, label: str) -> None:
    """Time entering and leaving an async context manager (not what runs inside it)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    @contextlib.asynccontextmanager
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        async with original(*args, **kwargs) as value:
            TIMES[label + " (enter)"].append(time.perf_counter() - started)
            try:
                yield value
            finally:
                started = time.perf_counter()
        TIMES[label + " (exit)"].append(time.perf_counter() - started)

    setattr(owner, name, wrapper)


class InlineExecutor:
    """An Executor that runs the call at once, in the caller's thread."""

    def submit(self, fn: Any, *args: Any) -> Any:
        import concurrent.futures

        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        try:
            future.set_result(fn(*args))
        except BaseException as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        pass


def what_if(inline_handlers: bool, no_lock: bool) -> None:
    import importlib

    from blocksstate.sessions.base import SessionStore

    if inline_handlers:
        inline = InlineExecutor()
        for module_name in ("blocksstate.engine.handlers", "blocksstate.engine.runner"):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            if hasattr(module, "handler_executor"):
                module.handler_executor = lambda: inline  # type: ignore[attr-defined]
    if no_lock:

        class SameVersion:
            # Compares equal to the session's version: "nobody else wrote", as with one worker.
            def __eq__(self, other: object) -> bool:
                return True

            def __ne__(self, other: object) -> bool:
                return False

        @contextlib.asynccontextmanager
        async def locked(self: Any, session_id: str) -> Any:
            yield SameVersion()

        SessionStore.locked = locked  # type: ignore[assignment]


def instrument() -> None:
    """Wrap the stages that exist in this version of the package (its layout moves)."""
    import importlib

    stages = [
        ("blocksstate.engine.runner:Engine.run_event", "async", "Engine.run_event (all steps)"),
        (
            "blocksstate.state.tracking:StateTracker.detect_changes",
            "sync",
            "  detect_changes (pickle States)",
        ),
        (
            "blocksstate.engine.runner:Engine._detect_state_changes",
            "sync",
            "  _detect_state_changes (pickle States)",
        ),
        ("blocksstate.components.state:State.dumps", "sync", "    State.dumps (each pickle)"),
        ("blocksstate.sessions.base:SessionStore.locked", "cm", "SessionStore.locked"),
        ("blocksstate.sessions.base:SessionStore.save", "async", "SessionStore.save"),
        ("blocksstate.protocol:encode", "sync", "protocol.encode (each frame)"),
    ]
    for target, kind, label in stages:
        module_name, _, attr = target.partition(":")
        try:
            owner: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        *path, name = attr.split(".")
        for part in path:
            owner = getattr(owner, part, None)
        if owner is None or not hasattr(owner, name):
            continue
        {"async": timed_async, "sync": timed_sync, "cm": timed_cm}[kind](owner, name, label)


async def open_page(app: str) -> tuple[Any, asyncio.Queue[dict[str, Any]]]:
    """A connection past its ``hello``, and the queue of the frames it sends."""
    from blocksstate import protocol
    from blocksstate.transport.connection import Connection

    frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def send(frame: dict[str, Any]) -> None:
        protocol.encode(frame)  # what the consumer does with it
        await frames.put(frame)

    connection = Connection(
        app,
        send,
        {
            "type": "websocket",
            "headers": [],
            "client": ("127.0.0.1", 1),
            "path": f"/ws/blocks/{app}/",
        },
    )
    await connection.receive(
        json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {}})
    )
    while (await frames.get())["type"] != "session":
        pass
    return connection, frames


async def drive(app: str, events: int, values_for: Any, dep: int, sessions: int = 1) -> list[float]:
    """``events`` events, sent by ``sessions`` pages in turn, one at a time; their latencies."""
    pages = [await open_page(app) for _ in range(sessions)]
    latencies = []
    for n in range(events):
        connection, frames = pages[n % sessions]
        seq = n // sessions + 1
        text = json.dumps({"type": "event", "seq": seq, "dep": dep, "values": values_for(seq)})
        started = time.perf_counter()
        await connection.receive(text)
        while True:
            frame = await frames.get()
            if frame["type"] in ("done", "failed", "error"):
                break
        latencies.append(time.perf_counter() - started)
        if frame["type"] != "done":
            raise SystemExit(f"event {seq} answered {frame}")
    for connection, _ in pages:
        await connection.receive(json.dumps({"type": "close"}))
        await connection.disconnect()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default="counter")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument(
        "--sessions", type=int, default=1, help="pages sending the events in turn (default 1)"
    )
    parser.add_argument("--redis-url")
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--cprofile-dump", metavar="FILE", help="with --cprofile: save the stats")
    parser.add_argument("--pyinstrument", action="store_true")
    parser.add_argument(
        "--inline-handlers",
        action="store_true",
        help="what-if: run sync handlers on the event loop",
    )
    parser.add_argument(
        "--no-lock", action="store_true", help="what-if: no cross-worker session lock"
    )
    parser.add_argument(
        "--drop-activity-tables",
        action="store_true",
        help="drop the recorder's tables after migrating: its writes fail (a site not migrated)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="measure the plain loop this many times (report each median)",
    )
    args = parser.parse_args()
    if args.redis_url:
        os.environ["BENCH_REDIS_URL"] = args.redis_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    # A fresh database, migrated, so the activity recorder writes as it does in a server.
    os.environ.setdefault("BENCH_DB", os.path.join(tempfile.mkdtemp(), "profile.sqlite3"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    if args.drop_activity_tables:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE blocksstate_eventlog")
            cursor.execute("DROP TABLE blocksstate_livesession")
    from blocksstate.app.registry import get_engine

    what_if(args.inline_handlers, args.no_lock)

    engine = get_engine(args.app)
    deps = {d.api_name: d for d in engine.blocks.dependencies}
    main_dep = deps.get("increment") or deps.get("add_items") or deps["add_item"]
    items_id = next(
        (c.id for c in engine.blocks.components.values() if getattr(c, "label", None) == "Items"),
        None,
    )

    def values_for(seq: int) -> dict[str, Any]:
        return {str(items_id): ["Milk", "Water"]} if items_id is not None else {}

    # Warm up, then measure without and with the stage timers, all in one event loop
    # (the package keeps process-wide tasks, such as its sweeper, on the loop).
    profiler: Any = None
    if args.cprofile:
        import cProfile

        profiler = cProfile.Profile()
    elif args.pyinstrument:
        import pyinstrument

        profiler = pyinstrument.Profiler(interval=0.0001, async_mode="disabled")

    async def measure() -> tuple[list[float], list[float], float]:
        from blocksstate.activity import recorder

        await drive(args.app, min(200, args.events), values_for, main_dep.id, args.sessions)
        await recorder.flush()
        medians = []
        cpu = time.process_time()
        for _ in range(args.repeat):
            plain = await drive(args.app, args.events, values_for, main_dep.id, args.sessions)
            medians.append(statistics.median(plain))
        await recorder.flush()  # its writer thread's CPU counts too
        cpu = (time.process_time() - cpu) / (args.repeat * args.events)
        instrument()
        if profiler is not None:
            profiler.enable() if args.cprofile else profiler.start()
        timed = await drive(args.app, args.events, values_for, main_dep.id, args.sessions)
        if profiler is not None:
            profiler.disable() if args.cprofile else profiler.stop()
        return medians, timed, cpu

    loop = asyncio.new_event_loop()
    medians, timed, cpu = loop.run_until_complete(measure())

    def us(values: list[float]) -> str:
        return f"{statistics.median(values) * 1e6:8.1f} µs median, {statistics.fmean(values) * 1e6:8.1f} µs mean"

    cache = "redis" if args.redis_url else "LocMemCache"
    changes = [
        name
        for name, on in (("inline handlers", args.inline_handlers), ("no lock", args.no_lock))
        if on
    ]
    print(
        f"app {args.app}, {args.events} events from {args.sessions} page(s) in turn, "
        f"cache {cache}, in-process (no sockets)"
        + (f", what-if: {', '.join(changes)}" if changes else "")
    )
    print(
        f"  whole event, no timers:        median of each of {args.repeat} loops: "
        + ", ".join(f"{m * 1e6:.1f}" for m in medians)
        + f" µs (best {min(medians) * 1e6:.1f} µs)"
    )
    print(f"  CPU per event, no timers, activity writes included: {cpu * 1e6:.1f} µs")
    print(f"  whole event, with timers:      {us(timed)}")
    for label, values in TIMES.items():
        per_event = sum(values) / len(timed)
        print(
            f"  {label:40} {us(values)}  ({len(values) / len(timed):.1f} per event, {per_event * 1e6:.1f} µs per event)"
        )
    if args.cprofile:
        import pstats

        stats = pstats.Stats(profiler)
        if args.cprofile_dump:
            stats.dump_stats(args.cprofile_dump)
        stats.sort_stats("tottime").print_stats(25)
        if os.environ.get("BENCH_PSTATS"):  # a file for comparing two runs' calls
            stats.dump_stats(os.environ["BENCH_PSTATS"])
    elif args.pyinstrument:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    sys.stdout.flush()
    os._exit(0)  # the package's process-wide tasks (sweeper, activity writer) never end


if __name__ == "__main__":
    sys.exit(main())

"""Sweep timing: how long expiring 1,000 ended sessions takes when M sessions exist.

Run by ``run.py`` (``BENCH_REDIS_URL`` set to its own redis-server), or by hand:

    BENCH_REDIS_URL=redis://127.0.0.1:6390/0 PYTHONPATH=.:bench \\
        python bench/sweep_bench.py --totals 1000,10000,100000 --ended 1000 --runs 3

Without ``BENCH_REDIS_URL`` it uses the embedded LocMemCache (and the sweep's
per-process index). It looks for the package's sweep entry point
(``blocksstate.sessions.sweep.sweep``, or ``sweep`` in a few other likely modules) and,
when there is none, answers ``not_implemented``. Otherwise, for each total M:

- ``M - ended`` connected sessions exist: their keys and their heartbeat entry in
  the expiry index, written in batches with the package's own key and member names
  (as ``SessionStore.save`` and ``lifecycle.heartbeat`` would write them);
- ``ended`` sessions are ended through ``lifecycle.end_session`` (unload, save,
  expiry scheduled ``age`` = 1 s later), as a closed page ends them;
- once they are due, one call of the sweep is timed, and the check is that every
  ended session's keys are gone, that the sweep reports them all expired, and that
  the connected sessions' keys and index entries are still there.

It prints one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import inspect
import json
import os
import statistics
import sys
import time
from typing import Any

SWEEP_CANDIDATES = [
    ("blocksstate.sessions.sweep", "sweep"),
    ("blocksstate.lifecycle", "sweep"),
    ("blocksstate.state.sweep", "sweep"),
    ("blocksstate.state.session", "sweep"),
    ("blocksstate.sweep", "sweep"),
]
APP = "sweep-bench"
BATCH = 1000


def find_sweep() -> tuple[str, Any] | None:
    for module_name, attr in SWEEP_CANDIDATES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        fn = getattr(module, attr, None)
        if callable(fn):
            return f"{module_name}.{attr}", fn
    return None


async def call_sweep(fn: Any, now: float, limit: int) -> Any:
    """Call the sweep with whichever of ``now``/``limit`` it takes (sync or async)."""
    offered = {"now": now, "limit": limit}
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        params = {}
    result = fn(**{name: offered[name] for name in params if name in offered})
    if inspect.isawaitable(result):
        result = await result
    return result


def build_app() -> Any:
    import blocksstate as gr
    from blocksstate.app.registry import register, unregister

    with gr.Blocks(delete_cache=(1, 1)) as blocks:
        count = gr.State(0)
        shown = gr.Number()
        gr.Button().click(lambda c: (c + 1, c + 1), count, [count, shown])
    unregister(APP)
    register(APP, blocks)
    return blocks


def add_live_sessions(blocks: Any, store: Any, count: int) -> list[str]:
    """Write ``count`` connected sessions (keys + heartbeat entry), in batches."""
    from blocksstate.sessions import lifecycle
    from blocksstate.sessions.session import Session

    ids: list[str] = []
    due = time.time() + 3600  # a heartbeat keeps a connected session's end in the future
    for start in range(0, count, BATCH):
        sessions = [Session.new(blocks) for _ in range(min(BATCH, count - start))]
        data: dict[str, Any] = {}
        for session in sessions:
            data[store.key(session.id, "meta")] = session.meta()
            data[store.key(session.id, "version")] = 1
            for component_id in session.pickled:
                data[store.key(session.id, component_id)] = session.pickled[component_id]
        store.cache.set_many(data, 7200)
        members = {lifecycle.end_member(APP, s.id): due for s in sessions}
        if hasattr(store, "redis"):  # a sorted set: one ZADD per batch
            store.redis().zadd(store.index_key, members)
        else:
            for member, when in members.items():
                store.expiry_heap.schedule(member, when)
        ids.extend(s.id for s in sessions)
    return ids


async def end_sessions(blocks: Any, store: Any, count: int) -> list[str]:
    from blocksstate.app.registry import get_engine
    from blocksstate.sessions import lifecycle
    from blocksstate.sessions.session import Session

    engine = get_engine(APP)
    ids = []
    for _ in range(count):
        session = Session.new(blocks)
        await store.save(session, lifecycle.key_timeout(engine))
        await lifecycle.end_session(engine, store, session)
        ids.append(session.id)
    return ids


async def measure(
    fn: Any, blocks: Any, store: Any, live_ids: list[str], ended: int
) -> dict[str, Any]:
    started = time.perf_counter()
    ended_ids = await end_sessions(blocks, store, ended)
    end_seconds = time.perf_counter() - started
    await asyncio.sleep(float(blocks.delete_cache[1]) + 0.5)
    started = time.perf_counter()
    result = await call_sweep(fn, time.time(), max(ended, 1000))
    seconds = time.perf_counter() - started
    ended_left = sum(1 for sid in ended_ids if store.cache.get(store.key(sid, "meta")) is not None)
    sample = live_ids[:: max(1, len(live_ids) // 500)]
    live_left = sum(1 for sid in sample if store.cache.get(store.key(sid, "meta")) is not None)
    expired = result.get("expired") if isinstance(result, dict) else None
    index_size = store.index_size()
    ok = (
        ended_left == 0
        and live_left == len(sample)
        and (expired is None or expired == ended)
        and index_size == len(live_ids)
    )
    return {
        "total": len(live_ids) + ended,
        "ended": ended,
        "seconds": seconds,
        "end_seconds": end_seconds,
        "ok": ok,
        "ended_left": ended_left,
        "live_checked": len(sample),
        "live_left": live_left,
        "index_size": index_size,
        "returned": result if isinstance(result, dict) else repr(result)[:200],
    }


async def run_all(fn: Any, totals: list[int], ended: int, runs: int) -> list[dict[str, Any]]:
    from blocksstate.sessions.backends import get_store

    blocks = build_app()
    store = get_store()
    store.cache.clear()  # the benchmark's own cache: nothing else lives there
    live_ids: list[str] = []
    rows = []
    for total in sorted(totals):
        started = time.perf_counter()
        live_ids += add_live_sessions(blocks, store, max(0, total - ended - len(live_ids)))
        fill = time.perf_counter() - started
        results = [
            await measure(fn, blocks, store, live_ids, min(ended, total)) for _ in range(runs)
        ]
        valid = [r["seconds"] for r in results if r["ok"]]
        rows.append(
            {
                "total": total,
                "ended": min(ended, total),
                "fill_seconds": fill,
                "runs": results,
                "ok": len(valid) == len(results),
                "median": statistics.median(valid) if valid else None,
                "min": min(valid) if valid else None,
                "max": max(valid) if valid else None,
            }
        )
        print(
            f"sweep total={total}: {[round(r['seconds'] * 1000, 1) for r in results]} ms ok={rows[-1]['ok']} {[r['returned'] for r in results][:1]}",
            file=sys.stderr,
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--totals", default="1000,10000,100000")
    parser.add_argument("--ended", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
    import django

    django.setup()
    found = find_sweep()
    if found is None:
        print(
            json.dumps(
                {
                    "status": "not_implemented",
                    "looked_for": [f"{m}.{a}" for m, a in SWEEP_CANDIDATES],
                }
            )
        )
        return
    name, fn = found
    rows = asyncio.run(run_all(fn, [int(t) for t in args.totals.split(",")], args.ended, args.runs))
    cache = "redis" if os.environ.get("BENCH_REDIS_URL") else "locmem"
    print(json.dumps({"status": "ok", "entry_point": name, "cache": cache, "rows": rows}))


if __name__ == "__main__":
    main()

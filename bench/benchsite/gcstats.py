"""Time spent in the cyclic garbage collector, by generation (``BENCH_GCSTATS=1``).

``/bench/stats.json`` reports it under ``gc`` (``?gcreset=1`` starts a new count
after reporting); used to size what collections cost at 50 and 200 sessions.
"""

from __future__ import annotations

import gc
import time
from typing import Any

_started: float | None = None
_totals: dict[int, list[float]] = {}
# Collections of 1 ms or more: (wall-clock start, seconds, generation), for lining up
# with the load generator's per-event stamps (``bench/redis_tail.py``).
_pauses: list[tuple[float, float, int]] = []


def _callback(phase: str, info: dict[str, Any]) -> None:
    global _started
    if phase == "start":
        _started = time.perf_counter()
    elif _started is not None:
        entry = _totals.setdefault(info["generation"], [0, 0.0, 0])
        entry[0] += 1
        entry[1] += time.perf_counter() - _started
        entry[2] += info.get("collected", 0)
        took = time.perf_counter() - _started
        if took >= 0.001 and len(_pauses) < 10_000:
            _pauses.append((time.time() - took, took, info["generation"]))
        _started = None


def start() -> None:
    if _callback not in gc.callbacks:
        gc.callbacks.append(_callback)


def report(reset: bool = False) -> dict[str, Any] | None:
    if _callback not in gc.callbacks:
        return None
    answer = {
        str(gen): {"collections": n, "seconds": round(s, 4), "collected": c}
        for gen, (n, s, c) in sorted(_totals.items())
    }
    answer["frozen"] = gc.get_freeze_count()
    answer["tracked"] = len(gc.get_objects())
    answer["pauses"] = list(_pauses)
    if reset:
        _totals.clear()
        _pauses.clear()
    return answer

"""CPU time of server processes over a measured window, that never goes negative.

Each process's own CPU clock is read (``clock_gettime`` on the process's CPU-time
clock: every thread of it, live and exited, to the nanosecond; not its children), for
the servers and every descendant, and kept per pid. A window's CPU is the sum over
the pids of what each used in it: a process that started during the window counts
whole, one that exited during it counts for nothing (what it used since the first
reading cannot be read any more). Before, one total over the process tree was read
twice and subtracted; a child or a thread that exited in between took its whole CPU
out of the second total, and the figure could go negative (Gradio at 50 sessions,
−1.65 %).
"""

from __future__ import annotations

import time

import psutil

CPUCLOCK_SCHED = 2  # Linux: the process-wide CPU clock of clockid ((~pid) << 3) | 2


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time of one process (all its threads, exited ones included), or None once it is gone."""
    try:
        return time.clock_gettime(((~pid) << 3) | CPUCLOCK_SCHED)
    except OSError:
        return None


def family(pids: list[int]) -> list[int]:
    """These processes and all their descendants, each once."""
    seen: dict[int, None] = {}
    for pid in pids:
        seen[pid] = None
        try:
            for child in psutil.Process(pid).children(recursive=True):
                seen[child.pid] = None
        except psutil.NoSuchProcess:
            continue
    return list(seen)


def snapshot(pids: list[int]) -> dict[int, float]:
    """Each process's own CPU seconds, for these processes and their descendants."""
    readings = {}
    for pid in family(pids):
        seconds = process_cpu_seconds(pid)
        if seconds is not None:
            readings[pid] = seconds
    return readings


def used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots, pid by pid (never below zero)."""
    return sum(max(0.0, seconds - before.get(pid, 0.0)) for pid, seconds in after.items())

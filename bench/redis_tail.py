"""Where the Redis path's latency tail comes from: 1 and 2 workers, embedded and Redis, in turn.

    PYTHONPATH=. /tmp/venv311/bin/python bench/redis_tail.py --sessions 50 --events 40 --rounds 3
        [--sets embedded:1,embedded:2,redis:1,redis:2] [--blocksstate '{"...": ...}']

Starts every set at once (run.py's servers: daphne workers pinned to core 0 with
redis-server, the load generator on core 1, ``BENCH_GCSTATS=1``), then round after round
runs the counter in each set in turn (A B C D A B C D). Embedded with 2 workers is the
control: the sessions are spread over the workers in turn, so each worker's sessions stay
its own and the embedded store works; it has two processes sharing the core as the Redis
set does, without Redis. Per run it prints the latency percentiles, the workers' CPU per
event, their involuntary context switches per event (the scheduler taking the core from a
runnable worker), and for the slowest 1 % of events: the share that overlaps a garbage
collection of 1 ms or more in their worker, and how they bunch in time (the share of
them in the busiest tenth of the 50 ms windows that hold any). Not part of run.py's
figures.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cpu
import run as bench


def ctxt(pid: int) -> tuple[int, int]:
    """(voluntary, involuntary) context switches of every thread of ``pid``."""
    vol = invol = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches"):
                vol += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches"):
                invol += int(line.split()[1])
    return vol, invol


def one_run(loadgen: bench.LoadGen, servers: Any, sessions: int, events: int) -> dict[str, Any]:
    for base in servers.bases:  # start a new count of collections
        bench.http_get(f"{base}/bench/stats.json?gcreset=1", timeout=60)
    loadgen.send(
        {
            "op": "events",
            "target": "ours",
            "bases": servers.bases,
            "app": "counter",
            "kind": "counter",
            "n": 0,
            "change": False,
            "sessions": sessions,
            "events": events,
            "stamps": True,
        }
    )
    loadgen.read()
    pids = servers.pids + ([servers.redis.proc.pid] if servers.redis else [])
    cpu0, sw0, t0 = cpu.snapshot(servers.pids), [ctxt(p) for p in pids], time.time()
    loadgen.send({"op": "go"})
    loadgen.read()
    cpu1, sw1, t1 = cpu.snapshot(servers.pids), [ctxt(p) for p in pids], time.time()
    result = loadgen.read()
    assert result["ok"], (result["errors"], result["mismatches"])
    pauses = [
        json.loads(bench.http_get(f"{base}/bench/stats.json", timeout=60))["gc"]["pauses"]
        for base in servers.bases
    ]
    n = result["events"]
    pauses = [[p for p in found if t0 <= p[0] <= t1] for found in pauses]  # not the stats' own
    lat = sorted(result["latencies"])
    p50, p99 = bench.percentile(lat, 0.5), bench.percentile(lat, 0.99)
    slow = [s for s in result["stamps"] if s[1] >= p99]
    workers = len(servers.bases)

    def in_gc(stamp: list[Any]) -> bool:
        end, ms, index = stamp
        start = end - ms / 1000
        return any(
            t < end and t + took > start and gen >= 0 for t, took, gen in pauses[index % workers]
        )

    bins = collections.Counter(int(s[0] / 0.05) for s in slow)
    top = sorted(bins.values(), reverse=True)[: max(1, len(bins) // 10)]
    by_worker = collections.defaultdict(list)
    for _end, ms, index in result["stamps"]:
        by_worker[index % workers].append(ms)
    return {
        "p50": p50,
        "p90": bench.percentile(lat, 0.9),
        "p99": p99,
        "tail": p99 / p50,
        "cpu_ms": 1000 * cpu.used(cpu0, cpu1) / n,
        "invol": [(b[1] - a[1]) / n for a, b in zip(sw0, sw1, strict=True)],
        "vol": [(b[0] - a[0]) / n for a, b in zip(sw0, sw1, strict=True)],
        "worker_p99": [bench.percentile(sorted(v), 0.99) for _, v in sorted(by_worker.items())],
        "slow_in_gc": sum(map(in_gc, slow)) / max(1, len(slow)),
        "gc_pauses": [len(p) for p in pauses],
        "gc_ms_per_event": sum(took for p in pauses for _, took, _ in p) * 1000 / n,
        "gc_max_ms": max((took * 1000 for p in pauses for _, took, _ in p), default=0.0),
        "slow_bunched": sum(top) / max(1, len(slow)),
    }


def profile(
    loadgen: bench.LoadGen, servers: Any, name: str, out: Path, sessions: int, events: int
) -> None:
    """py-spy on the set's first worker during one run; shares of its samples, printed."""
    raw = out / f"profile-{name.replace(':', '-').replace('/', '_')}.txt"
    spy = bench.Proc(
        f"py-spy-{len(list(out.iterdir()))}",
        [str(Path(sys.executable).parent / "py-spy"), "record", "--rate", "250", "--nonblocking"]
        + ["--format", "raw", "--output", str(raw), "--pid", str(servers.pids[0])],
        bench.CLIENT_CORE,
        out,
    )
    time.sleep(1.5)
    one_run(loadgen, servers, sessions, events)
    spy.stop(signal.SIGINT, timeout=30)
    summary = bench.summarize_profile(raw)
    print(f"\nprofile {name}: {summary['samples']} samples, {raw}")
    for title in ("owners", "blocksstate", "self"):
        print(f"  {title}: " + ", ".join(f"{f} {p:.1f}%" for f, p in summary[title][:25]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sets",
        default="embedded:1,embedded:2,redis:1,redis:2",
        help="mode:workers[:tree], the tree a blocksstate checkout (default this one)",
    )
    parser.add_argument(
        "--profile", type=int, default=0, help="then py-spy each set's first worker over N events"
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="also each Redis set again with redis-server as SCHED_BATCH (its wake-ups do not"
        " preempt a worker); the set's name ends in +batch",
    )
    parser.add_argument("--blocksstate", default="", help="BENCH_BLOCKSSTATE for every set")
    args = parser.parse_args()
    os.environ["BENCH_GCSTATS"] = "1"
    if args.blocksstate:
        os.environ["BENCH_BLOCKSSTATE"] = args.blocksstate
    bench.RESULTS.mkdir(exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="redis-tail-", dir=bench.RESULTS))
    os.sched_setaffinity(0, {int(bench.CLIENT_CORE)})
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
        env=bench.our_env(None, out),
        cwd=bench.BENCH,
        check=True,
        capture_output=True,
    )
    sets = [tuple(s.split(":")) for s in args.sets.split(",")]
    if args.batch:
        sets += [(f"{k[0]}+batch", *k[1:]) for k in sets if k[0] == "redis"]
        batch_redis = bench.Redis(out)
        os.sched_setscheduler(batch_redis.proc.pid, os.SCHED_BATCH, os.sched_param(0))
    redis = bench.Redis(out)
    loadgen = bench.LoadGen(out)
    servers: dict[tuple[str, ...], Any] = {}
    rows: dict[tuple[str, ...], list[dict[str, Any]]] = collections.defaultdict(list)
    here = bench.REPO
    try:
        for key in sets:
            bench.REPO = Path(key[2]) if len(key) > 2 else here  # read by run.our_env
            tag = f"{key[0]}{key[1]}-{len(servers)}"
            mode = key[0].removesuffix("+batch")
            on = batch_redis if key[0].endswith("+batch") else redis
            servers[key] = s = bench.OurServers(
                mode, out, on if mode == "redis" else None, tag, int(key[1])
            )
            bench.REPO = here
            one_run(loadgen, s, 10, 5)  # warm-up
        for round_ in range(1, args.rounds + 1):
            for key in sets:
                row = one_run(loadgen, servers[key], args.sessions, args.events)
                rows[key].append(row)
                print(f"round {round_} {':'.join(key)} " + json.dumps(_short(row)))
                sys.stdout.flush()
                time.sleep(0.5)
        for key in sets if args.profile else []:
            profile(loadgen, servers[key], ":".join(key), out, args.sessions, args.profile)
    finally:
        for s in servers.values():
            s.stop()
        loadgen.stop()
        redis.stop()
        if args.batch:
            batch_redis.stop()
    print(f"\nmedians of {args.rounds} rounds, {args.sessions} sessions, {args.events} events each")
    print(
        "set             p50    p90    p99  p99/p50  cpu ms/ev  gc ms/ev  invol/ev (workers, redis)"
        "  slow in gc  bunched"
    )
    for key, runs in rows.items():
        med = {k: statistics.median(r[k] for r in runs) for k in ("p50", "p90", "p99", "tail")}
        med["cpu_ms"] = statistics.median(r["cpu_ms"] for r in runs)
        gc_ms = statistics.median(r["gc_ms_per_event"] for r in runs)
        invol = [
            round(statistics.median(r["invol"][i] for r in runs), 2)
            for i in range(len(runs[0]["invol"]))
        ]
        in_gc = statistics.median(r["slow_in_gc"] for r in runs)
        bunched = statistics.median(r["slow_bunched"] for r in runs)
        print(
            f"{':'.join(key)[:14]:14} {med['p50']:6.1f} {med['p90']:6.1f} {med['p99']:6.1f}"
            f" {med['tail']:7.2f}  {med['cpu_ms']:9.3f} {gc_ms:9.3f}  {invol!s:26}"
            f" {in_gc:9.2f}  {bunched:7.2f}"
        )


def _short(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return [_short(v) for v in value]
    if isinstance(value, dict):
        return {k: _short(v) for k, v in value.items()}
    return value


if __name__ == "__main__":
    main()

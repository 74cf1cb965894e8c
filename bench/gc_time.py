"""Time in garbage collection per event, at several session counts, on one embedded worker.

    python bench/gc_time.py --sessions 50,200 --repeat 3 [--app counter] [--events 20]

Starts one daphne worker (benchsite, embedded defaults, ``BENCH_GCSTATS=1``) pinned to
core 0 and the load generator on core 1, then runs the session counts in turn,
``--repeat`` times (alternating, so a change in the machine's speed hits each alike).
Prints, per run: events/s, the worker's CPU per event, and the time spent in
collections per event by generation. Used for the GC analysis in docs/performance.md;
not part of ``run.py``'s figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
PORT = 8765


def get_json(path: str) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=60) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", default="50,200")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--app", default="counter")
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gc-time-"))
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(REPO), str(BENCH)]),
        DJANGO_SETTINGS_MODULE="benchsite.settings",
        BENCH_DB=str(tmp / "bench.sqlite3"),
        BENCH_GCSTATS="1",
    )
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], env=env, cwd=BENCH, check=True
    )
    server = subprocess.Popen(
        ["taskset", "-c", "0", sys.executable, "-m", "daphne", "-v", "0", "-p", str(PORT)]
        + ["benchsite.asgi:application"],
        env=env,
        cwd=BENCH,
    )
    loadgen = subprocess.Popen(
        ["taskset", "-c", "1", sys.executable, str(BENCH / "loadgen.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )

    def command(message: dict) -> None:
        loadgen.stdin.write(json.dumps(message) + "\n")
        loadgen.stdin.flush()

    def answer(status: str) -> dict:
        while True:
            line = loadgen.stdout.readline()
            if not line:
                raise SystemExit("the load generator stopped")
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("status") == status:
                return message

    try:
        for _ in range(100):
            try:
                get_json("/bench/apps.json")
                break
            except OSError:
                time.sleep(0.3)
        worker = psutil.Process(server.pid)
        counts = [int(n) for n in args.sessions.split(",")] * args.repeat
        for sessions in counts:
            command(
                {
                    "op": "events",
                    "target": "ours",
                    "bases": [f"http://127.0.0.1:{PORT}"],
                    "app": args.app,
                    "kind": args.app.split("-")[0],
                    "n": 0,
                    "change": False,
                    "sessions": sessions,
                    "events": args.events,
                }
            )
            answer("ready")
            get_json("/bench/stats.json?gcreset=1")
            before = worker.cpu_times()
            command({"op": "go"})
            result = answer("result")
            after = worker.cpu_times()
            gc_stats = get_json("/bench/stats.json")["gc"]
            events = result["events"]
            cpu = after.user + after.system - before.user - before.system
            by_generation = {
                gen: round(v["seconds"] / events * 1000, 4)
                for gen, v in gc_stats.items()
                if gen.isdigit()
            }
            print(
                f"{sessions:4d} sessions: {events / result['wall']:6.0f} events/s, "
                f"CPU {cpu / events * 1000:.3f} ms/event, GC ms/event by generation "
                f"{by_generation} (generation 2 includes the report's own gc.collect()), "
                f"check {'ok' if result['ok'] else 'FAILED'}",
                flush=True,
            )
        command({"op": "quit"})
    finally:
        server.terminate()
        loadgen.kill()


if __name__ == "__main__":
    main()

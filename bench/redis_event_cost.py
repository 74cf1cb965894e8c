"""redis-server's CPU per event with nothing else on its core: the session store's two scripts.

    PYTHONPATH=. python bench/redis_event_cost.py [--events 100000] [--sessions 50] [--rounds 3] [--lease]

Starts its own redis-server pinned to core 0 (``taskset``) and sends it, from
``redis-benchmark`` on core 1 with ``--sessions`` connections, what an event of the counter
sends: the take script (lock, version, wanted) and the commit script (three values, the version,
the lock), each ``--events`` times on random sessions; with ``--lease``, the commit alone,
as a busy page's event sends it on its lease (``sessions/lease.py``). Prints redis-server's CPU
(``INFO cpu``, user + sys) per event, each round and the median: what one Redis core
sustains, for docs/performance.md's projection (the bench's scaling run has Redis share
its core with the workers).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pickle
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator

from blocksstate.sessions.backends.redis import _COMMIT, _TAKE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def run_script(port: int, sha: str, keys: list[str], args: list[str], n: int, c: int) -> None:
    """``EVALSHA`` ``n`` times from ``c`` connections (redis-benchmark, a C client on core 1:
    it keeps redis-server busy, as many workers do). ``__rand_int__`` makes each call's
    session a random one of 100,000."""
    subprocess.run(
        ["redis-benchmark", "-p", str(port), "-n", str(n), "-c", str(c), "-r", "100000", "-q",
         "EVALSHA", sha, str(len(keys)), *keys, *args],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def event_cost(
    client, port: int, events: int, connections: int, lease: bool = False
) -> tuple[float, float]:
    """redis-server's CPU seconds and the wall seconds for ``events`` events (take + commit;
    with ``lease``, as a busy page's event on its lease: the commit only)."""
    tag = ":1:blocksstate:v1:{s__rand_int__}:"
    value = pickle.dumps({"count": 41, "label": "Count"}).hex()  # about a counter's parts
    calls = [
        # The scripts' keys and arguments as ``SessionStore._take_call`` and ``_commit_call``
        # make them (the lock let go of: no lease).
        (
            client.script_load(_TAKE),
            [tag + "lock", tag + "version", tag + "wanted"],
            ["owner", "30000"],
        ),
        (
            client.script_load(_COMMIT),
            [tag + "version", tag + "lock", tag + "wanted", tag + "1", tag + "2", tag + "ran"],
            ["owner", "0", "86400000", "0", value, value, value],
        ),
    ]
    if lease:
        calls = calls[1:]
    before, started = cpu_seconds(client), time.monotonic()
    for sha, keys, argv in calls:
        run_script(port, sha, keys, argv, events, connections)
    return cpu_seconds(client) - before, time.monotonic() - started


@contextlib.contextmanager
def pinned_redis(core: int) -> Iterator[int]:
    """A redis-server of its own, pinned to ``core``, answering; yields its port."""
    import redis

    port = free_port()
    server = subprocess.Popen(
        ["taskset", "-c", str(core), "redis-server", "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield port
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--lease",
        action="store_true",
        help="a busy page's event on its lease (SESSION_LEASE): the commit script only",
    )
    args = parser.parse_args()

    import redis

    os.sched_setaffinity(0, {1})
    with pinned_redis(0) as port:
        client = redis.Redis(port=port)
        event_cost(client, port, 2000, args.sessions, args.lease)  # warm-up
        per_event = []
        for n in range(args.rounds):
            used, wall = event_cost(client, port, args.events, args.sessions, args.lease)
            per_event.append(used / args.events * 1000)
            print(
                f"round {n + 1}: {per_event[-1] * 1000:.1f} µs of redis-server CPU per event, "
                f"{args.events / wall:,.0f} events/s, redis-server at {used / wall:.0%} of its core"
            )
        print(f"median: {statistics.median(per_event) * 1000:.1f} µs per event")


if __name__ == "__main__":
    main()

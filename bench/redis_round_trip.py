"""What one round trip to Redis costs, one call at a time (as one page's events make them).

    PYTHONPATH=. python bench/redis_round_trip.py [--calls 20000] [--rounds 3] [--redis-core 0]

Starts its own redis-server pinned to ``--redis-core`` (0: the core the bench's servers
share; 1: the other one) and calls it from this process, pinned to core 0, one call
after another, each waiting for its reply:

- ``PING`` from a blocking socket (the kernel's share: a write, a sleep, a read);
- ``PING`` from asyncio streams (what the event loop adds: a turn to sleep in
  ``epoll``, a turn to wake the waiting coroutine);
- ``PING`` and the session store's commit script through the lean client
  (``state/redis_lean.py``), as an event's commit goes.

For each: this process's CPU per call (user + system) and redis-server's. At one
session the bench's Redis event pays one such commit on top of the embedded event
(docs/performance.md, "eleventh pass").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import resource
import socket
import statistics
from collections.abc import Awaitable, Callable

from redis_event_cost import pinned_redis

from blocksstate.sessions.backends.redis import _COMMIT
from blocksstate.state.redis_lean import LeanClient


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def redis_cpu(port: int) -> float:
    """redis-server's CPU seconds so far (``INFO cpu``: user + system)."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"INFO cpu\r\n")
        data = sock.recv(65536)
        header, _, body = data.partition(b"\r\n")  # a bulk string: $<length>
        while len(body) < int(header[1:]) + 2:
            body += sock.recv(65536)
    fields = dict(line.split(":", 1) for line in body.decode().splitlines() if ":" in line)
    return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


async def measure(
    port: int, calls: int, one: Callable[[], Awaitable[object]]
) -> tuple[float, float]:
    """This process's and redis-server's CPU µs per call."""
    own, server = own_cpu(), redis_cpu(port)
    for _ in range(calls):
        await one()
    return (own_cpu() - own) / calls * 1e6, (redis_cpu(port) - server) / calls * 1e6


async def cases(port: int) -> dict[str, Callable[[], Awaitable[object]]]:
    blocking = socket.create_connection(("127.0.0.1", port))
    blocking.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    async def blocking_ping() -> object:
        blocking.sendall(b"PING\r\n")
        return blocking.recv(64)

    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def streams_ping() -> object:
        writer.write(b"PING\r\n")
        return await reader.readline()

    lean = LeanClient({"host": "127.0.0.1", "port": port})
    tag = "blocksstate:v1:{s}:"
    keys = [tag + "version", tag + "lock", tag + "wanted", tag + "1", tag + "ran"]
    owner = pickle.dumps("owner")
    await lean.call("SET", tag + "lock", owner)
    version = [int(await lean.call("GET", tag + "version") or 0)]
    value = pickle.dumps({"count": 41, "label": "Count"})

    async def lean_commit() -> object:
        # The counter's commit on a lease: two values, the version, the lock kept. (Kept an
        # hour, not SESSION_LEASE: between rounds the lock must not expire, or the later
        # rounds would time a commit that finds it gone; the script's work is the same.)
        reply = await lean.run(_COMMIT, keys, [owner, version[0], 86400000, 3600000, value, value])
        version[0] = int(reply[0])
        return reply

    async def lean_ping() -> object:
        return await lean.call("PING")

    return {
        "PING, blocking socket": blocking_ping,
        "PING, asyncio streams": streams_ping,
        "PING, lean client": lean_ping,
        "commit script, lean client": lean_commit,
    }


async def run(port: int, calls: int, rounds: int) -> None:
    found = await cases(port)
    for one in found.values():  # warm-up
        await measure(port, 2000, one)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in found}
    for _ in range(rounds):  # the cases take turns, round by round
        for name, one in found.items():
            results[name].append(await measure(port, calls, one))
    print(f"{'call':32} {'this process µs':>16} {'redis-server µs':>16}")
    for name, pairs in results.items():
        own = statistics.median(p[0] for p in pairs)
        server = statistics.median(p[1] for p in pairs)
        print(f"{name:32} {own:16.1f} {server:16.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--redis-core", type=int, default=0)
    args = parser.parse_args()

    os.sched_setaffinity(0, {0})
    with pinned_redis(args.redis_core) as port:
        asyncio.run(run(port, args.calls, args.rounds))


if __name__ == "__main__":
    main()

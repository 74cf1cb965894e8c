"""Load generator: real clients in a process of their own, driven by ``run.py``.

It speaks blocksstate's protocol v1 over WebSockets (``websockets``) or Gradio's
queue protocol over HTTP + SSE (``aiohttp``), as a browser page would. It reads one
JSON command per line on stdin and answers JSON lines on stdout:

    {"op": "events", "target": "ours"|"floor"|"gradio", "bases": [...], "app": "counter",
     "kind": "counter"|"cart"|"bigstate", "n": 0, "change": false,
     "sessions": 50, "events": 20}
        -> {"status": "ready"}      sessions connected (hello answered), nothing timed yet
    {"op": "go"}
        -> {"status": "measured", "wall": s}   the last event of the last session is done
        -> {"status": "result", ...}           latencies, errors and the correctness check
    {"op": "idle", "target": ..., "bases": [...], "app": "counter", "sessions": 1000}
        -> {"status": "opened", ...}  N sessions connected and idle
    {"op": "close", "close_frame": false}
        -> {"status": "closed"}     every socket closed (dropped, or with a ``close`` frame)
    {"op": "quit"}

Target ``floor`` is one of the floor scenario's echo servers (``floor.py``): blocksstate's
protocol and the counter app's ids, at ``floor.FLOOR_PATH``.

Sessions are spread over ``bases`` in turn (one per worker: no load balancer needed).
Latency of one event: from just before the event is sent to the frame that ends it
(``done``; for Gradio ``process_completed`` of the click, and, when the click changed a
State that has a ``.change`` listener, of that listener too, which Gradio's browser
fires as a second request).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import resource
import string
import sys
import time
from typing import Any

import aiohttp
import websockets
from floor import COUNTER_SPEC, FLOOR_PATH

CART_CHOICES = ["Cereal", "Milk", "Orange Juice", "Water"]
EVENT_TIMEOUT = float(os.environ.get("BENCH_EVENT_TIMEOUT", "300"))
CONNECT_CONCURRENCY = 50  # handshakes in flight at once (listen backlogs are small)
MAX_ERRORS = 20


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


class CheckFailed(Exception):
    pass


# -- what each app is sent and what it must answer ---------------------------------------


def cart_selection(session_index: int, event_index: int) -> list[str]:
    """A selection of 1 to 4 items that differs between sessions and between events."""
    size = (session_index + event_index) % len(CART_CHOICES) + 1
    start = (session_index * 7 + event_index) % len(CART_CHOICES)
    return [CART_CHOICES[(start + i) % len(CART_CHOICES)] for i in range(size)]


class AppSpec:
    """Ids of one app's components and events, read from its config."""

    def __init__(
        self,
        kind: str,
        n: int,
        change: bool,
        components: dict[int, dict[str, Any]],
        deps: list[dict[str, Any]],
    ) -> None:
        self.kind, self.n, self.change = kind, n, change
        self.components = components
        self.deps = {d["api_name"]: d for d in deps if d.get("api_name")}
        self.all_deps = deps
        by_label = {c.get("label"): cid for cid, c in components.items() if c.get("label")}
        if kind == "counter":
            self.main = self.deps["increment"]
            self.watch = by_label["Count"]
        elif kind == "cart":
            self.main = self.deps["add_items"]
            self.items = by_label["Items"]
            self.watch = by_label["Cart Size"]
        else:
            self.main = self.deps["add_item"]
            self.check = self.deps["length"]
            self.watch = by_label["Length"]

    def values(self, session_index: int, event_index: int) -> dict[int, Any]:
        if self.kind == "cart":
            return {self.items: cart_selection(session_index, event_index)}
        return {}

    def expected(self, session_index: int, event_index: int) -> Any:
        """The value the watched component must show after event ``event_index`` (0-based), or None."""
        if self.kind == "counter":
            return event_index + 1
        if self.kind == "cart":
            return sum(len(cart_selection(session_index, k)) for k in range(event_index + 1))
        return self.n + event_index + 1 if self.change else None

    def change_listeners(self, state_id: int) -> list[dict[str, Any]]:
        return [d for d in self.all_deps if [state_id, "change"] in [list(t) for t in d["targets"]]]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


# -- blocksstate: protocol v1 over a WebSocket ----------------------------------------------


class OursSession:
    def __init__(
        self, base: str, app: str, spec: AppSpec | None, index: int, path: str | None = None
    ) -> None:
        self.base, self.app, self.spec, self.index = base, app, spec, index
        self.path = path or f"/ws/blocks/{app}/"
        self.ws: Any = None
        self.seq = 0
        self.session_id: str | None = None
        self.shown: dict[int, Any] = {}
        self.unread: list[dict[str, Any]] = []  # the rest of a message of several frames

    async def next_frame(self) -> dict[str, Any]:
        """The next frame: a message holds one, or several in a JSON array (docs/protocol.md)."""
        if not self.unread:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), EVENT_TIMEOUT))
            self.unread = message[::-1] if isinstance(message, list) else [message]
        return self.unread.pop()

    async def open(self) -> None:
        url = self.base.replace("http", "ws", 1) + self.path
        self.ws = await websockets.connect(
            url, origin=self.base, max_size=None, open_timeout=120, ping_interval=None
        )
        await self.ws.send(
            json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {}})
        )
        while True:
            frame = await self.next_frame()
            if frame["type"] == "session":
                self.session_id = frame["session"]
                return
            if frame["type"] == "error":
                raise CheckFailed(f"hello refused: {frame}")

    async def event(self, dep: int, values: dict[int, Any]) -> float:
        """Send one event; return its latency in ms. Shown values land in ``self.shown``."""
        self.seq += 1
        seq = self.seq
        frame = json.dumps(
            {
                "type": "event",
                "seq": seq,
                "dep": dep,
                "values": {str(k): v for k, v in values.items()},
            }
        )
        started = time.perf_counter()
        await self.ws.send(frame)
        while True:
            answer = await self.next_frame()
            kind = answer["type"]
            if kind == "update" and answer.get("seq") == seq:
                for cid, entry in answer["updates"].items():
                    if "value" in entry:
                        self.shown[int(cid)] = entry["value"]
            elif kind == "done" and answer.get("seq") == seq:
                return (time.perf_counter() - started) * 1000
            elif (kind in ("failed", "alert") and answer.get("seq") == seq) or (
                kind == "error" and answer.get("seq") in (seq, None)
            ):
                raise CheckFailed(f"event {seq} answered {answer}")

    async def close(self, close_frame: bool) -> None:
        if self.ws is None:
            return
        try:
            if close_frame:
                await self.ws.send(json.dumps({"type": "close"}))
            await self.ws.close()
        except Exception:
            pass


# -- Gradio: queue/join + SSE queue/data, as its browser client does -------------------------


def gradio_session_hash() -> str:
    # The browser's: Math.random().toString(36).substring(2)
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=11))


class GradioSession:
    def __init__(
        self,
        http: aiohttp.ClientSession,
        base: str,
        spec: AppSpec | None,
        index: int,
        api_prefix: str,
        state_ids: set[int],
    ) -> None:
        self.http, self.base, self.spec, self.index = http, base, spec, index
        self.api = base + api_prefix
        self.session_hash = gradio_session_hash()
        self.session_id = self.session_hash
        self.state_ids = state_ids
        self.page: dict[int, Any] = {}  # values of the page's components, as the browser holds them
        self.shown: dict[int, Any] = {}
        self.heartbeat: asyncio.Task[None] | None = None

    async def open(self) -> None:
        # The browser keeps a heartbeat stream open per page; Gradio ends the session when it closes.
        ready = asyncio.get_running_loop().create_future()
        self.heartbeat = asyncio.create_task(self._heartbeat(ready))
        await asyncio.wait_for(ready, EVENT_TIMEOUT)

    async def _heartbeat(self, ready: asyncio.Future[None]) -> None:
        try:
            async with self.http.get(
                f"{self.api}/heartbeat/{self.session_hash}",
                timeout=aiohttp.ClientTimeout(total=None),
            ) as response:
                async for _line in response.content:
                    if not ready.done():
                        ready.set_result(None)
        except Exception as exc:
            if not ready.done():
                ready.set_exception(exc)

    async def _run_dep(self, dep: dict[str, Any], trigger_id: int) -> dict[str, Any]:
        data = [None if cid in self.state_ids else self.page.get(cid) for cid in dep["inputs"]]
        body = {
            "data": data,
            "event_data": None,
            "fn_index": dep["id"],
            "trigger_id": trigger_id,
            "session_hash": self.session_hash,
        }
        async with self.http.post(f"{self.api}/queue/join", json=body) as response:
            if response.status != 200:
                raise CheckFailed(f"queue/join answered {response.status}: {await response.text()}")
            event_id = (await response.json())["event_id"]
        completed = None
        async with self.http.get(
            f"{self.api}/queue/data", params={"session_hash": self.session_hash}
        ) as response:
            if response.status != 200:
                raise CheckFailed(f"queue/data answered {response.status}")
            async for raw in response.content:
                line = raw.strip()
                if not line.startswith(b"data:"):
                    continue
                message = json.loads(line[5:])
                if (
                    message.get("msg") == "process_completed"
                    and message.get("event_id") == event_id
                ):
                    completed = message
                elif message.get("msg") == "close_stream":
                    break
        if completed is None:
            raise CheckFailed(f"no process_completed for event {event_id}")
        if not completed.get("success"):
            raise CheckFailed(f"event failed: {completed.get('output')}")
        output = completed["output"]
        for cid, value in zip(dep["outputs"], output["data"], strict=False):
            if cid in self.state_ids:
                continue
            if isinstance(value, dict) and value.get("__type__") == "update":
                if "value" not in value:
                    continue
                value = value["value"]
            self.page[cid] = value
            self.shown[cid] = value
        return output

    async def event(self, dep: dict[str, Any], values: dict[int, Any]) -> float:
        self.page.update(values)
        started = time.perf_counter()
        trigger = dep["targets"][0][0]
        output = await self._run_dep(dep, trigger)
        # Gradio's browser fires the .change listeners of States the server says changed.
        pending = list(output.get("changed_state_ids") or [])
        while pending:
            state_id = pending.pop(0)
            for listener in self.spec.change_listeners(state_id) if self.spec else []:
                more = await self._run_dep(listener, state_id)
                pending.extend(more.get("changed_state_ids") or [])
        return (time.perf_counter() - started) * 1000

    async def close(self, close_frame: bool) -> None:
        if self.heartbeat is not None:
            self.heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.heartbeat


# -- the two operations ---------------------------------------------------------------------------


class Driver:
    def __init__(self) -> None:
        self.http: aiohttp.ClientSession | None = None
        self.sessions: list[Any] = []
        self.lines: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def http_session(self) -> aiohttp.ClientSession:
        if self.http is None:
            self.http = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, limit_per_host=0),
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=60),
            )
        return self.http

    async def spec(
        self, target: str, base: str, command: dict[str, Any]
    ) -> tuple[AppSpec, dict[str, Any]]:
        http = await self.http_session()
        if target == "floor":
            components, deps, extra = COUNTER_SPEC["components"], COUNTER_SPEC["deps"], {}
        elif target == "ours":
            async with http.get(f"{base}/bench/apps.json") as response:
                app = (await response.json())["apps"][command["app"]]
            components = {int(k): v for k, v in app["components"].items()}
            deps = [
                {
                    "id": d["id"],
                    "api_name": d["api_name"],
                    "targets": d["triggers"],
                    "inputs": d["inputs"],
                    "outputs": d["outputs"],
                }
                for d in app["dependencies"]
            ]
            extra: dict[str, Any] = {}
        else:
            async with http.get(f"{base}/config") as response:
                config = await response.json()
            components = {
                c["id"]: {"type": c["type"], "label": c.get("props", {}).get("label")}
                for c in config["components"]
            }
            deps = [
                {
                    "id": d["id"],
                    "api_name": d.get("api_name"),
                    "targets": d["targets"],
                    "inputs": d["inputs"],
                    "outputs": d["outputs"],
                }
                for d in config["dependencies"]
            ]
            extra = {
                "api_prefix": config.get("api_prefix", "/gradio_api"),
                "state_ids": {cid for cid, c in components.items() if c["type"] == "state"},
            }
        return AppSpec(
            command.get("kind", "counter"),
            command.get("n", 0),
            command.get("change", False),
            components,
            deps,
        ), extra

    async def open_sessions(
        self, command: dict[str, Any], spec: AppSpec | None, extra: dict[str, Any]
    ) -> tuple[list[Any], list[str]]:
        target, bases, count = command["target"], command["bases"], command["sessions"]
        sessions: list[Any] = []
        for i in range(count):
            base = bases[i % len(bases)]
            if target in ("ours", "floor"):
                path = FLOOR_PATH if target == "floor" else None
                sessions.append(OursSession(base, command["app"], spec, i, path))
            else:
                sessions.append(
                    GradioSession(
                        await self.http_session(),
                        base,
                        spec,
                        i,
                        extra["api_prefix"],
                        extra["state_ids"],
                    )
                )
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        errors: list[str] = []

        async def open_one(session: Any) -> None:
            async with gate:
                try:
                    await session.open()
                except Exception as exc:
                    errors.append(
                        f"session {session.index}: open failed: {type(exc).__name__}: {exc}"
                    )

        await asyncio.gather(*(open_one(s) for s in sessions))
        return sessions, errors

    async def run_events(self, command: dict[str, Any]) -> None:
        target = command["target"]
        spec, extra = await self.spec(target, command["bases"][0], command)
        sessions, errors = await self.open_sessions(command, spec, extra)
        self.sessions = sessions
        ids = [s.session_id for s in sessions]
        if len(set(ids)) != len(ids):
            errors.append("two sessions got the same session id")
        emit({"status": "ready", "errors": errors[:MAX_ERRORS]})
        go = await self.lines.get()
        assert go.get("op") == "go", go
        events = command["events"]
        latencies: list[float] = []
        stamps: list[tuple[float, float, int]] = []  # with "stamps": (end, ms, session index)
        want_stamps = bool(command.get("stamps"))
        mismatches: list[str] = []

        async def drive(session: Any) -> None:
            dep = spec.main if target == "gradio" else spec.main["id"]
            for k in range(events):
                values = spec.values(session.index, k)
                try:
                    latencies.append(await session.event(dep, values))
                    if want_stamps:
                        stamps.append((time.time(), latencies[-1], session.index))
                except Exception as exc:
                    errors.append(f"session {session.index} event {k}: {type(exc).__name__}: {exc}")
                    return
                expected = spec.expected(session.index, k)
                if expected is not None and session.shown.get(spec.watch) != expected:
                    mismatches.append(
                        f"session {session.index} event {k}: shows {session.shown.get(spec.watch)!r}, expected {expected!r}"
                    )

        started = time.perf_counter()
        await asyncio.gather(*(drive(s) for s in sessions if s.session_id is not None))
        wall = time.perf_counter() - started
        emit({"status": "measured", "wall": wall})

        # The correctness check, untimed: final values exact in every session.
        finals: list[Any] = []
        for session in sessions:
            if spec.kind == "bigstate":
                dep = spec.check if target == "gradio" else spec.check["id"]
                try:
                    await session.event(dep, {})
                except Exception as exc:
                    errors.append(f"session {session.index} check: {type(exc).__name__}: {exc}")
                    continue
                expected = spec.n + events
            else:
                expected = spec.expected(session.index, events - 1)
            final = session.shown.get(spec.watch)
            finals.append(final)
            if final != expected:
                mismatches.append(
                    f"session {session.index}: final value {final!r}, expected {expected!r}"
                )
        await asyncio.gather(*(s.close(True) for s in sessions))
        self.sessions = []
        ok = not errors and not mismatches and len(latencies) == events * len(sessions)
        emit(
            {
                "status": "result",
                "ok": ok,
                "events": len(latencies),
                "expected_events": events * len(sessions),
                "wall": wall,
                "latencies": latencies,
                "errors": errors[:MAX_ERRORS],
                "mismatches": mismatches[:MAX_ERRORS],
                "n_errors": len(errors),
                "n_mismatches": len(mismatches),
                "finals_sample": finals[:3],
                **({"stamps": stamps} if want_stamps else {}),
            }
        )

    async def idle(self, command: dict[str, Any]) -> None:
        target = command["target"]
        spec, extra = (
            (None, {})
            if target in ("ours", "floor")
            else await self.spec(target, command["bases"][0], command)
        )
        started = time.perf_counter()
        sessions, errors = await self.open_sessions(command, spec, extra)
        if target == "gradio" and spec is not None:
            # A Gradio session holds state only once it has run an event: run one per session.
            gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

            async def first_event(session: GradioSession) -> None:
                async with gate:
                    try:
                        await session.event(spec.main, {})
                    except Exception as exc:
                        errors.append(f"session {session.index}: {exc}")

            await asyncio.gather(*(first_event(s) for s in sessions))
        self.sessions = sessions
        emit(
            {
                "status": "opened",
                "sessions": len(sessions) - len(errors),
                "errors": errors[:MAX_ERRORS],
                "n_errors": len(errors),
                "seconds": time.perf_counter() - started,
            }
        )

    async def close(self, command: dict[str, Any]) -> None:
        sessions, self.sessions = self.sessions, []
        gate = asyncio.Semaphore(200)

        async def close_one(session: Any) -> None:
            async with gate:
                await session.close(command.get("close_frame", False))

        await asyncio.gather(*(close_one(s) for s in sessions))
        emit({"status": "closed", "sessions": len(sessions)})

    async def main(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)

        async def read_lines() -> None:
            while True:
                line = await reader.readline()
                if not line:
                    await self.lines.put({"op": "quit"})
                    return
                if line.strip():
                    await self.lines.put(json.loads(line))

        reading = asyncio.create_task(read_lines())
        try:
            while True:
                command = await self.lines.get()
                op = command.get("op")
                if op == "quit":
                    break
                try:
                    if op == "events":
                        await self.run_events(command)
                    elif op == "idle":
                        await self.idle(command)
                    elif op == "close":
                        await self.close(command)
                    else:
                        emit({"status": "error", "error": f"unknown op {op!r}"})
                except Exception as exc:  # report, keep serving
                    emit({"status": "error", "error": f"{type(exc).__name__}: {exc}"})
        finally:
            reading.cancel()
            await asyncio.gather(*(s.close(False) for s in self.sessions), return_exceptions=True)
            if self.http is not None:
                await self.http.close()


if __name__ == "__main__":
    raise_fd_limit()
    asyncio.run(Driver().main())

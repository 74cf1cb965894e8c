#!/usr/bin/env python
"""The blocksstate benchmark, in one command (see bench/README.md).

    python bench/run.py [--quick] [--compare-gradio]
                        [--scenario counter,cart,bigstate,floor,memory,sweep,scaling]
                        [--mode embedded,redis] [--apps A,B] [--runs N] [--profile]
                        [--write | --no-write]

It starts the servers itself, pinned to core 0 (``taskset -c 0``): (a) embedded, one
daphne worker with LocMemCache and InMemoryChannelLayer; (b) redis, its own
``redis-server`` and two daphne workers (django-redis cache, channels-redis layer).
The load generator (``loadgen.py``, real WebSocket clients) runs in its own process
pinned to core 1 and spreads sessions over the workers. With ``--compare-gradio``
the same apps run on Gradio (its own venv, ``bench/.venv-gradio``, default settings,
one process) under the same load, and the tables show both and the ratio. The floor
scenario adds bare echoes of the counter (``floor.py``); scaling runs the counter on 1, 2
and 4 Redis workers. All the server sets of one app are up at once and take turns,
round by round (A B A B ...), and ratios are taken round by round (``ratios.py``).

Every figure is the median of ``--runs`` runs (3; 1 with ``--quick``) with min and max;
a run whose correctness check fails prints FAILED and is left out. Raw results go to
``bench/results/<date>/``; a full run also rewrites the generated section of
``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import datetime
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import cpu
import psutil
import ratios
from ratios import fmt_num, spread

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
GRADIO_VENV = BENCH / ".venv-gradio"
GRADIO_PY = GRADIO_VENV / "bin" / "python"
DOC = REPO / "docs" / "performance.md"
SERVER_CORE, CLIENT_CORE = "0", "1"
BEGIN, END = "<!-- BEGIN GENERATED: bench/run.py -->", "<!-- END GENERATED -->"

WHATIF: list[str] = []  # --what-if patches for our servers (benchsite/whatif.py)
BIGSTATE_SIZES = {"10k": 10_000, "20k": 20_000, "50k": 50_000}

PROFILES: dict[str, dict[str, Any]] = {
    "full": {
        "runs": 3,
        "events": 20,
        "levels": {"counter": [1, 50, 200], "cart": [1, 50, 200], "bigstate": [1, 50]},
        # Gradio collapses at 200 sessions (about 25 events/s: 160 s per counter run, twice
        # that for cart): one counter run there, and no cart, keep a full run near 30 min.
        "gradio_levels": {"counter": [1, 50, 200], "cart": [1, 50], "bigstate": [1]},
        "gradio_runs_at": {200: 1},
        # Our counter and cart runs take seconds, and this machine's speed changes from one
        # second to the next: more runs keep one slow second from setting the median.
        "our_runs": {"counter": 7, "cart": 7},
        # One page sending 20 events is 10 ms of server time: its first event (cold caches,
        # a lock to take again after the pause between runs) weighs a twentieth of the
        # figure. The counter at one session sends 2,000, issue 20's load for that row.
        "one_session_events": {"counter": 2000},
        "bigstate_sizes": ["10k", "20k", "50k"],
        "memory": [1000, 10000],
        "gradio_memory": [1000],
        "sweep_totals": [1000, 10000, 100000],
        "sweep_ended": 1000,
        "scaling_levels": [50, 200],
    },
    "quick": {
        "runs": 1,
        "events": 20,
        "levels": {"counter": [1, 20], "cart": [1, 20], "bigstate": [1]},
        "one_session_events": {"counter": 200},
        "gradio_levels": {"counter": [1, 20], "cart": [1], "bigstate": [1]},
        "bigstate_sizes": ["10k"],
        "memory": [200],
        "gradio_memory": [200],
        "sweep_totals": [100, 1000],
        "sweep_ended": 100,
        "scaling_levels": [20],
    },
}

# Reference figures from the issue (Gradio 6.31 on this machine), used for the targets
# when --compare-gradio is not given.
ISSUE_GRADIO = {
    "counter_p50": 5.6,
    "cart_p50": 13.4,
    "counter50_eps": 104.0,
    "bigstate50k_p50": 7.8,
    "bigstate50k_change_p50": 481.0,
    "kb_per_session": 19.0,
}


# -- processes ------------------------------------------------------------------------------------

_procs: list[Proc] = []


class Proc:
    """A child process pinned to one core, its output in a log file."""

    def __init__(
        self,
        name: str,
        argv: list[str],
        core: str,
        log_dir: Path,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        stdin: Any = None,
        stdout: Any = None,
    ) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log = open(self.log_path, "a")  # noqa: SIM115 (closed in stop)
        self.popen = subprocess.Popen(
            ["taskset", "-c", core, *argv],
            stdin=stdin,
            stdout=stdout or self.log,
            stderr=self.log,
            env=env,
            cwd=cwd,
            text=True,
        )
        _procs.append(self)

    @property
    def pid(self) -> int:
        return self.popen.pid  # taskset execs its command: same pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if self.popen.poll() is None:
            try:
                self.popen.send_signal(sig)
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self.log.close()
        if self in _procs:
            _procs.remove(self)


@atexit.register
def _stop_all() -> None:
    for proc in list(_procs):
        proc.stop(timeout=5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_get(url: str, timeout: float = 10) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read()


def wait_http(url: str, proc: Proc, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{proc.name} exited during start-up; see {proc.log_path}")
        try:
            http_get(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{proc.name} did not answer {url} within {timeout}s; see {proc.log_path}")


def rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += psutil.Process(pid).memory_info().rss
    return total


def core_busy() -> dict[str, tuple[int, int]]:
    """Busy and total jiffies of each core, from /proc/stat."""
    cores = {}
    with open("/proc/stat") as f:
        for line in f:
            if re.match(r"cpu\d+ ", line):
                name, *fields = line.split()
                values = [int(v) for v in fields]
                idle = values[3] + values[4]
                cores[name] = (sum(values[:8]) - idle, sum(values[:8]))
    return cores


def busy_pct(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> dict[str, float]:
    out = {}
    for name in after:
        busy = after[name][0] - before[name][0]
        total = after[name][1] - before[name][1]
        out[name] = round(100.0 * busy / total, 1) if total else 0.0
    return out


def wait_for_quiet(
    core: str, below: float = 15.0, window: float = 0.1, limit: float = 10.0
) -> float:
    """Wait until ``core`` is nearly idle; return the seconds waited.

    The sets of an interleaved run share the server core, and a set's clean-up after its
    run (its pages' sessions ending, the activity recorder writing) would otherwise fall
    into the next set's measured window: after 200 pages on Redis workers, that cost a
    1-session run 28 ms per event. The pages of the run about to start are open and idle.
    """
    start = deadline = time.monotonic()
    deadline += limit
    while time.monotonic() < deadline:
        before = core_busy()
        time.sleep(window)
        if busy_pct(before, core_busy()).get(core, 0.0) < below:
            break
    return time.monotonic() - start


# -- servers ----------------------------------------------------------------------------------------


class Redis:
    def __init__(self, log_dir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = Proc(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--maxclients",
                "20000",
            ],
            SERVER_CORE,
            log_dir,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.command("PING").startswith(b"+PONG"):
                return
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def command(self, command: str) -> bytes:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                sock.sendall(command.encode() + b"\r\n")
                return sock.recv(4096)
        except OSError:
            return b""

    def flush(self) -> None:
        self.command("FLUSHALL")

    def stop(self) -> None:
        self.proc.stop()


def our_env(redis: Redis | None, log_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), str(BENCH)])
    env["DJANGO_SETTINGS_MODULE"] = "benchsite.settings"
    env["BENCH_DB"] = str(log_dir / "bench.sqlite3")
    env.pop("BENCH_REDIS_URL", None)
    env.pop("BENCH_WHATIF", None)
    if WHATIF:
        env["BENCH_WHATIF"] = ",".join(WHATIF)
    if redis is not None:
        env["BENCH_REDIS_URL"] = redis.url
    return env


class OurServers:
    """One daphne worker (embedded) or two (redis; ``workers`` for another count), pinned to
    the server core."""

    def __init__(
        self, mode: str, log_dir: Path, redis: Redis | None, tag: str, workers: int | None = None
    ) -> None:
        self.mode = mode
        self.redis = redis
        env = our_env(redis, log_dir)
        self.procs: list[Proc] = []
        self.ports: list[int] = []
        for i in range(workers or (2 if mode == "redis" else 1)):
            port = free_port()
            self.ports.append(port)
            self.procs.append(
                Proc(
                    f"daphne-{mode}-{tag}-{i}",
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-v",
                        "0",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "benchsite.asgi:application",
                    ],
                    SERVER_CORE,
                    log_dir,
                    env=env,
                    cwd=BENCH,
                )
            )
        for proc, port in zip(self.procs, self.ports, strict=True):
            wait_http(f"http://127.0.0.1:{port}/bench/apps.json", proc)

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def wait_none_held(self, timeout: float = 60) -> None:
        """Dropped connections end after RESUME_GRACE: wait until the workers hold none."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(
            s["objects"]["Session"] or s["objects"]["Connection"] or s["ending"]
            for s in self.stats()
        ):
            time.sleep(1)

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    def stats(self, trim: bool = False) -> list[dict[str, Any]]:
        return [
            json.loads(
                http_get(f"{base}/bench/stats.json" + ("?trim=1" if trim else ""), timeout=60)
            )
            for base in self.bases
        ]

    def stop(self) -> None:
        for proc in self.procs:
            proc.stop()


class OneProcessServer:
    """A server of one process on one port (``proc`` and ``port`` set by the subclass)."""

    proc: Proc
    port: int

    @property
    def bases(self) -> list[str]:
        return [f"http://127.0.0.1:{self.port}"]

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid]

    def stop(self) -> None:
        self.proc.stop()


class GradioServer(OneProcessServer):
    def __init__(self, app: str, log_dir: Path) -> None:
        self.port = free_port()
        script, args = gradio_script(app)
        env = dict(
            os.environ, GRADIO_ANALYTICS_ENABLED="False", HF_HUB_OFFLINE="1", PYTHONUNBUFFERED="1"
        )
        for key in ("PYTHONPATH", "DJANGO_SETTINGS_MODULE"):
            env.pop(key, None)
        self.proc = Proc(
            f"gradio-{app}",
            [str(GRADIO_PY), script, str(self.port), *args],
            SERVER_CORE,
            log_dir,
            env=env,
            cwd=BENCH / "gradio_apps",
        )
        self.procs = [self.proc]
        wait_http(f"http://127.0.0.1:{self.port}/config", self.proc, timeout=180)


class FloorServer(OneProcessServer):
    """The floor scenario's echo (``floor.py``): a bare Channels consumer on daphne, with the
    embedded settings, or a bare ``websockets`` server; pinned to the server core."""

    def __init__(self, kind: str, log_dir: Path) -> None:
        self.port = free_port()
        if kind == "channels":
            argv = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1"]
            argv += ["-p", str(self.port), "benchsite.asgi:application"]
            health = "/bench/apps.json"
        else:
            argv = [sys.executable, str(BENCH / "floor.py"), str(self.port)]
            health = "/health"
        self.proc = Proc(f"floor-{kind}", argv, SERVER_CORE, log_dir, our_env(None, log_dir), BENCH)
        self.procs = [self.proc]
        wait_http(f"http://127.0.0.1:{self.port}{health}", self.proc)


def gradio_twin(app: str) -> str:
    """The Gradio app an app of ours is compared with: a marshal variant with its pickle one."""
    return app.replace("-marshal", "")


def gradio_script(app: str) -> tuple[str, list[str]]:
    if app in ("counter", "cart", "files"):
        return f"{app}.py", []
    match = re.fullmatch(r"bigstate-(\w+?)(-change)?", app)
    assert match, app
    return "bigstate.py", [str(BIGSTATE_SIZES[match.group(1)])] + (
        ["change"] if match.group(2) else []
    )


# -- the load generator --------------------------------------------------------------------------


class LoadGen:
    def __init__(self, log_dir: Path) -> None:
        self.proc = Proc(
            "loadgen",
            [sys.executable, str(BENCH / "loadgen.py")],
            CLIENT_CORE,
            log_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.popen.stdin is not None
        self.proc.popen.stdin.write(json.dumps(message) + "\n")
        self.proc.popen.stdin.flush()

    def read(self) -> dict[str, Any]:
        assert self.proc.popen.stdout is not None
        line = self.proc.popen.stdout.readline()
        if not line:
            raise RuntimeError(f"the load generator exited; see {self.proc.log_path}")
        message = json.loads(line)
        if message.get("status") == "error":
            raise RuntimeError(f"load generator: {message['error']}")
        return message

    def stop(self) -> None:
        try:
            self.send({"op": "quit"})
            self.proc.popen.wait(20)
        except Exception:
            pass
        self.proc.stop()


# -- statistics --------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    k = (len(sorted_values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


METRICS = ["p50", "p90", "p99", "max", "eps", "cpu_pct", "cpu_ms"]


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    valid = [r for r in runs if r["ok"]]
    out: dict[str, Any] = {"runs": len(runs), "valid": len(valid)}
    for metric in METRICS + ["redis_cpu_pct"]:
        values = [r[metric] for r in valid if r.get(metric) is not None]
        if values:
            out[metric] = {
                "median": statistics.median(values),
                "min": min(values),
                "max": max(values),
            }
    return out


def cell(agg: dict[str, Any] | None, metric: str) -> str:
    if agg is None:
        return "-"
    if agg["valid"] == 0:
        return "FAILED"
    stat = agg.get(metric)
    if stat is None:
        return "-"
    text = fmt_num(stat["median"])
    if agg["valid"] > 1:
        text += f" ({fmt_num(stat['min'])}–{fmt_num(stat['max'])})"
    if agg["valid"] < agg["runs"]:
        text += f" [{agg['runs'] - agg['valid']} FAILED]"
    return text


def median_of(agg: dict[str, Any] | None, metric: str) -> float | None:
    if not agg or agg["valid"] == 0 or metric not in agg:
        return None
    return agg[metric]["median"]


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.1f}×"


# -- the benchmark ------------------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.profile = PROFILES["quick" if args.quick else "full"]
        self.runs = args.runs or self.profile["runs"]
        if args.memory_sessions:
            self.profile = {
                **self.profile,
                "memory": [int(n) for n in args.memory_sessions.split(",")],
            }
            self.profile["gradio_memory"] = self.profile["memory"]
        self.events = self.profile["events"]
        self.stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        self.out = RESULTS / self.stamp
        self.out.mkdir(parents=True, exist_ok=True)
        self.records: list[dict[str, Any]] = []
        self.memory: list[dict[str, Any]] = []
        self.sweep: dict[str, Any] = {}
        self.profiles: dict[str, Any] = {}
        self.failures: list[str] = []
        self.gradio_version: str | None = None
        self.started = time.monotonic()
        self.load_before = os.getloadavg()
        self.busy_samples: list[dict[str, float]] = []
        self.code_before = code_version()

    def log(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.0f}s] {text}", flush=True)

    # -- apps and scenarios

    def apps(self, group: str) -> list[tuple[str, str, int, bool]]:
        if group in ("counter", "cart"):
            return [(group, group, 0, False)]
        return [
            (
                f"bigstate-{label}{'-change' if change else ''}",
                "bigstate",
                BIGSTATE_SIZES[label],
                change,
            )
            for label in self.profile["bigstate_sizes"]
            for change in (False, True)
        ] + [
            # The largest size again with gr.State(serializer="marshal"); Gradio runs once per size.
            (
                f"bigstate-{label}-marshal{'-change' if change else ''}",
                "bigstate",
                BIGSTATE_SIZES[label],
                change,
            )
            for label in self.profile["bigstate_sizes"][-1:]
            for change in (False, True)
        ]

    def event_run(
        self,
        loadgen: LoadGen,
        servers: Any,
        target: str,
        mode: str,
        app: tuple[str, str, int, bool],
        sessions: int,
        events: int,
        run: int | None,
    ) -> dict[str, Any]:
        name, kind, n, change = app
        loadgen.send(
            {
                "op": "events",
                "target": target,
                "bases": servers.bases,
                "app": name,
                "kind": kind,
                "n": n,
                "change": change,
                "sessions": sessions,
                "events": events,
            }
        )
        ready = loadgen.read()
        quiet_after = wait_for_quiet(f"cpu{SERVER_CORE}")
        pids = servers.pids
        redis_pid = [servers.redis.proc.pid] if getattr(servers, "redis", None) is not None else []
        cpu0, rcpu0, busy0, t0 = (
            cpu.snapshot(pids),
            cpu.snapshot(redis_pid),
            core_busy(),
            time.perf_counter(),
        )
        loadgen.send({"op": "go"})
        loadgen.read()  # measured
        cpu1, rcpu1, busy1, t1 = (
            cpu.snapshot(pids),
            cpu.snapshot(redis_pid),
            core_busy(),
            time.perf_counter(),
        )
        server_cpu, redis_cpu = cpu.used(cpu0, cpu1), cpu.used(rcpu0, rcpu1)
        result = loadgen.read()
        lat = sorted(result["latencies"])
        ok = result["ok"] and not ready.get("errors") and bool(lat)
        window = t1 - t0
        record = {
            "target": target,
            "mode": mode,
            "app": name,
            "kind": kind,
            "sessions": sessions,
            "events": events,
            "run": run,
            "waited_for_quiet_s": round(quiet_after, 2),
            "ok": ok,
            "n_events": result["events"],
            "wall": result["wall"],
            "p50": percentile(lat, 0.5) if lat else None,
            "p90": percentile(lat, 0.9) if lat else None,
            "p99": percentile(lat, 0.99) if lat else None,
            "max": lat[-1] if lat else None,
            "mean": statistics.fmean(lat) if lat else None,
            "eps": result["events"] / result["wall"] if result["wall"] else None,
            "cpu_pct": 100.0 * server_cpu / window,
            "cpu_ms": 1000.0 * server_cpu / max(1, result["events"]),
            "redis_cpu_pct": 100.0 * redis_cpu / window if redis_pid else None,
            "redis_cpu_ms": 1000.0 * redis_cpu / max(1, result["events"]) if redis_pid else None,
            "cores_busy": busy_pct(busy0, busy1),
            "errors": (ready.get("errors") or []) + result["errors"],
            "mismatches": result["mismatches"],
        }
        if run is not None:
            self.busy_samples.append(record["cores_busy"])
            status = "ok" if ok else "FAILED"
            self.log(
                f"  {target:6} {mode:8} {name:20} {sessions:4} sessions run {run}: p50 {fmt_num(record['p50'] or float('nan'))} ms p99 {fmt_num(record['p99'] or float('nan'))} ms {fmt_num(record['eps'] or 0)} ev/s cpu {record['cpu_pct']:.0f}% {record['cpu_ms']:.3f} ms/event [{status}]"
            )
            if not ok:
                detail = "; ".join((record["errors"] + record["mismatches"])[:3])
                self.failures.append(f"{target}/{mode}/{name}/{sessions} run {run}: {detail}")
                print(
                    f"FAILED: {target} {mode} {name} {sessions} sessions run {run}: {detail}",
                    flush=True,
                )
        return record

    def warm_up(
        self,
        loadgen: LoadGen,
        servers: Any,
        target: str,
        mode: str,
        app: tuple[str, str, int, bool],
    ) -> None:
        record = self.event_run(
            loadgen,
            servers,
            target,
            mode,
            app,
            sessions=min(10, max(self.levels(target, app[1]))),
            events=5,
            run=None,
        )
        if not record["ok"]:
            print(
                f"FAILED warm-up of {target} {mode} {app[0]}: {(record['errors'] + record['mismatches'])[:3]}",
                flush=True,
            )

    def runs_of(self, target: str, kind: str) -> int:
        if target in ("ours", "floor") and not self.args.runs:
            return self.profile.get("our_runs", {}).get(kind, self.runs)
        return self.runs

    def events_for(self, kind: str, sessions: int) -> int:
        """Events per session of a run: the profile's, more for one page (``one_session_events``)."""
        if sessions == 1:
            return int(self.profile.get("one_session_events", {}).get(kind, self.events))
        return self.events

    def levels(self, target: str, kind: str) -> list[int]:
        key = "gradio_levels" if target == "gradio" else "levels"
        return self.args.sessions or self.profile[key][kind]

    def start(
        self, target: str, mode: str, app: tuple[str, str, int, bool], redis: Redis | None
    ) -> Any:
        if target == "gradio":
            return GradioServer(app[0], self.out)
        if target == "floor":
            return FloorServer(mode, self.out)
        workers = next((n for n in ratios.SCALING_WORKERS if mode == ratios.scaling_mode(n)), None)
        return OurServers(mode, self.out, redis if mode != "embedded" else None, app[0], workers)

    def run_interleaved(
        self,
        loadgen: LoadGen,
        sets: list[tuple[str, str]],
        app: tuple[str, str, int, bool],
        redis: Redis | None,
        levels: list[int] | None = None,
    ) -> None:
        """Every server set of ``sets`` up at once, then round after round each set's run in
        turn (A B A B ...): a round's runs meet the same moment of the machine."""
        self.log(f"{app[0]}: {', '.join(f'{t} {m}' for t, m in sets)}, interleaved")
        if redis is not None:
            redis.flush()
        servers: dict[tuple[str, str], Any] = {}
        try:
            for target, mode in sets:
                servers[(target, mode)] = self.start(target, mode, app, redis)
                self.warm_up(loadgen, servers[(target, mode)], target, mode, app)
            plan = {
                key: (levels or self.levels(key[0], app[1]), self.runs_of(key[0], app[1]))
                for key in sets
            }
            order = list(dict.fromkeys(s for lv, _ in plan.values() for s in lv))
            capped = self.profile.get("gradio_runs_at", {})
            for run in range(1, max(n for _, n in plan.values()) + 1):
                for sessions in order:
                    for (target, mode), (lv, runs) in plan.items():
                        if sessions not in lv or run > runs:
                            continue
                        if target == "gradio" and run > capped.get(sessions, runs):
                            continue
                        self.records.append(
                            self.event_run(
                                loadgen,
                                servers[(target, mode)],
                                target,
                                mode,
                                app,
                                sessions,
                                self.events_for(app[1], sessions),
                                run,
                            )
                        )
        finally:
            for server in servers.values():
                server.stop()

    # -- memory

    def memory_run(
        self, loadgen: LoadGen, target: str, mode: str, sessions: int, run: int, redis: Redis | None
    ) -> dict[str, Any]:
        if redis is not None:
            redis.flush()
        counter = ("counter", "counter", 0, False)
        servers = self.start(target, mode, counter, redis)
        try:
            self.warm_up(loadgen, servers, target, mode, counter)
            if target == "ours":
                servers.stats()
            time.sleep(1)
            base = rss_bytes(servers.pids)
            idle_command = {
                "op": "idle",
                "target": target,
                "bases": servers.bases,
                "app": "counter",
                "kind": "counter",
                "sessions": sessions,
            }
            loadgen.send(idle_command)
            opened = loadgen.read()
            time.sleep(3)
            if target == "ours":
                servers.stats()
            loaded = rss_bytes(servers.pids)
            loadgen.send({"op": "close", "close_frame": False})
            loadgen.read()
            record: dict[str, Any] = {
                "target": target,
                "mode": mode,
                "sessions": sessions,
                "run": run,
                "opened": opened["sessions"],
                "open_seconds": opened["seconds"],
                "errors": opened["errors"],
                "ok": opened["n_errors"] == 0,
                "base_mb": base / 2**20,
                "loaded_mb": loaded / 2**20,
                "kb_per_session": (loaded - base) / 1024 / max(1, opened["sessions"]),
            }
            if target == "ours":
                servers.wait_none_held()
                after = rss_bytes(servers.pids)
                trimmed_stats = servers.stats(trim=True)
                trimmed = rss_bytes(servers.pids)
                if sessions == min(self.profile["memory"]):
                    # Two more rounds of as many pages, opened and dropped: memory closed
                    # sessions held for good would show as growth from one round's end to
                    # the next (the first repeat may still fill bounded caches).
                    end_of_round = trimmed
                    for key in ("second_round_kb_per_session", "third_round_kb_per_session"):
                        loadgen.send(idle_command)
                        loadgen.read()
                        time.sleep(3)
                        loadgen.send({"op": "close", "close_frame": False})
                        loadgen.read()
                        servers.wait_none_held()
                        servers.stats(trim=True)
                        now = rss_bytes(servers.pids)
                        record[key] = (now - end_of_round) / 1024 / max(1, opened["sessions"])
                        end_of_round = now
                record.update(
                    {
                        "after_close_kb_per_session": (after - base)
                        / 1024
                        / max(1, opened["sessions"]),
                        "after_trim_kb_per_session": (trimmed - base)
                        / 1024
                        / max(1, opened["sessions"]),
                        "sessions_left": sum(s["objects"]["Session"] for s in trimmed_stats),
                        "connections_left": sum(s["objects"]["Connection"] for s in trimmed_stats),
                    }
                )
            else:
                time.sleep(3)
                after = rss_bytes(servers.pids)
                record["after_close_kb_per_session"] = (
                    (after - base) / 1024 / max(1, opened["sessions"])
                )
            self.log(
                f"  memory {target} {mode} {sessions} sessions run {run}: {record['kb_per_session']:.1f} KB/session idle, {record['after_close_kb_per_session']:.1f} KB/session after close (opened in {opened['seconds']:.1f}s)"
            )
            if not record["ok"]:
                print(
                    f"FAILED: memory {target} {mode} {sessions}: {opened['errors'][:3]}", flush=True
                )
                self.failures.append(
                    f"memory {target}/{mode}/{sessions} run {run}: {opened['errors'][:3]}"
                )
            return record
        finally:
            servers.stop()

    # -- sweep

    def run_sweep(self, redis: Redis | None) -> None:
        self.log("sweep")
        self.sweep = {}
        for cache in ["locmem"] + (["redis"] if redis is not None else []):
            env = our_env(redis if cache == "redis" else None, self.out)
            if redis is not None:
                redis.flush()
            argv = [
                "taskset",
                "-c",
                SERVER_CORE,
                sys.executable,
                str(BENCH / "sweep_bench.py"),
                "--totals",
                ",".join(map(str, self.profile["sweep_totals"])),
                "--ended",
                str(self.profile["sweep_ended"]),
                "--runs",
                str(self.runs),
            ]
            done = subprocess.run(
                argv, env=env, cwd=BENCH, capture_output=True, text=True, timeout=1800
            )
            (self.out / f"sweep-{cache}.log").write_text(done.stderr)
            lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
            result = (
                json.loads(lines[-1])
                if lines
                else {"status": "error", "stderr": done.stderr[-2000:]}
            )
            self.sweep[cache] = result
            if result.get("status") == "not_implemented":
                self.log("  sweep: not implemented yet (no blocksstate sweep entry point)")
                break
            if result.get("status") == "ok":
                for row in result["rows"]:
                    self.log(
                        f"  sweep {cache}: {row['ended']} ended of {row['total']}: {fmt_opt(row['median'])} s ok={row['ok']}"
                    )
                    if not row["ok"]:
                        self.failures.append(f"sweep {cache} {row['total']}: check failed")
                        print(
                            f"FAILED: sweep {cache} total {row['total']}: {[r for r in row['runs'] if not r['ok']][:1]}",
                            flush=True,
                        )
            else:
                print(f"FAILED: sweep harness ({cache}): {str(result)[:500]}", flush=True)
                self.failures.append(f"sweep harness error ({cache})")

    # -- profile

    def run_profile(self, loadgen: LoadGen, redis: Redis | None) -> None:
        counter = ("counter", "counter", 0, False)
        # The bare Channels echo beside the counter: what of the counter's profile is the floor's.
        cases = [
            ("ours", "embedded", counter, 50, 200),
            ("floor", "channels", counter, 50, 200),
            ("ours", "embedded", counter, 200, 50),
            ("ours", "embedded", ("bigstate-50k-change", "bigstate", 50_000, True), 1, 40),
            ("ours", "embedded", ("bigstate-50k-marshal", "bigstate", 50_000, False), 1, 40),
            ("ours", "redis", ("bigstate-50k", "bigstate", 50_000, False), 1, 40),
        ]
        if self.args.quick:
            cases = [
                ("ours", "embedded", counter, 20, 100),
                ("floor", "channels", counter, 20, 100),
                ("ours", "embedded", ("bigstate-10k-change", "bigstate", 10_000, True), 1, 20),
            ]
        for target, mode, app, sessions, events in cases:
            if mode == "redis" and redis is None:
                continue
            if redis is not None:
                redis.flush()
            servers = self.start(target, mode, app, redis)
            try:
                self.warm_up(loadgen, servers, target, mode, app)
                name = f"{'floor-' if target == 'floor' else ''}{mode}-{app[0]}-{sessions}x{events}"
                raw = self.out / f"profile-{name}.txt"
                spy = Proc(
                    f"py-spy-{name}",
                    [
                        str(Path(sys.executable).parent / "py-spy"),
                        "record",
                        "--rate",
                        "200",
                        "--nonblocking",
                        "--gil",
                        "--format",
                        "raw",
                        "--output",
                        str(raw),
                        "--pid",
                        str(servers.pids[0]),
                    ],
                    CLIENT_CORE,
                    self.out,
                )
                time.sleep(1.5)
                record = self.event_run(
                    loadgen, servers, target, mode, app, sessions, events, run=None
                )
                spy.stop(signal.SIGINT, timeout=30)
                summary = summarize_profile(raw)
                summary["p50"] = record["p50"]
                summary["eps"] = record["eps"]
                self.profiles[name] = summary
                self.log(
                    f"  profile {name}: {summary['samples']} samples, p50 {fmt_num(record['p50'] or 0)} ms (under py-spy); by owner: "
                    + ", ".join(f"{f} {p:.0f}%" for f, p in summary["owners"][:5])
                )
            finally:
                servers.stop()

    # -- main

    def main(self) -> int:
        os.sched_setaffinity(0, {int(CLIENT_CORE)})
        groups = self.args.scenario
        modes = self.args.mode
        self.log(
            f"results in {self.out.relative_to(REPO)}; machine load before: {self.load_before}"
        )
        if self.args.compare_gradio:
            self.gradio_version = ensure_gradio(self.args.upgrade_gradio, self.log)
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
            env=our_env(None, self.out),
            cwd=BENCH,
            check=True,
            capture_output=True,
        )
        loadgen = LoadGen(self.out)
        redis = (
            Redis(self.out)
            if ("redis" in modes or {"sweep", "profile", "scaling"} & set(groups))
            else None
        )
        known = {app[0] for group in ("counter", "cart", "bigstate") for app in self.apps(group)}
        if self.args.apps and set(self.args.apps) - known:
            raise SystemExit(
                f"unknown app(s) {sorted(set(self.args.apps) - known)}; known: {sorted(known)}"
            )
        interrupted = False
        try:
            for group in ("counter", "cart", "bigstate"):
                floor = group == "counter" and "floor" in groups
                if group not in groups and not floor:
                    continue
                for app in self.apps(group):
                    if self.args.apps and app[0] not in self.args.apps:
                        continue
                    sets = [("ours", mode) for mode in modes]
                    if floor:
                        sets += [ratios.CHANNELS_ECHO, ratios.WEBSOCKETS_ECHO]
                    if self.args.compare_gradio and gradio_twin(app[0]) == app[0]:
                        sets.append(("gradio", "default"))
                    self.run_interleaved(loadgen, sets, app, redis)
                    self.save_raw()
            if "scaling" in groups:
                self.run_interleaved(
                    loadgen,
                    [("ours", ratios.scaling_mode(n)) for n in ratios.SCALING_WORKERS],
                    ("counter", "counter", 0, False),
                    redis,
                    self.args.sessions or self.profile["scaling_levels"],
                )
                self.save_raw()
            if "memory" in groups:
                for sessions in self.profile["memory"]:
                    # A fresh server per run; the server sets take turns, run by run.
                    sets = [("ours", mode) for mode in modes]
                    if "floor" in groups:
                        sets.append(ratios.CHANNELS_ECHO)
                    if self.args.compare_gradio and sessions in self.profile["gradio_memory"]:
                        sets.append(("gradio", "default"))
                    for run in range(1, self.runs + 1):
                        for target, mode in sets:
                            self.memory.append(
                                self.memory_run(loadgen, target, mode, sessions, run, redis)
                            )
                    self.save_raw()
            if "sweep" in groups:
                self.run_sweep(redis if "redis" in modes else None)
                self.save_raw()
            if "profile" in groups:
                self.run_profile(loadgen, redis)
        except (KeyboardInterrupt, SystemExit):
            interrupted = True
            self.failures.append("the run was interrupted: the figures are incomplete")
            print("INTERRUPTED: reporting what was measured so far", flush=True)
        finally:
            loadgen.stop()
            if redis is not None:
                redis.stop()
        self.load_after = os.getloadavg()
        report = self.report()
        print("\n" + report)
        self.save_raw()
        (self.out / "report.md").write_text(report)
        write = self.args.write if self.args.write is not None else not self.args.quick
        write = write and not interrupted
        if write:
            write_doc(report)
            self.log(f"wrote {DOC.relative_to(REPO)}")
        self.log(f"done; raw results in {self.out.relative_to(REPO)}")
        return 1 if self.failures else 0

    def save_raw(self) -> None:
        """Write everything measured so far (after each phase: an interrupted run keeps it)."""
        data = {
            "machine": machine_info(),
            "code": self.code_before,
            "records": self.records,
            "memory": self.memory,
            "sweep": self.sweep,
            "profiles": self.profiles,
            "failures": self.failures,
        }
        (self.out / "raw.json").write_text(json.dumps(data, indent=1, default=str))

    # -- report

    def grouped(self) -> dict[tuple[str, str, str, int], dict[str, Any]]:
        groups: dict[tuple[str, str, str, int], list[dict[str, Any]]] = {}
        for r in self.records:
            groups.setdefault((r["target"], r["mode"], r["app"], r["sessions"]), []).append(r)
        return {k: aggregate(v) for k, v in groups.items()}

    def report(self) -> str:
        info = machine_info()
        agg = self.grouped()
        lines = []
        command = "python bench/run.py " + " ".join(sys.argv[1:])
        lines.append(f"Command: `{command.strip()}`  ")
        lines.append(
            f"Date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')} · total time {time.monotonic() - self.started:.0f} s  "
        )
        lines.append(
            f"Machine: {info['nproc']} cores ({info['cpu']}), {info['ram_gb']:.1f} GB RAM, {info['os']}  "
        )
        lines.append(
            f"Software: Python {info['python']}, Django {info['django']}, channels {info['channels']}, daphne {info['daphne']}, channels-redis {info['channels_redis']}, django-redis {info['django_redis']}, redis-server {info['redis']}"
            + (f", Gradio {self.gradio_version}" if self.gradio_version else "")
            + "  "
        )
        foreign = [
            r["cores_busy"].get("cpu0", 0) - r["cpu_pct"] - (r["redis_cpu_pct"] or 0)
            for r in self.records
        ]
        busy0 = [s.get("cpu0", 0) for s in self.busy_samples]
        busy1 = [s.get("cpu1", 0) for s in self.busy_samples]
        lines.append(
            f"Code: {self.code_before}"
            + (
                ""
                if code_version() == self.code_before
                else f" at the start, {code_version()} at the end (the package changed during the run)"
            )
            + (
                f" — **WHAT-IF patches applied to our servers: {', '.join(WHATIF)}** (not the package's figures)"
                if WHATIF
                else ""
            )
            + "  "
        )
        lines.append(
            f"Machine load: load average {self.load_before[0]:.2f} before, {self.load_after[0]:.2f} after; during measured runs core 0 (server) was {statistics.median(busy0) if busy0 else 0:.0f}% busy and core 1 (client) {statistics.median(busy1) if busy1 else 0:.0f}% (medians, all processes); other processes took about {statistics.median(foreign) if foreign else 0:.0f}% of core 0 beside our server  "
        )
        capped = self.profile.get("gradio_runs_at", {}) if self.args.compare_gradio else {}
        note = "".join(
            f" Gradio at {k} sessions: {v} run (it takes minutes)."
            for k, v in capped.items()
            if v < self.runs
        )
        lines.append(
            f"Each figure: median of {self.runs} run(s) (min–max)"
            + "".join(
                f"; ours {kind}: {n} runs"
                for kind, n in self.profile.get("our_runs", {}).items()
                if not self.args.runs
            )
            + f".{note}"
            f" Latency in ms from sending an event to the frame that ends it; {self.events} events per session"
            + "".join(
                f" ({kind} at 1 session: {n:,})"
                for kind, n in self.profile.get("one_session_events", {}).items()
            )
            + ", all sessions at once. Server pinned to core 0, load generator to core 1."
        )
        lines.append("")
        lines.append("")
        if self.failures:
            lines.append("**FAILED runs (left out of the figures):**")
            lines.extend(f"- {f}" for f in self.failures)
            lines.append("")
        # Per implementation tables.
        impls = (
            [("ours", m) for m in self.args.mode]
            + (
                [ratios.CHANNELS_ECHO, ratios.WEBSOCKETS_ECHO]
                if "floor" in self.args.scenario
                else []
            )
            + ([("gradio", "default")] if self.args.compare_gradio else [])
        )
        names = {
            ("ours", "embedded"): "blocksstate, embedded (1 worker, LocMem)",
            ("ours", "redis"): "blocksstate, Redis (2 workers)",
            ("gradio", "default"): f"Gradio {self.gradio_version or ''} (defaults, 1 process)",
            ratios.CHANNELS_ECHO: "bare Channels echo (daphne, 1 process)",
            ratios.WEBSOCKETS_ECHO: "bare websockets echo (1 process)",
        }
        table_start = len(lines)
        lines.append("### Event path")
        lines.append("")
        lines.append(
            "| app | sessions | server | p50 ms | p90 ms | p99 ms | max ms | events/s | server CPU % | CPU ms/event |"
        )
        lines.append("|---|---:|---|---|---|---|---|---|---|---|")
        apps_seen = []
        for r in self.records:
            if (r["app"], r["sessions"]) not in apps_seen:
                apps_seen.append((r["app"], r["sessions"]))
        apps_seen.sort(key=lambda a: (app_order(a[0]), a[1]))
        for app, sessions in apps_seen:
            for impl in impls:
                a = agg.get((impl[0], impl[1], app, sessions))
                if a is None:
                    continue
                cpu_text = cell(a, "cpu_pct")
                if impl == ("ours", "redis") and a.get("redis_cpu_pct"):
                    cpu_text += f" + redis {fmt_num(a['redis_cpu_pct']['median'])}"
                lines.append(
                    f"| {app} | {sessions} | {names[impl]} | {cell(a, 'p50')} | {cell(a, 'p90')} | {cell(a, 'p99')} | {cell(a, 'max')} | {cell(a, 'eps')} | {cpu_text} | {cell(a, 'cpu_ms')} |"
                )
        if len(lines) == table_start + 4:  # no row (a scaling-only run, say)
            del lines[table_start:]
        else:
            lines.append("")
        lines.extend(ratios.floor_table(self.records))
        lines.extend(ratios.scaling_table(self.records))
        lines.extend(ratios.targets(self.records))
        if self.args.compare_gradio:
            lines.append("### Side by side with Gradio (one worker each)")
            lines.append("")
            lines.append(
                "| app | sessions | p50 ours / Gradio | × lower | p99 ours / Gradio | × lower | events/s ours / Gradio | × more |"
            )
            lines.append("|---|---:|---|---:|---|---:|---|---:|")
            for app, sessions in apps_seen:
                ours, gradio = (
                    agg.get(("ours", "embedded", app, sessions)),
                    agg.get(("gradio", "default", gradio_twin(app), sessions)),
                )
                if ours is None or gradio is None:
                    continue
                o50, g50, o99, g99, oe, ge = (
                    median_of(ours, "p50"),
                    median_of(gradio, "p50"),
                    median_of(ours, "p99"),
                    median_of(gradio, "p99"),
                    median_of(ours, "eps"),
                    median_of(gradio, "eps"),
                )
                lines.append(
                    f"| {app} | {sessions} | {fmt_opt(o50)} / {fmt_opt(g50)} | {ratio(g50, o50)} | {fmt_opt(o99)} / {fmt_opt(g99)} | {ratio(g99, o99)} | {fmt_opt(oe)} / {fmt_opt(ge)} | {ratio(oe, ge)} |"
                )
            lines.append("")
        if self.memory:
            lines.append("### Memory per idle connected session (server RSS delta / sessions)")
            lines.append("")
            lines.append(
                "| server | sessions | KB per idle session | KB per session after the sockets closed | after malloc_trim | sessions / connections still held | RSS growth over a second round / a third, KB per session |"
            )
            lines.append("|---|---:|---|---|---|---|---|")
            mem_groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
            for m in self.memory:
                mem_groups.setdefault((m["target"], m["mode"], m["sessions"]), []).append(m)
            for (target, mode, sessions), rows in mem_groups.items():
                valid = [r for r in rows if r["ok"]]
                if not valid:
                    lines.append(f"| {names[(target, mode)]} | {sessions} | FAILED | | | | |")
                    continue
                held = (
                    "-"
                    if target != "ours"
                    else f"{max(r['sessions_left'] for r in valid)} / {max(r['connections_left'] for r in valid)}"
                )
                trim = (
                    "-"
                    if target != "ours"
                    else spread([r["after_trim_kb_per_session"] for r in valid])
                )
                rounds = [r for r in valid if "third_round_kb_per_session" in r]
                second = (
                    f"{spread([r['second_round_kb_per_session'] for r in rounds])} / {spread([r['third_round_kb_per_session'] for r in rounds])}"
                    if rounds
                    else ""
                )
                lines.append(
                    f"| {names[(target, mode)]} | {sessions} | {spread([r['kb_per_session'] for r in valid])} | {spread([r['after_close_kb_per_session'] for r in valid])} | {trim} | {held} | {second or '-'} |"
                )
            lines.append("")
            lines.append(
                "Idle: each session connected and said hello (Gradio: heartbeat stream open and one event run, which is when Gradio creates a session's state). Closed: sockets dropped without a `close` frame; blocksstate ends them after `RESUME_GRACE` (5 s in the bench settings), the table waits until the worker holds no session (at most 60 s; the next-to-last column says how many were still held). Python keeps freed memory in its own arenas for reuse rather than giving it back to the system, so RSS after the close says little about what a closed session holds; the last column does: as many pages again, opened and dropped on the same workers, twice, and the RSS growth from the end of one round to the end of the next (about zero once bounded caches are full, when the earlier rounds' memory was reused and nothing was held)."
            )
            lines.append("")
        if self.sweep:
            lines.append("### Sweep: expiring 1,000 ended sessions")
            lines.append("")
            first = next(iter(self.sweep.values()))
            if first.get("status") == "not_implemented":
                lines.append(
                    f"Not implemented yet: the package has no sweep entry point (looked for {', '.join(first['looked_for'])}). `bench/sweep_bench.py` times it once it exists."
                )
            else:
                lines.append(
                    "One call of the sweep once the ended sessions are due; the other sessions are connected ones (keys and heartbeat entry in the expiry index). Check: every ended session's keys gone, every connected one's still there."
                )
                lines.append("")
                lines.append(
                    "| cache | sessions in the cache | ended (due) | sweep time s | check |"
                )
                lines.append("|---|---:|---:|---|---|")
                for cache, result in self.sweep.items():
                    if result.get("status") != "ok":
                        lines.append(f"| {cache} | harness error: {str(result)[:200]} | | | |")
                        continue
                    for row in result["rows"]:
                        times = [r["seconds"] for r in row["runs"] if r["ok"]]
                        lines.append(
                            f"| {cache} (`{result['entry_point']}`) | {row['total']} | {row['ended']} | {spread(times) if times else 'FAILED'} | {'ok' if row['ok'] else 'FAILED'} |"
                        )
            lines.append("")
        lines.extend(self.targets(agg))
        if self.profiles:
            lines.append("### Profile (py-spy, embedded worker unless named)")
            lines.append("")
            for name, summary in self.profiles.items():
                lines.append(
                    f"**{name}** — {summary['samples']} samples; p50 under the profiler {fmt_opt(summary['p50'])} ms"
                )
                lines.append("")
                lines.append(
                    "| CPU samples by owner | % | | innermost blocksstate function | % | | self time (any function) | % |"
                )
                lines.append("|---|---:|---|---|---:|---|---|---:|")
                for i in range(12):
                    cells = []
                    for column in ("owners", "blocksstate", "self"):
                        entries = summary[column]
                        cells.append(
                            f"`{entries[i][0]}` | {entries[i][1]:.1f}"
                            if i < len(entries)
                            else " | "
                        )
                    if all(c == " | " for c in cells):
                        break
                    lines.append("| " + " | | ".join(cells) + " |")
                lines.append("")
        return "\n".join(lines)

    def targets(self, agg: dict[tuple[str, str, str, int], dict[str, Any]]) -> list[str]:
        compare = self.args.compare_gradio

        def ours(app: str, sessions: int, metric: str, mode: str = "embedded") -> float | None:
            return median_of(agg.get(("ours", mode, app, sessions)), metric)

        def gradio(
            app: str, sessions: int, metric: str, fallback: float
        ) -> tuple[float | None, str]:
            if compare:
                return median_of(agg.get(("gradio", "default", app, sessions)), metric), "this run"
            return fallback, "issue's figure"

        rows: list[tuple[str, str, bool | None]] = []

        def add(name: str, detail: str, met: bool | None) -> None:
            rows.append((name, detail, met))

        o, (g, src) = (
            ours("counter", 1, "p50"),
            gradio("counter", 1, "p50", ISSUE_GRADIO["counter_p50"]),
        )
        add(
            "sequential counter p50 ≤ 1 ms and ≥ 5× lower than Gradio",
            f"{fmt_opt(o)} ms vs Gradio {fmt_opt(g)} ms ({src}): {ratio(g, o)}",
            None if o is None or g is None else (o <= 1.0 and g / o >= 5),
        )
        o = ours("cart", 1, "p50")
        add(
            "cart in one round trip, p50 ≤ 1.5 ms",
            f"{fmt_opt(o)} ms (one round trip by design)",
            None if o is None else o <= 1.5,
        )
        oe, o99, (ge, src) = (
            ours("counter", 50, "eps"),
            ours("counter", 50, "p99"),
            gradio("counter", 50, "eps", ISSUE_GRADIO["counter50_eps"]),
        )
        add(
            "50 sessions: ≥ 20× Gradio's events/s, p99 < 50 ms",
            f"{fmt_opt(oe)} ev/s vs {fmt_opt(ge)} ({src}): {ratio(oe, ge)}; p99 {fmt_opt(o99)} ms",
            None if oe is None or ge is None or o99 is None else (oe / ge >= 20 and o99 < 50),
        )
        o200 = ours("counter", 200, "eps")
        add(
            "200 sessions: ≥ 90% of the 50-session rate",
            f"{fmt_opt(o200)} vs {fmt_opt(oe)} ev/s: {fmt_opt(100 * o200 / oe if o200 and oe else None)}%",
            None if o200 is None or oe is None else o200 >= 0.9 * oe,
        )
        for mode in self.args.mode:
            o, (g, src) = (
                ours("bigstate-50k", 1, "p50", mode),
                gradio("bigstate-50k", 1, "p50", ISSUE_GRADIO["bigstate50k_p50"]),
            )
            add(
                f"50k-item State p50 ≤ Gradio's, persisted ({mode}, default pickle)",
                f"{fmt_opt(o)} ms vs {fmt_opt(g)} ms ({src})",
                None if o is None or g is None else o <= g,
            )
            o = ours("bigstate-50k-marshal", 1, "p50", mode)
            if o is not None:
                add(
                    f'50k-item State p50 ≤ Gradio\'s, persisted ({mode}, serializer="marshal")',
                    f"{fmt_opt(o)} ms vs {fmt_opt(g)} ms ({src})",
                    None if g is None else o <= g,
                )
            o, (g, src) = (
                ours("bigstate-50k-change", 1, "p50", mode),
                gradio("bigstate-50k-change", 1, "p50", ISSUE_GRADIO["bigstate50k_change_p50"]),
            )
            add(
                f"50k-item State with .change ≥ 20× faster than Gradio ({mode})",
                f"{fmt_opt(o)} ms vs {fmt_opt(g)} ms ({src}): {ratio(g, o)}",
                None if o is None or g is None else g / o >= 20,
            )
        for mode in self.args.mode:
            rows_m = [
                m
                for m in self.memory
                if m["target"] == "ours"
                and m["mode"] == mode
                and m["sessions"] == max(self.profile["memory"])
                and m["ok"]
            ]
            if rows_m:
                kb = statistics.median(r["kb_per_session"] for r in rows_m)
                add(
                    f"≤ 50 KB per idle session at {max(self.profile['memory'])} sessions ({mode})",
                    f"{kb:.1f} KB",
                    kb <= 50,
                )
        rows_r = [
            m
            for m in self.memory
            if m["target"] == "ours"
            and m["mode"] == "redis"
            and m["ok"]
            and "third_round_kb_per_session" in m
        ]
        if rows_r:
            kb = statistics.median(r["third_round_kb_per_session"] for r in rows_r)
            held = max(r["sessions_left"] for r in rows_r)
            add(
                "none for a disconnected session whose state is in Redis",
                f"{held} sessions still held; RSS growth over a third round of {rows_r[0]['sessions']} pages: {kb:.2f} KB per session",
                held == 0 and kb < 1.0,
            )
        for cache, result in self.sweep.items():
            name = f"sweep time grows with expired sessions, not all sessions ({cache})"
            if result.get("status") == "ok" and all(row["median"] for row in result["rows"]):
                rows_s = result["rows"]
                first, last = rows_s[0]["median"], rows_s[-1]["median"]
                add(
                    name,
                    f"{fmt_opt(first)} s with {rows_s[0]['total']} sessions → {fmt_opt(last)} s with {rows_s[-1]['total']} ({ratio(last, first)})",
                    last <= 2 * first,
                )
            else:
                add(
                    name,
                    "not implemented yet"
                    if result.get("status") == "not_implemented"
                    else "FAILED",
                    None,
                )
        out = ["### Targets (issue 4)", "", "| target | measured | met |", "|---|---|---|"]
        for name, detail, met in rows:
            out.append(
                f"| {name} | {detail} | {'yes' if met else ('no' if met is False else 'n/a')} |"
            )
        out.append("")
        return out


def fmt_opt(value: float | None) -> str:
    return "n/a" if value is None else fmt_num(value)


def app_order(app: str) -> tuple[int, str]:
    order = [
        "counter",
        "cart",
        "bigstate-10k",
        "bigstate-10k-change",
        "bigstate-20k",
        "bigstate-20k-change",
        "bigstate-50k",
        "bigstate-50k-change",
        "bigstate-50k-marshal",
        "bigstate-50k-marshal-change",
    ]
    return (order.index(app) if app in order else 99, app)


# -- profile summary ------------------------------------------------------------------------------------


OWNERS = {
    "blocksstate": "blocksstate",
    "benchsite": "the apps' handlers",
    "channels": "Channels + asgiref",
    "asgiref": "Channels + asgiref",
    "daphne": "daphne + Twisted + autobahn",
    "twisted": "daphne + Twisted + autobahn",
    "autobahn": "daphne + Twisted + autobahn",
    "txaio": "daphne + Twisted + autobahn",
    "django": "Django",
    "redis": "redis clients",
    "django_redis": "redis clients",
    "channels_redis": "redis clients",
}


def frame_package(frame: str) -> str:
    match = re.match(r".*? \((.*?)(?::\d+)?\)$", frame.strip())
    return match.group(1).split("/", 1)[0] if match else ""


def summarize_profile(raw: Path) -> dict[str, Any]:
    """Shares of py-spy's samples: by owner (the innermost frame of a known package: so
    the thread hop a blocksstate function asks asyncio for counts as blocksstate), by
    blocksstate function (the innermost one), and by function (self time)."""
    owners: dict[str, int] = {}
    ours: dict[str, int] = {}
    self_counts: dict[str, int] = {}
    samples = 0
    if raw.exists():
        for line in raw.read_text().splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not stack or not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [f for f in stack.split(";") if f and not f.startswith(("thread", "process"))]
            if not frames:
                continue
            samples += count
            self_name = short_frame(frames[-1])
            self_counts[self_name] = self_counts.get(self_name, 0) + count
            owner, own_function = "standard library only (event loop, threads)", None
            for frame in reversed(frames):
                package = frame_package(frame)
                if package in OWNERS:
                    owner = OWNERS[package]
                    if package == "blocksstate":
                        own_function = short_frame(frame)
                    break
            owners[owner] = owners.get(owner, 0) + count
            if own_function:
                ours[own_function] = ours.get(own_function, 0) + count

    def top(counts: dict[str, int], n: int = 40) -> list[tuple[str, float]]:
        return (
            [
                (name, 100.0 * c / samples)
                for name, c in sorted(counts.items(), key=lambda kv: -kv[1])[:n]
            ]
            if samples
            else []
        )

    return {
        "samples": samples,
        "owners": top(owners),
        "blocksstate": top(ours),
        "self": top(self_counts),
        "raw": str(raw.relative_to(REPO)) if raw.exists() else None,
    }


def short_frame(frame: str) -> str:
    # "function (path/to/module.py:123)" -> "function (module.py)"
    match = re.match(r"(.*?) \((.*?)(?::\d+)?\)$", frame.strip())
    if not match:
        return frame.strip()
    func, path = match.groups()
    parts = Path(path).parts
    short = "/".join(parts[-2:]) if len(parts) >= 2 else path
    return f"{func} ({short})"


# -- environment ----------------------------------------------------------------------------------------


def ensure_gradio(upgrade: bool, log: Any) -> str:
    """Create bench/.venv-gradio with the latest gradio from PyPI; return the installed version."""
    if not GRADIO_PY.exists():
        log(f"creating {GRADIO_VENV.relative_to(REPO)}")
        base = getattr(sys, "_base_executable", None) or "python3"
        subprocess.run([base, "-m", "venv", str(GRADIO_VENV)], check=True)
    latest = None
    index = subprocess.run(
        [str(GRADIO_PY), "-m", "pip", "index", "versions", "gradio"], capture_output=True, text=True
    )
    match = re.search(r"gradio \(([^)]+)\)", index.stdout)
    if match:
        latest = match.group(1)
    installed = installed_gradio()
    if installed is None or upgrade or (latest and installed != latest):
        log(
            f"installing gradio {latest or '(latest)'} into {GRADIO_VENV.relative_to(REPO)} (was {installed})"
        )
        spec = f"gradio=={latest}" if latest else "gradio"
        subprocess.run(
            [
                str(GRADIO_PY),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-U",
                spec,
            ],
            check=True,
        )
        installed = installed_gradio()
    log(f"gradio {installed} (latest on the index: {latest})")
    assert installed is not None
    return installed


def installed_gradio() -> str | None:
    if not GRADIO_PY.exists():
        return None
    done = subprocess.run(
        [str(GRADIO_PY), "-c", "import importlib.metadata as m; print(m.version('gradio'))"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or None


_machine: dict[str, Any] = {}


def machine_info() -> dict[str, Any]:
    if _machine:
        return _machine
    import importlib.metadata as md

    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        ram_kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])

    def version(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "?"

    redis_version = "?"
    try:
        out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout
        redis_version = re.search(r"v=([\d.]+)", out).group(1)  # type: ignore[union-attr]
    except Exception:
        pass
    _machine.update(
        {
            "nproc": os.cpu_count(),
            "cpu": cpu,
            "ram_gb": ram_kb / 2**20,
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "django": version("Django"),
            "channels": version("channels"),
            "daphne": version("daphne"),
            "channels_redis": version("channels-redis"),
            "django_redis": version("django-redis"),
            "redis": redis_version,
            "websockets": version("websockets"),
            "aiohttp": version("aiohttp"),
        }
    )
    return _machine


def code_version() -> str:
    """The commit measured, and whether blocksstate/ had uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--", "blocksstate"],
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        diff = subprocess.run(
            ["git", "-C", str(REPO), "diff", "HEAD", "--", "blocksstate"], capture_output=True
        ).stdout
    except OSError:
        return "unknown"
    import hashlib

    digest = hashlib.sha1(diff)
    for line in dirty:
        path = REPO / line[3:]
        if line.startswith("??") and path.is_file():
            digest.update(path.read_bytes())
    return f"blocksstate at commit {head}" + (
        f" plus uncommitted changes in {len(dirty)} file(s) of blocksstate/ (digest {digest.hexdigest()[:8]})"
        if dirty
        else ""
    )


def write_doc(report: str) -> None:
    text = DOC.read_text() if DOC.exists() else ""
    generated = f"{BEGIN}\n\n{report}\n\n{END}"
    if BEGIN in text and END in text:
        start = text.index(BEGIN)
        end = text.index(END) + len(END)
        text = text[:start] + generated + text[end:]
    else:
        text = (
            "# Performance\n\n## Results\n\n"
            + generated
            + "\n\n## Analysis\n\n(hand-written; see below)\n"
            + text
        )
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark blocksstate's event path (and Gradio's, side by side)."
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short run to check the harness: 1 run, small sizes"
    )
    parser.add_argument(
        "--compare-gradio",
        action="store_true",
        help="also run the same apps on Gradio (own venv, bench/.venv-gradio)",
    )
    parser.add_argument(
        "--upgrade-gradio",
        action="store_true",
        help="reinstall gradio in its venv even if it looks current",
    )
    parser.add_argument(
        "--scenario",
        default="counter,cart,bigstate,floor,memory,sweep,scaling",
        help="comma list of counter, cart, bigstate, floor (the counter beside bare echoes), memory, sweep, scaling (1/2/4 Redis workers), profile",
    )
    parser.add_argument("--mode", default="embedded,redis", help="comma list of embedded, redis")
    parser.add_argument("--runs", type=int, help="runs per figure (default 3; 1 with --quick)")
    parser.add_argument("--sessions", help="comma list of session counts, instead of the profile's")
    parser.add_argument(
        "--apps", help="comma list of apps to run (say bigstate-50k,bigstate-50k-marshal), not all"
    )
    parser.add_argument(
        "--memory-sessions", help="comma list of idle session counts for the memory scenario"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also profile the server with py-spy (same as adding 'profile' to --scenario; not counted in the figures)",
    )
    write = parser.add_mutually_exclusive_group()
    write.add_argument(
        "--write",
        dest="write",
        action="store_true",
        default=None,
        help="rewrite the generated section of docs/performance.md (default for full runs)",
    )
    write.add_argument("--no-write", dest="write", action="store_false")
    parser.add_argument(
        "--what-if",
        default="",
        help="patch our servers to size a proposed change (see benchsite/whatif.py); never written to the docs",
    )
    args = parser.parse_args()
    args.scenario = [s.strip() for s in args.scenario.split(",") if s.strip()]
    args.mode = [m.strip() for m in args.mode.split(",") if m.strip()]
    args.sessions = [int(s) for s in args.sessions.split(",")] if args.sessions else None
    args.apps = [a.strip() for a in args.apps.split(",") if a.strip()] if args.apps else None
    if args.profile and "profile" not in args.scenario:
        args.scenario.append("profile")
    unknown = set(args.scenario) - {
        "counter",
        "cart",
        "bigstate",
        "floor",
        "memory",
        "sweep",
        "scaling",
        "profile",
    }
    if unknown or set(args.mode) - {"embedded", "redis"}:
        parser.error(f"unknown scenario or mode: {sorted(unknown) or args.mode}")
    if os.cpu_count() and os.cpu_count() < 2:
        parser.error(
            "needs at least 2 cores: the server and the load generator are pinned to cores 0 and 1"
        )
    if args.apps and args.write is None:
        args.write = False  # a few apps are not a full run
    WHATIF[:] = [w.strip() for w in args.what_if.split(",") if w.strip()]
    if WHATIF:
        if args.write:
            parser.error(
                "--what-if results are not the package's: they are never written to the docs"
            )
        args.write = False
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return Bench(args).main()


if __name__ == "__main__":
    sys.exit(main())

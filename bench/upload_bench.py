#!/usr/bin/env python
"""Upload throughput and server memory, blocksstate against Gradio (issue 16, item 7).

    python bench/upload_bench.py [--runs 5] [--sizes 100,10] [--target ours,gradio]
                                 [--asgi daphne,uvicorn] [--write | --no-write]

One file of random bytes per size (``--sizes``, in MB of 2**20 bytes) is written once to
the results folder; then each upload of it is one multipart POST, its body streamed from
disk by aiohttp (the client never holds the file), one upload at a time:

- blocksstate: the bench site (``benchsite``, app ``files``: one ``gr.File``) under daphne
  as ``run.py`` starts it (``--asgi daphne,uvicorn``: under each); a WebSocket says
  ``hello`` and the ``session`` frame gives the upload token; then
  ``POST /blocksstate/upload/files/`` with ``X-Blocksstate-Upload: <token>`` and the fields
  ``component`` (the File's id, from ``/bench/apps.json``) and ``files``.
- Gradio: ``bench/gradio_apps/files.py`` (one ``gr.File``, default settings) in
  ``bench/.venv-gradio``; ``POST /gradio_api/upload`` with the field ``files``, as its
  browser client does (gradio/routes.py ``upload_file``).

Both servers run at once, pinned to core 0, and their uploads alternate (A B A B) so a
slow second of the machine falls on both; the client is pinned to core 1. Per upload:
MB/s (file size / time from the POST's first byte to the answer's last), and the server's
resident memory (its process and children, psutil every 20 ms): before, the peak during
the upload minus before, and after (1 s later) minus before; plus the kernel's high-water
mark (``VmHWM``, reset through ``/proc/<pid>/clear_refs`` before each upload) as a check of
the sampled peak. Each figure is the median of ``--runs`` uploads (min-max). The answer
is checked: blocksstate's record has the file's size, Gradio's path holds the file.

A full run (both targets, every upload checked) rewrites the upload section of
``docs/performance.md`` (between its own markers, beside the event path tables).
Exit status 1 when an upload failed its check, 2 when the blocksstate side cannot run
yet (no File component or upload endpoint in the package).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as harness  # noqa: E402  (bench/run.py: processes, Gradio's venv, machine notes)

BENCH, REPO, DOC = harness.BENCH, harness.REPO, harness.DOC
BEGIN = "<!-- BEGIN GENERATED: bench/upload_bench.py -->"
END = "<!-- END GENERATED: bench/upload_bench.py -->"
MB = 2**20
SAMPLE_EVERY = 0.020
APP = "files"
LABELS = {"ours": "blocksstate", "gradio": "Gradio"}


class NotReady(Exception):
    """The blocksstate side cannot run yet: no File component or no upload endpoint."""


# -- memory ----------------------------------------------------------------------------------------


def family(pids: list[int]) -> list[psutil.Process]:
    procs: list[psutil.Process] = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc = psutil.Process(pid)
            procs += [proc, *proc.children(recursive=True)]
    return procs


def rss(procs: list[psutil.Process]) -> int:
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def reset_hwm(procs: list[psutil.Process]) -> bool:
    """Reset the kernel's peak RSS of these processes (``echo 5 > clear_refs``)."""
    try:
        for proc in procs:
            with open(f"/proc/{proc.pid}/clear_refs", "w") as f:
                f.write("5")
        return True
    except OSError:
        return False


def hwm(procs: list[psutil.Process]) -> int:
    total = 0
    for proc in procs:
        with open(f"/proc/{proc.pid}/status") as f:
            line = next(line for line in f if line.startswith("VmHWM:"))
        total += int(line.split()[1]) * 1024
    return total


class Sampler(threading.Thread):
    """RSS of the server's processes (and of this client) every 20 ms, until stopped."""

    def __init__(self, procs: list[psutil.Process]) -> None:
        super().__init__(daemon=True)
        self.procs = procs
        self.me = psutil.Process()
        self.peak = 0
        self.client_peak = 0
        self.samples = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, rss(self.procs))
            self.client_peak = max(self.client_peak, self.me.memory_info().rss)
            self.samples += 1
            self.done.wait(SAMPLE_EVERY)

    def stop(self) -> None:
        self.done.set()
        self.join()
        # One last sample: the answer has arrived, the server may still hold what it read.
        self.peak = max(self.peak, rss(self.procs))


def settled_rss(procs: list[psutil.Process]) -> int:
    """The median of 5 samples 20 ms apart: one RSS reading of a quiet server."""
    values = []
    for _ in range(5):
        values.append(rss(procs))
        time.sleep(SAMPLE_EVERY)
    return int(statistics.median(values))


# -- servers ------------------------------------------------------------------------------------------


class OursServer:
    """The bench site in one ASGI worker (daphne as run.py starts it, or uvicorn)."""

    def __init__(self, asgi: str, log_dir: Path) -> None:
        self.port = harness.free_port()
        env = harness.our_env(None, log_dir)
        env["BENCH_MEDIA_ROOT"] = str(log_dir / "media-ours")
        if asgi == "daphne":
            argv = ["-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(self.port)]
        else:
            argv = ["-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port)]
            argv += ["--log-level", "warning", "--no-access-log"]
        self.proc = harness.Proc(
            f"{asgi}-uploads",
            [sys.executable, *argv, "benchsite.asgi:application"],
            harness.SERVER_CORE,
            log_dir,
            env=env,
            cwd=BENCH,
        )
        harness.wait_http(f"{self.base}/bench/apps.json", self.proc)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        return [self.proc.pid]

    def stop(self) -> None:
        self.proc.stop()


class SinkServer(OursServer):
    """``asgi_sink.py`` (reads a body, throws it away) in the same ASGI server as ours."""

    def __init__(self, asgi: str, log_dir: Path) -> None:
        self.port = harness.free_port()
        if asgi == "daphne":
            argv = ["-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(self.port)]
        else:
            argv = ["-m", "uvicorn", "--host", "127.0.0.1", "--port", str(self.port)]
            argv += ["--log-level", "warning", "--no-access-log"]
        self.proc = harness.Proc(
            f"{asgi}-sink",
            [sys.executable, *argv, "asgi_sink:application"],
            harness.SERVER_CORE,
            log_dir,
            cwd=BENCH,
        )
        harness.wait_http(f"{self.base}/", self.proc)


class GradioServer(harness.GradioServer):
    @property
    def base(self) -> str:
        return self.bases[0]


# -- the clients ---------------------------------------------------------------------------------------


class OursClient:
    """A page of the files app: its socket gives the upload token; the upload is a POST."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base
        self.component: int | None = None
        self.ws: Any = None
        self.token: str | None = None

    async def find_component(self) -> None:
        async with self.http.get(f"{self.base}/bench/apps.json") as resp:
            apps = (await resp.json())["apps"]
        if APP not in apps:
            raise NotReady(
                "the bench site has no 'files' app: the package has no gr.File yet "
                "(bench/benchsite/blocks.py registers it once it exists)"
            )
        files = [cid for cid, c in apps[APP]["components"].items() if c["type"] == "file"]
        if not files:
            raise NotReady("the 'files' app has no component of type 'file'")
        self.component = int(files[0])

    async def open(self) -> None:
        if self.component is None:
            await self.find_component()
        url = self.base.replace("http", "ws", 1) + f"/ws/blocks/{APP}/"
        self.ws = await websockets.connect(
            url, origin=self.base, max_size=None, open_timeout=60, ping_interval=None
        )
        await self.ws.send(
            json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {}})
        )
        frame: dict = {}
        while frame.get("type") != "session":
            message = json.loads(await asyncio.wait_for(self.ws.recv(), 60))
            # One frame, or several in a JSON array (docs/protocol.md).
            for frame in message if isinstance(message, list) else [message]:
                if frame["type"] == "session":
                    break
                if frame["type"] == "error":
                    raise RuntimeError(f"hello refused: {frame}")
        self.token = frame.get("upload")
        if not self.token:
            raise NotReady(
                "the session frame carries no 'upload' token: the upload endpoint is not in "
                "the package yet (docs/protocol.md, issue 16)"
            )

    async def upload(self, path: Path, size: int) -> str | None:
        """The file in chunks, as the page sends a file bigger than one chunk (uploads.js)."""
        chunk_bytes = 4 * MB  # UPLOAD_CHUNK_BYTES, the default the page is given
        upload_id = os.urandom(12).hex()
        offset, reply = 0, {}
        with open(path, "rb") as f:
            while offset < size or not offset:
                f.seek(offset)
                piece = f.read(chunk_bytes)
                async with self.http.post(
                    f"{self.base}/blocksstate/upload/{APP}/chunk/",
                    data=piece,
                    headers={
                        "X-Blocksstate-Upload": self.token or "",
                        "X-Blocksstate-Upload-Id": upload_id,
                        "X-Blocksstate-Component": str(self.component),
                        "X-Blocksstate-File-Name": path.name,
                        "X-Blocksstate-File-Size": str(size),
                        "X-Blocksstate-Offset": str(offset),
                        "X-Blocksstate-File-Count": "1",
                        "Content-Type": "application/octet-stream",
                        "Origin": self.base,
                    },
                ) as resp:
                    body = await resp.read()
                    status = resp.status
                if status != 200:
                    return f"HTTP {status} at byte {offset}: {body[:300]!r}"
                reply = json.loads(body)
                if "files" in reply:
                    break
                offset = reply["received"]
        files = reply.get("files") or []
        if len(files) != 1 or files[0].get("size") != size:
            return f"answered {reply!r:.300}, not one record of {size} bytes"
        return None

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.send(json.dumps({"type": "close"}))
                await self.ws.close()
        self.ws = None


class OursMultipartClient(OursClient):
    """The same page's upload as one multipart POST (small files, API clients)."""

    async def upload(self, path: Path, size: int) -> str | None:
        """POST the file; None when the answer checks out, else what was wrong."""
        with open(path, "rb") as f:
            form = aiohttp.FormData()
            form.add_field("component", str(self.component))
            form.add_field("files", f, filename=path.name, content_type="application/octet-stream")
            async with self.http.post(
                f"{self.base}/blocksstate/upload/{APP}/",
                data=form,
                headers={"X-Blocksstate-Upload": self.token or "", "Origin": self.base},
            ) as resp:
                body = await resp.read()
                status, kind = resp.status, resp.content_type
        if status == 404 and kind != "application/json":
            raise NotReady("POST /blocksstate/upload/files/ is not a URL of the package yet")
        if status != 200:
            return f"HTTP {status}: {body[:300]!r}"
        files = json.loads(body).get("files") or []
        if len(files) != 1 or files[0].get("size") != size:
            return f"answered {body[:300]!r}, not one record of {size} bytes"
        return None


class GradioClient:
    """Gradio's browser upload: ``POST /gradio_api/upload`` with the field ``files``."""

    def __init__(self, http: aiohttp.ClientSession, base: str) -> None:
        self.http, self.base = http, base

    async def open(self) -> None:
        async with self.http.get(f"{self.base}/config") as resp:
            config = await resp.json()
        if not any(c.get("type") == "file" for c in config.get("components", [])):
            raise RuntimeError("the Gradio app has no File component")

    async def upload(self, path: Path, size: int) -> str | None:
        with open(path, "rb") as f:
            form = aiohttp.FormData()
            form.add_field("files", f, filename=path.name, content_type="application/octet-stream")
            async with self.http.post(
                f"{self.base}/gradio_api/upload", data=form, headers={"Origin": self.base}
            ) as resp:
                body = await resp.read()
                status = resp.status
        if status != 200:
            return f"HTTP {status}: {body[:300]!r}"
        paths = json.loads(body)
        if not isinstance(paths, list) or len(paths) != 1:
            return f"answered {body[:300]!r}, not one path"
        # Gradio renames the parsed file into its cache (a background move if that fails).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if os.path.getsize(paths[0]) == size:
                    return None
            await asyncio.sleep(0.05)
        return f"{paths[0]} does not hold the {size} bytes sent"

    async def close(self) -> None:
        pass


class SinkClient(GradioClient):
    """The same multipart POST to ``asgi_sink.py``, which answers the body's length."""

    async def open(self) -> None:
        pass

    async def upload(self, path: Path, size: int) -> str | None:
        with open(path, "rb") as f:
            form = aiohttp.FormData()
            form.add_field("files", f, filename=path.name, content_type="application/octet-stream")
            async with self.http.post(f"{self.base}/upload", data=form) as resp:
                body = await resp.read()
                status = resp.status
        if status != 200 or json.loads(body)["size"] < size:
            return f"HTTP {status}: {body[:300]!r}"
        return None


CLIENTS = {
    "ours": OursClient,
    "ours-multipart": OursMultipartClient,
    "gradio": GradioClient,
    "sink": SinkClient,
}


# -- one upload, measured --------------------------------------------------------------------------


async def measured_upload(
    client: Any, server: Any, target: str, path: Path, size: int, run: int | None
) -> dict[str, Any]:
    await client.open()
    try:
        procs = family(server.pids)
        await asyncio.sleep(0.5)
        before = settled_rss(procs)
        hwm_ok = reset_hwm(procs)
        client_before = psutil.Process().memory_info().rss
        sampler = Sampler(procs)
        sampler.start()
        started = time.perf_counter()
        try:
            problem = await client.upload(path, size)
        finally:
            seconds = time.perf_counter() - started
            sampler.stop()
        peak_hwm = hwm(procs) if hwm_ok else None
    finally:
        await client.close()
    await asyncio.sleep(1.0)
    after = settled_rss(procs)
    return {
        "target": target,
        "size_mb": size / MB,
        "run": run,
        "ok": problem is None,
        "problem": problem,
        "seconds": seconds,
        "mb_s": size / MB / seconds,
        "before_mb": before / MB,
        "peak_growth_mb": (sampler.peak - before) / MB,
        "hwm_growth_mb": None if peak_hwm is None else (peak_hwm - before) / MB,
        "after_growth_mb": (after - before) / MB,
        "samples": sampler.samples,
        "client_peak_growth_mb": (sampler.client_peak - client_before) / MB,
    }


# -- the run ------------------------------------------------------------------------------------------


def write_file(path: Path, size: int) -> None:
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 4 * MB))
            f.write(chunk)
            left -= len(chunk)


def fmt(value: float) -> str:
    return harness.fmt_num(value)


spread = harness.spread


class UploadBench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        self.out = harness.RESULTS / f"{self.stamp}-uploads"
        self.out.mkdir(parents=True, exist_ok=True)
        self.started = time.monotonic()
        self.records: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.not_ready: str | None = None
        self.gradio_version: str | None = None
        self.load_before = os.getloadavg()
        self.code = harness.code_version()

    def log(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:6.0f}s] {text}", flush=True)

    def main(self) -> int:
        os.sched_setaffinity(0, {int(harness.CLIENT_CORE)})
        # Every temporary file of the servers (Django's, Gradio's) goes to the results folder,
        # on the same disk for both; deleted at the end.
        tmp = self.out / "tmp"
        tmp.mkdir()
        os.environ["TMPDIR"] = str(tmp)
        os.environ["GRADIO_TEMP_DIR"] = str(self.out / "media-gradio")
        self.log(f"results in {self.out.relative_to(REPO)}; load average {self.load_before}")
        targets = self.args.target
        # One server per target, ours and the sink once per ASGI server asked for.
        self.keys = [
            t if t == "gradio" else f"{t}:{asgi}" for t in targets for asgi in self.args.asgi
        ]
        # Ours is measured twice on the same server: in chunks (the page) and as one POST.
        self.keys = [
            k
            for key in self.keys
            for k in (
                [key, key.replace("ours", "ours-multipart")] if key.startswith("ours:") else [key]
            )
        ]
        self.keys = list(dict.fromkeys(self.keys))
        if "gradio" in targets:
            self.gradio_version = harness.ensure_gradio(False, self.log)
        if "ours" in targets:
            subprocess.run(
                [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
                env=harness.our_env(None, self.out),
                cwd=BENCH,
                check=True,
                capture_output=True,
            )
        files = {}
        for size_mb in self.args.sizes:
            path = self.out / f"upload-{size_mb}mb.bin"
            write_file(path, size_mb * MB)
            files[size_mb] = path
        servers: dict[str, Any] = {}
        try:
            for key in self.keys:
                target, _, asgi = key.partition(":")
                if target == "ours-multipart":
                    servers[key] = servers[f"ours:{asgi}"]
                elif target == "gradio":
                    servers[key] = GradioServer(APP, self.out)
                else:
                    servers[key] = (OursServer if target == "ours" else SinkServer)(asgi, self.out)
            asyncio.run(self.uploads(servers, files))
        finally:
            for server in {id(s): s for s in servers.values()}.values():
                server.stop()
            if not self.args.keep:
                for name in ("tmp", "media-ours", "media-gradio"):
                    shutil.rmtree(self.out / name, ignore_errors=True)
                for path in files.values():
                    path.unlink(missing_ok=True)
        report = self.report()
        (self.out / "uploads.json").write_text(
            json.dumps(
                {
                    "records": self.records,
                    "machine": harness.machine_info(),
                    "args": vars(self.args),
                },
                indent=1,
            )
        )
        (self.out / "report.md").write_text(report)
        print("\n" + report)
        write = self.args.write
        if write is None:
            write = {"ours", "gradio"} <= set(targets) and not self.failures and not self.not_ready
        if write:
            write_doc(report)
            self.log(f"wrote {DOC.relative_to(REPO)}")
        if self.not_ready:
            print(f"NOT READY (blocksstate side): {self.not_ready}", flush=True)
            return 2
        return 1 if self.failures else 0

    async def uploads(self, servers: dict[str, Any], files: dict[int, Path]) -> None:
        timeout = aiohttp.ClientTimeout(total=600)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            clients: dict[str, Any] = {}
            for target, server in servers.items():
                clients[target] = CLIENTS[target.partition(":")[0]](http, server.base)
            # Warm-up: one upload of the smallest file each, not counted.
            smallest = min(files)
            for target in list(clients):
                try:
                    record = await measured_upload(
                        clients[target],
                        servers[target],
                        target,
                        files[smallest],
                        smallest * MB,
                        None,
                    )
                except NotReady as exc:
                    self.not_ready = str(exc)
                    self.log(f"blocksstate side not ready: {exc}")
                    del clients[target]
                    continue
                if not record["ok"]:
                    self.log(f"warm-up {target} FAILED: {record['problem']}")
            for run in range(1, self.args.runs + 1):
                for size_mb in sorted(files, reverse=True):
                    for target in clients:
                        record = await measured_upload(
                            clients[target],
                            servers[target],
                            target,
                            files[size_mb],
                            size_mb * MB,
                            run,
                        )
                        self.records.append(record)
                        status = "ok" if record["ok"] else f"FAILED: {record['problem']}"
                        hwm_text = (
                            "-"
                            if record["hwm_growth_mb"] is None
                            else f"{record['hwm_growth_mb']:.1f}"
                        )
                        self.log(
                            f"  {target:6} {size_mb:4} MB run {run}: {record['mb_s']:7.1f} MB/s "
                            f"server RSS {record['before_mb']:.0f} MB, peak +{record['peak_growth_mb']:.1f} "
                            f"(HWM +{hwm_text}), after +{record['after_growth_mb']:.1f} MB; "
                            f"client peak +{record['client_peak_growth_mb']:.1f} MB [{status}]"
                        )
                        if not record["ok"]:
                            self.failures.append(
                                f"{target} {size_mb} MB run {run}: {record['problem']}"
                            )

    def values(self, target: str, size_mb: int, key: str) -> list[float]:
        return [
            r[key]
            for r in self.records
            if r["target"] == target and r["size_mb"] == size_mb and r["ok"] and r[key] is not None
        ]

    def report(self) -> str:
        m = harness.machine_info()
        load_after = os.getloadavg()
        names = {"gradio": f"Gradio {self.gradio_version or ''} (default launch)"}
        for asgi in self.args.asgi:
            names[f"ours:{asgi}"] = f"blocksstate ({asgi}, one worker), in 4 MB chunks as the page"
            names[f"ours-multipart:{asgi}"] = (
                f"blocksstate ({asgi}, one worker), one multipart POST"
            )
            names[f"sink:{asgi}"] = f"bare ASGI app that reads the body ({asgi}; asgi_sink.py)"
        lines = [
            "### Uploads: throughput and server memory",
            "",
            f"Command: `{' '.join(['python bench/upload_bench.py', *sys.argv[1:]])}`  ",
            f"Date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · total time {time.monotonic() - self.started:.0f} s  ",
            f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']:.1f} GB RAM, {m['os']}  ",
            f"Software: Python {m['python']}, Django {m['django']}, daphne {m['daphne']}"
            + (f", uvicorn {uvicorn_version()}" if "uvicorn" in self.args.asgi else "")
            + f", aiohttp {m['aiohttp']} (client)"
            + (f", Gradio {self.gradio_version}" if self.gradio_version else "")
            + "  ",
            f"Code: {self.code}  ",
            f"Machine load: load average {self.load_before[0]:.2f} before, {load_after[0]:.2f} after  ",
            f"Each figure: median of {self.args.runs} upload(s) (min–max), one upload at a time, the servers' uploads alternating (A B A B). "
            "MB = 2^20 bytes; MB/s = file size / time from the POST's first byte to its answer's last. "
            "Server memory: RSS of the server process (and children) sampled every 20 ms: the peak during the upload "
            "and the value 1 s after it, each minus the value before; HWM = the kernel's peak RSS (VmHWM, reset before each upload). "
            "All servers run at once, pinned to core 0, the client (aiohttp, the file streamed from disk) to core 1; all write to the same disk.",
            "",
        ]
        if self.not_ready:
            lines += [f"**blocksstate not measured**: {self.not_ready}.", ""]
        lines += [
            "| file | server | MB/s | server RSS before, MB | peak growth, MB | peak growth (HWM), MB | growth after, MB |",
            "|---|---|---|---|---|---|---|",
        ]
        for size_mb in sorted(self.args.sizes, reverse=True):
            for target in self.keys:
                if not any(r["target"] == target and r["size_mb"] == size_mb for r in self.records):
                    continue
                ok = self.values(target, size_mb, "mb_s")
                failed = sum(
                    1
                    for r in self.records
                    if r["target"] == target and r["size_mb"] == size_mb and not r["ok"]
                )
                cells = [
                    spread(self.values(target, size_mb, k))
                    for k in (
                        "mb_s",
                        "before_mb",
                        "peak_growth_mb",
                        "hwm_growth_mb",
                        "after_growth_mb",
                    )
                ]
                if not ok:
                    cells = ["FAILED"] * 5
                elif failed:
                    cells[0] += f" [{failed} FAILED]"
                lines.append(f"| {size_mb} MB | {names[target]} | " + " | ".join(cells) + " |")
            for asgi in self.args.asgi:
                ours_rate = self.values(f"ours:{asgi}", size_mb, "mb_s")
                gradio_rate = self.values("gradio", size_mb, "mb_s")
                if not (ours_rate and gradio_rate):
                    continue
                rate = statistics.median(ours_rate) / statistics.median(gradio_rate)
                ours_peak = statistics.median(
                    self.values(f"ours:{asgi}", size_mb, "peak_growth_mb")
                )
                gradio_peak = statistics.median(self.values("gradio", size_mb, "peak_growth_mb"))
                # A ratio of memory growths only means something when both grew.
                peak = f"{ours_peak / gradio_peak:.1f}×" if gradio_peak >= 1 else "-"
                lines.append(
                    f"| {size_mb} MB | ratio blocksstate ({asgi}) / Gradio | {rate:.2f}× | | {peak} | | |"
                )
        client = [r["client_peak_growth_mb"] for r in self.records if r["ok"]]
        if client:
            lines += [
                "",
                f"The client's own RSS grew by at most {max(client):.1f} MB during an upload (it streams the file, it does not hold it).",
            ]
        if self.failures:
            lines += ["", "Failed uploads: " + "; ".join(self.failures[:5])]
        return "\n".join(lines)


def uvicorn_version() -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version("uvicorn")
    except importlib.metadata.PackageNotFoundError:
        return "?"


def write_doc(report: str) -> None:
    """Put the report between its markers, after the event path's generated section."""
    text = DOC.read_text()
    generated = f"{BEGIN}\n\n{report}\n\n{END}"
    if BEGIN in text and END in text:
        start = text.index(BEGIN)
        text = text[:start] + generated + text[text.index(END) + len(END) :]
    else:
        anchor = text.index(harness.END) + len(harness.END)
        text = text[:anchor] + "\n\n" + generated + text[anchor:]
    DOC.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Upload throughput and memory: blocksstate against Gradio."
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="uploads of each file per server (default 5)"
    )
    parser.add_argument(
        "--sizes", default="100,10", help="file sizes in MB (2**20 bytes), comma list"
    )
    parser.add_argument(
        "--target",
        default="ours,gradio",
        help="comma list of ours, gradio, sink (a bare ASGI app in our ASGI server: the server's own cost)",
    )
    parser.add_argument(
        "--asgi",
        default="daphne",
        help="comma list of daphne, uvicorn: our server(s) (default daphne, as run.py)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the uploaded and stored files")
    write = parser.add_mutually_exclusive_group()
    write.add_argument(
        "--write",
        dest="write",
        action="store_true",
        default=None,
        help="rewrite the upload section of docs/performance.md (default: a full run with every upload checked)",
    )
    write.add_argument("--no-write", dest="write", action="store_false")
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.target = [t.strip() for t in args.target.split(",") if t.strip()]
    args.asgi = [a.strip() for a in args.asgi.split(",") if a.strip()]
    if set(args.asgi) - {"daphne", "uvicorn"} or not args.asgi:
        parser.error(f"unknown ASGI server in {args.asgi}")
    if set(args.target) - set(CLIENTS) or not args.target:
        parser.error(f"unknown target in {args.target}")
    if os.cpu_count() and os.cpu_count() < 2:
        parser.error(
            "needs at least 2 cores: the servers and the client are pinned to cores 0 and 1"
        )
    return UploadBench(args).main()


if __name__ == "__main__":
    sys.exit(main())

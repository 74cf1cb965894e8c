"""Under a real daphne, a 60 MB upload in chunks does not grow the server's memory with the file.

daphne holds a request's whole body, and queues it to the application all at once, before
the view runs: one 100 MB multipart upload grew its RSS by 1.2 GB (docs/performance.md).
The page sends big files in chunks (``UPLOAD_CHUNK_BYTES``), so daphne holds one chunk.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import json
import re
import secrets
import threading
import time
import urllib.request
from pathlib import Path

import psutil
import websockets

from tests.e2e.support import run_demo_site
from tests.wire import FrameReader

APP = "file-collector"
SIZE = 60 * 2**20
CHUNK = 4 * 2**20


def page_config(base: str) -> dict:
    page = urllib.request.urlopen(f"{base}/blocksstate/apps/{APP}/", timeout=30).read().decode()
    config_id = re.search(r'data-bs-config="([^"]+)"', page).group(1)
    script = re.search(rf'<script id="{re.escape(config_id)}"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(html.unescape(script.group(1)))


class PeakRss(threading.Thread):
    """The server process's RSS every 10 ms, until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.before = self.process.memory_info().rss
        self.peak = self.before
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self.done.wait(0.01)

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.peak - self.before


def post(url: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(url, body, headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_60_mb_upload_in_chunks_keeps_daphne_s_memory_flat(tmp_path: Path):
    content = secrets.token_bytes(SIZE)
    server = run_demo_site(tmp_path)
    try:
        base = server.url
        config = page_config(base)
        assert config["files"]["chunk_bytes"] == CHUNK
        component = next(cid for cid, c in config["components"].items() if c["type"] == "file")

        async def session_token() -> tuple[str, websockets.ClientConnection]:
            ws = await websockets.connect(
                base.replace("http", "ws", 1) + f"/ws/blocks/{APP}/", origin=base
            )
            await ws.send(
                json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {}})
            )
            frames = FrameReader(ws)
            while True:
                frame = await frames.next(30)
                if frame["type"] == "session":
                    return frame["upload"], ws

        async def run() -> tuple[int, dict]:
            token, ws = await session_token()
            try:
                # Warm up: one small upload, so the first chunk's imports are not counted.
                await asyncio.to_thread(upload, token, b"warm" * 2000, "warm.bin")
                await asyncio.sleep(0.5)
                sampler = PeakRss(server.process.pid)
                sampler.start()
                try:
                    record = await asyncio.to_thread(upload, token, content, "big.bin")
                finally:
                    growth = sampler.stop()
                return growth, record
            finally:
                await ws.close()

        def upload(token: str, data: bytes, name: str) -> dict:
            upload_id = secrets.token_urlsafe(16)
            offset = 0
            while True:
                piece = data[offset : offset + CHUNK]
                status, reply = post(
                    base + config["files"]["chunk_url"],
                    {
                        "X-Blocksstate-Upload": token,
                        "X-Blocksstate-Upload-Id": upload_id,
                        "X-Blocksstate-Component": str(component),
                        "X-Blocksstate-File-Name": name,
                        "X-Blocksstate-File-Size": str(len(data)),
                        "X-Blocksstate-Offset": str(offset),
                        "X-Blocksstate-File-Count": "1",
                        "Content-Type": "application/octet-stream",
                        "Origin": base,
                    },
                    piece,
                )
                assert status == 200, reply
                if "files" in reply:
                    return reply["files"][0]
                offset = reply["received"]

        started = time.monotonic()
        growth, record = asyncio.run(run())
        seconds = time.monotonic() - started
        stored = tmp_path / "media" / record["path"]
        assert record["size"] == SIZE
        assert hashlib.sha256(stored.read_bytes()).digest() == hashlib.sha256(content).digest()
        assert not list((tmp_path / "media").rglob(".partial/*/*"))
        # The file is 60 MB; daphne held one 4 MB chunk at a time.
        assert growth < 40 * 2**20, f"RSS grew {growth / 2**20:.1f} MB ({seconds:.1f} s)"
        print(
            f"60 MB in chunks: RSS peak growth {growth / 2**20:.1f} MB, {SIZE / 2**20 / seconds:.1f} MB/s"
        )
    finally:
        server.stop()

"""Frame sizes through a real daphne: ours answered with ``too_large``, the transport's cut.

The demo project runs with ``MAX_FRAME_BYTES`` at 2 MB, served the three documented
ways: ``launch()`` (``python -m blocksstate``), ``manage.py runserver`` (daphne's) and
the ``daphne`` command of docs/deployment.md. Each must read frames up to twice our
limit, so that one over it gets its ``too_large`` answer on a connection that stays open.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from blocksstate.app.registry import get_app
from blocksstate.testing import button, component, dependency
from tests.e2e.support import GUIDES, REPO, ServerProcess, child_environment, free_port
from tests.wire import FrameReader

MAX_FRAME_BYTES = 2_000_000
TIMEOUT = 20


def serving(how: str, port: int) -> list[str]:
    """The command line that serves the demo project on ``port``, the way ``how`` does."""
    if how == "launch":
        return [
            sys.executable,
            "-m",
            "blocksstate",
            str(GUIDES / "counter.py"),
            "--port",
            str(port),
        ]
    if how == "runserver":
        return [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]
    transport = str(2 * MAX_FRAME_BYTES)  # as docs/deployment.md says
    return [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
            "--websocket-max-message-size", transport, "--websocket-max-frame-size", transport,
            "demo_project.asgi:application"]  # fmt: skip


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    directory = tmp_path_factory.mktemp("frames")
    env = child_environment(
        DJANGO_SETTINGS_MODULE="demo_project.settings",
        DJANGO_DEBUG="0",
        BLOCKSSTATE_DB=str(directory / "db.sqlite3"),
        BLOCKSSTATE_MAX_FRAME_BYTES=str(MAX_FRAME_BYTES),
        XDG_DATA_HOME=str(directory / "data"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=REPO, env=env, check=True, timeout=120,
    )  # fmt: skip
    return env, directory


@pytest.fixture(params=["launch", "runserver", "daphne"])
def server(request, environment):
    env, directory = environment
    port = free_port()
    process = ServerProcess(
        serving(request.param, port), env, directory / f"{request.param}.log", port
    ).start()
    yield process
    process.stop()


class Chain:
    """The demo's "chain" guide over a raw socket: Process upper-cases the Input, then adds !!!."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.frames = FrameReader(ws)
        self.seq = 0
        blocks = get_app("chain")  # the same guide, registered in this process too
        self.PROCESS = dependency(blocks, button(blocks, "Process"), "click").id
        self.INPUT = str(component(blocks, "Input").id)
        self.AFTER_STEP_2 = str(component(blocks, "After Step 2").id)

    async def receive(self) -> dict:
        return await self.frames.next()

    async def process(self, text: str, padding: int = 0) -> list[dict]:
        """Click Process with ``text`` typed; ``padding`` extra bytes make the frame that big."""
        self.seq += 1
        frame = {
            "type": "event",
            "seq": self.seq,
            "dep": self.PROCESS,
            "values": {self.INPUT: text},
        }
        if padding:
            frame["padding"] = "x" * padding
        await self.ws.send(json.dumps(frame))
        frames = []
        while not frames or frames[-1]["type"] not in ("done", "failed", "error"):
            frames.append(await self.receive())
        return frames


async def test_each_limit_is_answered_as_documented(server):
    url = f"ws://127.0.0.1:{server.port}/ws/blocks/chain/"
    async with connect(url, max_size=None, open_timeout=TIMEOUT) as ws:
        await ws.send(json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {}}))
        page = Chain(ws)
        assert (await page.receive())["type"] == "session"

        # 1.5 MB typed: under our limit, over daphne's default 1 MiB: it runs.
        frames = await page.process("a" * 1_500_000)
        assert frames[-1]["type"] == "done", frames[-1]
        assert frames[-2]["updates"][page.AFTER_STEP_2]["value"] == "A" * 1_500_000 + "!!!"

        # Over our limit but under the transport's: too_large, and the page carries on.
        frames = await page.process("b", padding=3_000_000)
        assert frames[-1]["code"] == "too_large"
        frames = await page.process("c")
        assert frames[-1]["type"] == "done"
        assert frames[-2]["updates"][page.AFTER_STEP_2]["value"] == "C!!!"

        # Past the transport's limit: the server cuts the connection without reading it all.
        with pytest.raises(ConnectionClosed):
            await page.process("d", padding=2 * MAX_FRAME_BYTES + 1)

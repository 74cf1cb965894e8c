"""The README's Quick start runs as written, on the installed Django.

The project is built in a temporary folder from the code blocks of README.md itself
(tests/helpers_quickstart.py reads them: the README cannot drift from the code), checked
with warnings as errors, served by the ``runserver`` the README ends with (daphne's), and
its page is used as its script would: fetched, then one event over its WebSocket.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.e2e.support import child_environment, free_port
from tests.helpers_quickstart import (
    Commands,
    FileBlock,
    Project,
    QuickStartError,
    carry_out,
    quick_start_steps,
)

README = Path(__file__).resolve().parent.parent / "README.md"
SERVER_START_SECONDS = 60
FRAME_SECONDS = 30


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    steps = quick_start_steps(README.read_text())
    return carry_out(steps, tmp_path_factory.mktemp("quickstart"), child_environment())


@dataclass
class Served:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def served(project: Project) -> Iterator[Served]:
    """The project served as the README says (``runserver``), on a free port."""
    assert project.runserver, "the Quick start never says to run python manage.py runserver"
    port = free_port()
    log_path = project.root.parent / "runserver.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [*project.runserver, "--noreload", f"127.0.0.1:{port}"],
            cwd=project.root,
            env=child_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base, process, log_path)
        yield Served(base, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"runserver exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer on {base}:\n{log_path.read_text()}")
            time.sleep(0.1)


def component_id(page: str, element: str, text: str) -> str:
    """The id of the component whose block opens with ``<element>text</element>`` (its label)."""
    found = re.search(
        rf'data-bs-id="(\d+)"[^>]*>\s*<{element}\b[^>]*>{re.escape(text)}</{element}>', page
    )
    assert found, f"the page has no <{element}> {text!r} in a component"
    return found.group(1)


def page_config(page: str) -> dict:
    config_id = re.search(r'data-bs-config="([^"]+)"', page).group(1)
    script = re.search(rf'<script id="{re.escape(config_id)}"[^>]*>(.*?)</script>', page, re.S)
    return json.loads(html.unescape(script.group(1)))


async def frames_until_done(ws, seq: int) -> list[dict]:
    """The frames answering event ``seq``, up to its ``done`` or ``failed``."""
    frames = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))
        if frame.get("seq") != seq:
            continue
        frames.append(frame)
        if frame["type"] in ("done", "failed", "error"):
            return frames


def test_the_quick_start_passes_django_s_checks_with_warnings_as_errors(project: Project):
    checked = subprocess.run(
        [sys.executable, "-W", "error", "manage.py", "check", "--fail-level", "WARNING"],
        cwd=project.root,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout


def test_the_quick_start_page_greets_whoever_types_a_name(served: Served):
    server = served.url
    cookies = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    page = browser.open(server + "/", timeout=30).read().decode()

    # Rendered on the server: the labelled text boxes and the button, before any socket.
    name = component_id(page, "label", "Name")
    greeting = component_id(page, "label", "Greeting")
    greet = component_id(page, "button", "Greet")
    # The page's CSS and scripts are served.
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any(asset.endswith("client.js") for asset in assets), assets
    for asset in assets:
        assert browser.open(server + asset, timeout=30).status == 200, asset

    config = page_config(page)
    (dep,) = [d for d in config["dependencies"] if d["triggers"] == [[int(greet), "click"]]]
    # The page's script sets this cookie before it connects (it lets the page read its files).
    pass_cookie = f"{config['files']['pass_cookie']}={secrets.token_urlsafe(16)}"
    cookie = "; ".join([*(f"{c.name}={c.value}" for c in cookies), pass_cookie])

    async def type_and_click() -> list[dict]:
        async with connect(
            server.replace("http", "ws", 1) + config["ws"],
            origin=server,
            additional_headers={"Cookie": cookie},
        ) as ws:
            await ws.send(
                json.dumps({"type": "hello", "protocol": 1, "resume": None, "values": {name: ""}})
            )
            while json.loads(await asyncio.wait_for(ws.recv(), FRAME_SECONDS))["type"] != "session":
                pass
            await ws.send(
                json.dumps({"type": "event", "seq": 1, "dep": dep["id"], "values": {name: "Ada"}})
            )
            return await frames_until_done(ws, 1)

    frames = asyncio.run(type_and_click())
    assert [f["type"] for f in frames] == ["update", "done"], frames
    assert frames[0]["updates"] == {greeting: {"value": "Hello, Ada!"}}
    # runserver ran the checks too (the README's first run): no warning.
    assert "System check identified no issues (0 silenced)." in served.log(), served.log()


def test_the_quick_start_is_blocks_labelled_with_their_files():
    steps = quick_start_steps(README.read_text())
    files = {step.path for step in steps if isinstance(step, FileBlock)}
    assert {"mysite/settings.py", "mysite/asgi.py", "mysite/urls.py", "myapp/blocks.py"} <= files
    assert any(path.endswith(".html") for path in files), files
    commands = [line for step in steps if isinstance(step, Commands) for line in step.lines]
    assert any(line.startswith("django-admin startproject") for line in commands), commands


@pytest.mark.parametrize(
    "block, refusal",
    [
        ("```\nmake run\n```", "which this test cannot run"),
        ("```python\n# mysite/settings.py: add at the end\nX = 1\n```", "looks like a label"),
        ("```python\n# mysite/settings.py (add at the end)\nX = 1\n```", "no step made it"),
        ("```\ncd elsewhere\n```", "no such folder"),
        ("```\npython manage.py no-such-command\n```", "failed"),
    ],
)
def test_a_step_the_test_cannot_carry_out_stops_it_with_the_reason(
    tmp_path: Path, block: str, refusal: str
):
    (tmp_path / "manage.py").write_text("import sys\nsys.exit('no such command')\n")
    readme = f"# x\n\n## Quick start\n\n{block}\n\n## Next\n"
    with pytest.raises(QuickStartError, match=refusal):
        carry_out(quick_start_steps(readme), tmp_path, child_environment())


def test_a_readme_without_a_quick_start_is_refused():
    with pytest.raises(QuickStartError, match="no '## Quick start' section"):
        quick_start_steps("# x\n\n## Install\n")

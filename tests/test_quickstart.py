"""The README's Quick start runs as written, on the installed Django.

The project is built in a temporary folder from the code blocks of README.md itself
(tests/helpers_quickstart.py reads them: the README cannot drift from the code), checked
with warnings as errors, served by the ``runserver`` the README ends with (daphne's), and
its page is used as its script would: fetched, then one event over its WebSocket.
docs/getting-started.md goes on from the Quick start: its files, added to that project,
must work as well.
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
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.e2e.support import child_environment, free_port
from tests.helpers_quickstart import (
    Commands,
    FileBlock,
    Project,
    QuickStartError,
    carry_out,
    labelled_files,
    quick_start_steps,
)
from tests.wire import FrameReader

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
GETTING_STARTED = REPO / "docs" / "getting-started.md"
SERVER_START_SECONDS = 60
FRAME_SECONDS = 30


# -- the projects, and a server for each --------------------------------------------------


def build(folder: Path, *, getting_started: bool = False) -> Project:
    project = carry_out(quick_start_steps(README.read_text()), folder, child_environment())
    if getting_started:
        carry_out(labelled_files(GETTING_STARTED.read_text()), project.root, child_environment())
    return project


@dataclass
class Served:
    url: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def serve(project: Project) -> Iterator[Served]:
    """Serve ``project`` as the README says (``runserver``), on a free port, until closed."""
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
    served = Served(f"http://127.0.0.1:{port}", log_path)
    try:
        wait_until_answering(served, process)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(served: Served, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"runserver exited with {process.returncode}:\n{served.log()}")
        try:
            urllib.request.urlopen(served.url + "/", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer on {served.url}:\n{served.log()}")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build(tmp_path_factory.mktemp("quickstart"))


@pytest.fixture(scope="module")
def served(project: Project) -> Iterator[Served]:
    yield from serve(project)


@pytest.fixture(scope="module")
def extended_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build(tmp_path_factory.mktemp("getting-started"), getting_started=True)


@pytest.fixture(scope="module")
def extended_served(extended_project: Project) -> Iterator[Served]:
    yield from serve(extended_project)


# -- a page, as its script uses it --------------------------------------------------------


@dataclass
class Page:
    url: str
    html: str
    cookie: str

    @property
    def config(self) -> dict[str, Any]:
        config_id = re.search(r'data-bs-config="([^"]+)"', self.html).group(1)
        script = re.search(
            rf'<script id="{re.escape(config_id)}"[^>]*>(.*?)</script>', self.html, re.S
        )
        return json.loads(html.unescape(script.group(1)))

    def component(self, element: str, text: str) -> str:
        """The id of the component whose block opens with ``<element>text</element>``."""
        found = re.search(
            rf'data-bs-id="(\d+)"[^>]*>\s*<{element}\b[^>]*>{re.escape(text)}</{element}>',
            self.html,
        )
        assert found, f"the page has no <{element}> {text!r} opening a component"
        return found.group(1)

    def click(self, button: str, values: dict[str, Any]) -> dict[str, dict]:
        """Connect, send ``values`` as typed, click ``button``; return the updates it made."""
        clicked = int(self.component("button", button))
        (dep,) = [d for d in self.config["dependencies"] if [clicked, "click"] in d["triggers"]]
        return asyncio.run(self._event(dep["id"], values))

    async def _event(self, dep: int, values: dict[str, Any]) -> dict[str, dict]:
        origin = re.match(r"https?://[^/]+", self.url).group(0)
        async with connect(
            origin.replace("http", "ws", 1) + self.config["ws"],
            origin=origin,
            additional_headers={"Cookie": self.cookie},
        ) as ws:
            frames = FrameReader(ws)
            hello = {"type": "hello", "protocol": 1, "resume": None, "values": {}}
            await ws.send(json.dumps(hello))
            while (await frames.next(FRAME_SECONDS))["type"] != "session":
                pass
            await ws.send(json.dumps({"type": "event", "seq": 1, "dep": dep, "values": values}))
            updates: dict[str, dict] = {}
            while True:
                frame = await frames.next(FRAME_SECONDS)
                if frame.get("seq") != 1:
                    continue
                if frame["type"] == "update":
                    for component, update in frame["updates"].items():
                        updates.setdefault(component, {}).update(update)
                elif frame["type"] == "done":
                    return updates
                else:
                    pytest.fail(f"the event was answered {frame}")


def open_page(url: str) -> Page:
    """Fetch a page and its assets as a browser does; keep its cookies, and the script's."""
    cookies = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    text = browser.open(url, timeout=30).read().decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', text)
    assert any(asset.endswith("/client.js") for asset in assets), assets
    origin = re.match(r"https?://[^/]+", url).group(0)
    for asset in assets:
        assert browser.open(origin + asset, timeout=30).status == 200, asset
    page = Page(url, text, "")
    # The page's script sets this cookie before it connects (its pass to read its files).
    pass_cookie = f"{page.config['files']['pass_cookie']}={secrets.token_urlsafe(16)}"
    page.cookie = "; ".join([*(f"{c.name}={c.value}" for c in cookies), pass_cookie])
    return page


def check(project: Project) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "error", "manage.py", "check", "--fail-level", "WARNING"],
        cwd=project.root,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )


# -- the tests ------------------------------------------------------------------------------


def test_the_quick_start_passes_django_s_checks_with_warnings_as_errors(project: Project):
    checked = check(project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues (0 silenced)." in checked.stdout


def test_the_quick_start_page_greets_whoever_types_a_name(served: Served):
    page = open_page(served.url + "/")
    name = page.component("label", "Name")
    greeting = page.component("label", "Greeting")

    assert page.click("Greet", {name: "Ada"}) == {greeting: {"value": "Hello, Ada!"}}
    # runserver ran the checks too, as on the README's first run: no warning.
    assert "System check identified no issues (0 silenced)." in served.log(), served.log()


def test_getting_started_goes_on_from_the_quick_start_to_a_cart(
    extended_project: Project, extended_served: Served
):
    checked = check(extended_project)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    page = open_page(extended_served.url + "/cart/")
    assert "<h1>Your cart</h1>" in page.html
    (items,) = [cid for cid, c in page.config["components"].items() if c["type"] == "checkboxgroup"]
    size = page.component("label", "Cart Size")

    updates = page.click("Add Items", {items: ["Milk", "Water"]})
    assert updates[size]["value"] == 2
    # The Quick start's page is still there.
    assert open_page(extended_served.url + "/").component("label", "Greeting")


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

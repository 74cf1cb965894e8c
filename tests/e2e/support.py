"""What the browser tests use: server processes, a connection-cutting proxy, page helpers.

``run_demo_site`` runs the demo project under daphne, as it is deployed
(``DJANGO_DEBUG=0``, a migrated SQLite file). ``run_script_server`` runs a guide
script the way its author would (``python cart.py``, ``python -m blocksstate``).
``TcpProxy`` sits between the browser and a server so a test can cut every
connection on the wire, as a network drop does.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUIDES = REPO / "demo_project" / "examples" / "guides"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    # A camera and a microphone that exist (a test pattern and a tone), allowed without asking.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: a slow CI machine must not flake; a real hang still fails.
TIMEOUT_MS = 15_000
SERVER_START_SECONDS = 60

# Variables a child server must not inherit from the test process (pytest-django sets the first).
PARENT_ONLY_VARIABLES = (
    "DJANGO_SETTINGS_MODULE",
    "BLOCKSSTATE_SERVER_PORT",
    "BLOCKSSTATE_SERVER_NAME",
    "GRADIO_SERVER_PORT",
    "GRADIO_SERVER_NAME",
    "BLOCKSSTATE_SECRET_KEY",
)


# -- processes ------------------------------------------------------------------------------


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_environment(**overrides: str) -> dict[str, str]:
    """Return a server process's environment: the repository importable, no inherited settings."""
    env = {key: value for key, value in os.environ.items() if key not in PARENT_ONLY_VARIABLES}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    env.update(overrides)
    return env


@dataclass
class ServerProcess:
    """A server running in a child process, its output going to a log file."""

    args: Sequence[str]
    env: dict[str, str]
    log_path: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                list(self.args), cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self.wait_until_answering()
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until_answering(self) -> None:
        """Return once the server answers HTTP at all (any status); fail with its log if it dies."""
        assert self.process is not None
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if self.process.poll() is not None:
                pytest.fail(
                    f"{' '.join(self.args)} exited with {self.process.returncode}:\n{self.log()}"
                )
            try:
                urllib.request.urlopen(self.url + "/", timeout=2).close()
                return
            except urllib.error.HTTPError:
                return  # it answered, with an error status: the server is up
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"{' '.join(self.args)} did not answer on {self.url}:\n{self.log()}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def run_demo_site(
    directory: Path, settings_module: str = "demo_project.settings", **environment: str
) -> ServerProcess:
    """The demo project (or settings built on it) under daphne, as in production: DEBUG off,
    a migrated SQLite file in ``directory``; ``environment``: more variables (``REDIS_URL``)."""
    env = child_environment(
        DJANGO_SETTINGS_MODULE=settings_module,
        DJANGO_DEBUG="0",
        BLOCKSSTATE_DB=str(directory / "db.sqlite3"),
        BLOCKSSTATE_MEDIA_ROOT=str(directory / "media"),
        **environment,
    )
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if migrate.returncode != 0:
        pytest.fail(f"manage.py migrate failed:\n{migrate.stdout}{migrate.stderr}")
    port = free_port()
    daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    # As docs/deployment.md says: twice MAX_FRAME_BYTES (the demo's 1,000,000).
    daphne += ["--websocket-max-message-size", "2000000", "--websocket-max-frame-size", "2000000"]
    return ServerProcess(
        [*daphne, "demo_project.asgi:application"], env, directory / "daphne.log", port
    ).start()


def run_script_server(args: Sequence[str], tmp_path: Path, port: int, **env: str) -> ServerProcess:
    """Start ``python <args>`` as a guide's author would, with no Django settings module."""
    environment = child_environment(XDG_DATA_HOME=str(tmp_path / "data"), **env)
    return ServerProcess(
        [sys.executable, *args], environment, tmp_path / "server.log", port
    ).start()


# -- a proxy that can cut connections ---------------------------------------------------------


@dataclass
class ProxiedConnection:
    """One browser connection through the proxy: its two sockets, and whether it was reset."""

    client: socket.socket
    upstream: socket.socket
    reset: bool = False

    @property
    def sockets(self) -> tuple[socket.socket, socket.socket]:
        return self.client, self.upstream


@dataclass
class TcpProxy:
    """Forward 127.0.0.1:<port> to a local server, and fail on the wire as a network does.

    ``drop_all()`` closes every open connection (FIN both ways); ``reset_all()`` resets
    them (RST, as a proxy or a NAT that forgot them); ``black_hole(seconds)`` forwards
    nothing either way for that long without closing anything (a laptop asleep, a Wi-Fi
    switch: neither end notices until it writes and waits), then lets everything through
    again, or resets what it held. New connections still get through after each.
    """

    target_port: int
    accepted: int = 0
    _open: list[ProxiedConnection] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopping: threading.Event = field(default_factory=threading.Event)
    # Cleared during a black hole: every pump holds what it read until it is set again.
    _flowing: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._flowing.set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name="e2e-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            client.settimeout(None)
            connection = ProxiedConnection(client, upstream)
            with self._lock:
                self.accepted += 1
                self._open.append(connection)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(connection, source, sink), daemon=True
                ).start()

    def _pump(
        self, connection: ProxiedConnection, source: socket.socket, sink: socket.socket
    ) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                self._flowing.wait()
                sink.sendall(chunk)
        if connection.reset:
            return  # closed with an RST by reset_all: no FIN after it
        for sock in connection.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _take_all(self) -> list[ProxiedConnection]:
        with self._lock:
            connections, self._open = self._open, []
        return connections

    def drop_all(self) -> None:
        """Cut every connection both ways, as a failing network does; new ones still get through."""
        for connection in self._take_all():
            for sock in connection.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def reset_all(self) -> None:
        """Reset every connection (an RST to each end, no FIN); new ones still get through."""
        for connection in self._take_all():
            connection.reset = True
            for sock in connection.sockets:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    # Wakes the pump reading it, sending nothing; the close then sends the RST.
                    sock.shutdown(socket.SHUT_RD)
                sock.close()

    def black_hole(self, seconds: float, then: str = "resume") -> threading.Event:
        """Forward nothing for ``seconds`` (from now, without blocking), then ``resume`` or ``reset``.

        Returns an event set when the black hole is over.
        """
        if then not in ("resume", "reset"):
            raise ValueError(f"then must be 'resume' or 'reset', not {then!r}")
        over = threading.Event()
        self._flowing.clear()

        def end() -> None:
            if then == "reset":
                self.reset_all()
            self._flowing.set()
            over.set()

        timer = threading.Timer(seconds, end)
        timer.daemon = True
        timer.start()
        return over

    def close(self) -> None:
        self._stopping.set()
        self._flowing.set()
        self._thread.join(timeout=2)
        self._listener.close()
        self.drop_all()


# -- acting on an app ---------------------------------------------------------------------------


def wait_until_connected(page, app: str) -> None:
    """Wait until the page's socket for ``app`` is open and its session started."""
    page.wait_for_function(
        "app => { const a = window.blocksstate && window.blocksstate.apps[app];"
        " return !!a && a.state === 'open' && !!a.sessionId; }",
        arg=app,
    )


def open_app(page, base_url: str, path: str, app: str) -> None:
    """Go to ``path`` and wait until its app ``app`` is connected."""
    page.goto(base_url + path)
    wait_until_connected(page, app)


def session_id(page, app: str) -> str:
    return page.evaluate("app => window.blocksstate.apps[app].sessionId", app)


def record_connection_states(page, app: str) -> None:
    """Start noting every connection state ``app`` goes through, in ``window.__e2eStates``."""
    page.evaluate(
        """app => {
            window.__e2eStates = [window.blocksstate.apps[app].state];
            setInterval(() => {
                const state = window.blocksstate.apps[app].state;
                const states = window.__e2eStates;
                if (states[states.length - 1] !== state) states.push(state);
            }, 2);
        }""",
        app,
    )


def connection_states(page) -> list[str]:
    return page.evaluate("window.__e2eStates")


RUNNING_ON = re.compile(r"Running on (http://\S+)")


def run_python(server, *args: str, **env: str) -> str:
    """Run ``python <args>`` with the live site's settings (its database, its Redis)."""
    result = subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**server.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout

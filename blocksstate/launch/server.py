"""Serving with daphne: the address and port, the server's thread, and its one run per process."""

from __future__ import annotations

import os
import socket
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .applications import ASGIApp, embedded_application, project_application
from .options import apply_launch_options
from .project import setup_django

if TYPE_CHECKING:
    from ..app.blocks import Blocks

DEFAULT_SERVER_NAME = "127.0.0.1"
DEFAULT_SERVER_PORT = 7860
# How many ports above the default to try when the port was not chosen explicitly (as Gradio).
PORT_SEARCH_RANGE = 100
DEFAULT_APP_NAME = "app"

_server_lock = threading.Lock()
_running: LaunchedServer | None = None


def resolve_address(server_name: str | None, server_port: int | None) -> tuple[str, int, bool]:
    """Return ``(host, port, port_is_explicit)``.

    ``Blocks.launch`` always passes the defaults, so a default value counts as not
    given: then ``BLOCKSSTATE_SERVER_NAME``/``GRADIO_SERVER_NAME`` and
    ``BLOCKSSTATE_SERVER_PORT``/``GRADIO_SERVER_PORT`` apply, as in Gradio.
    """
    if server_name in (None, DEFAULT_SERVER_NAME):
        server_name = (
            os.environ.get("BLOCKSSTATE_SERVER_NAME")
            or os.environ.get("GRADIO_SERVER_NAME")
            or DEFAULT_SERVER_NAME
        )
    explicit = server_port not in (None, DEFAULT_SERVER_PORT)
    if not explicit:
        from_env = os.environ.get("BLOCKSSTATE_SERVER_PORT") or os.environ.get("GRADIO_SERVER_PORT")
        if from_env:
            try:
                server_port, explicit = int(from_env), True
            except ValueError:
                raise ValueError(
                    f"the server port {from_env!r} from the environment is not a number"
                ) from None
    return server_name, int(server_port or DEFAULT_SERVER_PORT), explicit


def _port_is_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def choose_port(host: str, port: int, explicit: bool) -> int:
    """Return ``port``, or when it was not chosen explicitly, the first free one from it."""
    if explicit:
        return port
    for candidate in range(port, port + PORT_SEARCH_RANGE):
        if _port_is_free(host, candidate):
            return candidate
    raise OSError(
        f"no free port in {port}-{port + PORT_SEARCH_RANGE - 1} on {host}; pass server_port="
    )


def url_for(host: str, port: int) -> str:
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}/"


@dataclass
class LaunchedServer:
    """A running server: ``stop()`` it (``demo.close()`` does)."""

    url: str
    app_name: str
    thread: threading.Thread | None = None

    def stop(self, timeout: float = 10) -> None:
        """Stop serving; the process cannot launch again (Twisted's reactor runs only once)."""
        global _running
        from twisted.internet import reactor

        if reactor.running:
            reactor.callFromThread(reactor.stop)
        if self.thread is not None and self.thread is not threading.current_thread():
            self.thread.join(timeout)
        with _server_lock:
            if _running is self:
                _running = None


def _register(blocks: Blocks) -> str:
    from ..app.registry import register, registered

    if blocks.name is not None:
        return blocks.name
    base = name = _script_name()
    taken = registered()
    suffix = 2
    while name in taken and taken[name] is not blocks:
        name, suffix = f"{base}-{suffix}", suffix + 1
    register(name, blocks)
    return name


def _script_name() -> str:
    """Name the app after the script being run, so two scripts' BrowserState keys never meet."""
    import re

    paths = [arg for arg in sys.argv[:2] if arg.endswith(".py") and Path(arg).stem != "__main__"]
    if not paths:
        return DEFAULT_APP_NAME
    slug = re.sub(r"[^a-z0-9_-]+", "-", Path(paths[0]).stem.lower()).strip("-_")[:64]
    return slug or DEFAULT_APP_NAME


def _where_is(app_name: str, url: str) -> str:
    """Say where a project that routes ``/`` itself shows the launched app."""
    from django.urls import NoReverseMatch, reverse

    try:
        return f"the app is at {url.rstrip('/')}{reverse('blocksstate:app', args=[app_name])}"
    except NoReverseMatch:
        return f'show the app with {{% blocks "{app_name}" %}} in a template'


def launch(
    blocks: Blocks,
    server_name: str | None = None,
    server_port: int | None = None,
    **kwargs: Any,
) -> LaunchedServer:
    """Serve ``blocks`` with daphne at ``http://server_name:server_port/``, as ``gr.Blocks.launch``.

    Blocks until the server stops (Ctrl+C), unless ``prevent_thread_lock=True``:
    then it serves from a background thread and returns at once.
    """
    global _running
    apply_launch_options(blocks, kwargs)
    quiet = bool(kwargs.get("quiet", False))
    with _server_lock:
        if _running is not None:
            raise RuntimeError(
                f"this process already serves {_running.app_name!r} at {_running.url}; "
                "launch() serves one app per process"
            )
        host, port, explicit = resolve_address(server_name, server_port)
        port = choose_port(host, port, explicit)
        embedded = setup_django(host, bool(kwargs.get("show_error", False)))
        app_name = _register(blocks)
        if embedded:
            application, at_root = embedded_application(app_name), True
        else:
            application, at_root = project_application(app_name)
        url = url_for(host, port)
        handle = LaunchedServer(url=url, app_name=app_name)
        _running = handle
    blocks._server = handle

    ready_message = "" if quiet else f"Running on {url}"
    if not quiet and not at_root:
        ready_message += f" (your project's /; {_where_is(app_name, url)})"
    ready = threading.Event()
    background = bool(kwargs.get("prevent_thread_lock", False))
    server = _daphne_server(
        application, host, port, ready, ready_message, signal_handlers=not background
    )

    if background:
        handle.thread = threading.Thread(
            target=server.run, name=f"blocksstate-{app_name}", daemon=True
        )
        handle.thread.start()
        while not ready.wait(0.05):
            if not handle.thread.is_alive():
                break
        if not ready.is_set():
            handle.stop()
            raise OSError(f"could not listen on {host}:{port} (is the port in use?)")
        return handle

    try:
        server.run()
    finally:
        with _server_lock:
            if _running is handle:
                _running = None
    if not ready.is_set():
        raise OSError(f"could not listen on {host}:{port} (is the port in use?)")
    return handle


def _daphne_server(
    application: ASGIApp,
    host: str,
    port: int,
    ready: threading.Event,
    ready_message: str,
    *,
    signal_handlers: bool,
) -> Any:
    from daphne.endpoints import build_endpoint_description_strings
    from daphne.server import Server

    from ..conf import transport_max_bytes

    def on_ready() -> None:
        # daphne calls this after its endpoints listened, and only if they all did.
        if ready_message:
            print(ready_message, flush=True)
        ready.set()

    return Server(
        application=application,
        endpoints=build_endpoint_description_strings(host=host, port=port),
        signal_handlers=signal_handlers,
        ready_callable=on_ready,
        verbosity=0,
        # daphne cuts messages past 1 MiB by default, whatever MAX_FRAME_BYTES says.
        websocket_max_message_size=transport_max_bytes(),
        websocket_max_frame_size=transport_max_bytes(),
    )

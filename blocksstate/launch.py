"""``demo.launch()``: serve one app with daphne at ``/``, with or without a Django project.

A Gradio script runs as it is: with no Django settings, ``launch`` configures a
minimal project in this process (SQLite in the user's data directory,
``LocMemCache``, ``InMemoryChannelLayer``, a secret key made once and kept),
registers the app and serves it at ``/`` with its static files. Inside a
configured project (``DJANGO_SETTINGS_MODULE`` set), it serves that project
instead, and adds ``/`` for the app only if the project does not route ``/``.

This module is also the URLconf of the embedded project (``urlpatterns``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import tempfile
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

if TYPE_CHECKING:
    from .blocks import Blocks

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]

DEFAULT_SERVER_NAME = "127.0.0.1"
DEFAULT_SERVER_PORT = 7860
# How many ports above the default to try when the port was not chosen explicitly (as Gradio).
PORT_SEARCH_RANGE = 100
DEFAULT_APP_NAME = "app"

# Gradio launch() options that have a meaning here; every other keyword is accepted and ignored.
HONOURED_OPTIONS = frozenset({"prevent_thread_lock", "quiet", "show_error"})

# The scope key through which a server tells the page at ``/`` which app it serves.
SCOPE_APP_KEY = "blocksstate.launched_app"

_server_lock = threading.Lock()
_running: LaunchedServer | None = None


# -- the URLconf of the embedded project ---------------------------------------------------


def launched_app_page(request: HttpRequest) -> HttpResponse:
    """Render the app this server was launched with."""
    from .views import app_page

    name = getattr(request, "scope", {}).get(SCOPE_APP_KEY)
    if name is None:
        raise Http404("no app was launched on this server")
    return app_page(request, name)


urlpatterns = [
    path("", launched_app_page, name="launched_app"),
    path("blocksstate/", include("blocksstate.urls")),
]


# -- where the embedded project keeps its files ------------------------------------------


def user_data_dir() -> Path:
    """Return blocksstate's directory in the user's data directory (XDG on POSIX)."""
    if os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "blocksstate"


def writable_data_dir() -> Path:
    """Return the user's data directory, or a private one in the temp dir if it cannot be made."""
    directory = user_data_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.access(directory, os.W_OK):
            return directory
    except OSError:
        pass
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    fallback = Path(tempfile.gettempdir()) / f"blocksstate-{user}"
    fallback.mkdir(exist_ok=True, mode=0o700)
    return fallback


def persistent_secret_key(directory: Path) -> str:
    """Return ``BLOCKSSTATE_SECRET_KEY``, or the key kept in ``directory``, made on first use.

    The key must survive restarts: browser state and resume tokens are signed with it.
    """
    from_env = os.environ.get("BLOCKSSTATE_SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    with contextlib.suppress(FileNotFoundError):
        key = key_file.read_text().strip()
        if key:
            return key
    from django.core.management.utils import get_random_secret_key

    # Write a private temp file, then link it into place: a concurrent first start
    # either wins the link or reads the winner's complete file.
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=".secret_key-")
    try:
        with os.fdopen(fd, "w") as temp_file:
            temp_file.write(get_random_secret_key() + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temp_name, key_file)
    finally:
        os.unlink(temp_name)
    return key_file.read_text().strip()


def embedded_settings(server_name: str, *, show_error: bool = False) -> dict[str, Any]:
    """Return the settings of the minimal in-process project ``launch`` serves."""
    data_dir = writable_data_dir()
    if server_name in ("0.0.0.0", "::", ""):
        allowed_hosts = ["*"]  # listening on every interface: any address of this machine
    else:
        allowed_hosts = list(
            dict.fromkeys([server_name.strip("[]"), "localhost", "127.0.0.1", "[::1]"])
        )
    return {
        "DEBUG": False,
        "SECRET_KEY": persistent_secret_key(data_dir),
        "ALLOWED_HOSTS": allowed_hosts,
        "INSTALLED_APPS": [
            "daphne",
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "django.contrib.sessions",
            "django.contrib.staticfiles",
            "channels",
            "blocksstate",
        ],
        "MIDDLEWARE": [
            "django.middleware.security.SecurityMiddleware",
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.common.CommonMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
            "django.contrib.auth.middleware.AuthenticationMiddleware",
            "django.middleware.clickjacking.XFrameOptionsMiddleware",
        ],
        "ROOT_URLCONF": __name__,
        "TEMPLATES": [
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {
                    "context_processors": [
                        "django.template.context_processors.request",
                        "django.contrib.auth.context_processors.auth",
                    ],
                },
            }
        ],
        "DATABASES": {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(data_dir / "launch.sqlite3"),
            }
        },
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        "CHANNEL_LAYERS": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
        "STATIC_URL": "/static/",
        "USE_TZ": True,
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "BLOCKSSTATE": {"SHOW_ERRORS": True} if show_error else {},
        "LOGGING": {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"console": {"class": "logging.StreamHandler"}},
            "loggers": {
                "blocksstate": {"handlers": ["console"], "level": "INFO", "propagate": False},
                # With DEBUG off Django reports server errors only by mail: show them here.
                "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
            },
        },
    }


# -- address --------------------------------------------------------------------------------


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


# -- the ASGI application -----------------------------------------------------------------


class ServedApp:
    """Tell the page view at ``/`` (through the scope) which app this server serves."""

    def __init__(self, inner: ASGIApp, app_name: str) -> None:
        self.inner = inner
        self.app_name = app_name

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope = {**scope, SCOPE_APP_KEY: self.app_name}
        await self.inner(scope, receive, send)


class RootFallback:
    """Serve the launched app's page at ``/`` in front of a project that does not route ``/``."""

    def __init__(self, project: ASGIApp) -> None:
        from django.core.handlers.asgi import ASGIHandler

        class LaunchedPageHandler(ASGIHandler):
            def create_request(self, scope: Scope, body_file: Any) -> Any:
                request, error = super().create_request(scope, body_file)
                if request is not None:
                    request.urlconf = __name__
                return request, error

        self.project = project
        self.page = LaunchedPageHandler()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/":
            await self.page(scope, receive, send)
        else:
            await self.project(scope, receive, send)


def websocket_router() -> ASGIApp:
    """Return blocksstate's WebSocket routes, behind the origin check and auth."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter
    from channels.security.websocket import AllowedHostsOriginValidator

    from .routing import websocket_urlpatterns

    return AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))


def embedded_application(app_name: str) -> ASGIApp:
    """Return the embedded project's ASGI application: the app at ``/``, static files, sockets."""
    from channels.routing import ProtocolTypeRouter
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    http = ASGIStaticFilesHandler(get_asgi_application())
    return ServedApp(ProtocolTypeRouter({"http": http, "websocket": websocket_router()}), app_name)


def project_application(app_name: str) -> tuple[ASGIApp, bool]:
    """Return the configured project's ASGI application, and whether it serves the app at ``/``.

    The application is ``settings.ASGI_APPLICATION`` (or Django's HTTP handler with
    blocksstate's WebSocket routes when that is unset), with static files served when
    ``django.contrib.staticfiles`` is installed, and ``/`` showing the app when the
    project's URLconf does not route ``/`` itself.
    """
    from channels.routing import ProtocolTypeRouter
    from django.apps import apps
    from django.conf import settings
    from django.core.asgi import get_asgi_application
    from django.urls import Resolver404, resolve
    from django.utils.module_loading import import_string

    if getattr(settings, "ASGI_APPLICATION", None):
        application: ASGIApp = import_string(settings.ASGI_APPLICATION)
    else:
        application = ProtocolTypeRouter(
            {"http": get_asgi_application(), "websocket": websocket_router()}
        )
    try:
        resolve("/")
        serves_root = False
    except Resolver404:
        serves_root = True
        application = RootFallback(application)
    if apps.is_installed("django.contrib.staticfiles"):
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        application = ASGIStaticFilesHandler(application)
    return ServedApp(application, app_name), serves_root


# -- serving -----------------------------------------------------------------------------------


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
    from .registry import register, registered

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
    import sys

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


def _setup_django(host: str, show_error: bool) -> bool:
    """Configure the embedded project unless settings exist; return True if it was embedded."""
    import django
    from django.apps import apps
    from django.conf import settings

    embedded = not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE")
    if embedded:
        settings.configure(**embedded_settings(host, show_error=show_error))
    if not apps.ready:
        django.setup()
    if embedded:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
    return embedded


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
    ignored = sorted(set(kwargs) - HONOURED_OPTIONS)
    quiet = bool(kwargs.get("quiet", False))
    if ignored and not quiet:
        print(
            f"blocksstate: launch() ignores {', '.join(ignored)} (no equivalent here).",
            file=sys.stderr,
        )
    with _server_lock:
        if _running is not None:
            raise RuntimeError(
                f"this process already serves {_running.app_name!r} at {_running.url}; "
                "launch() serves one app per process"
            )
        host, port, explicit = resolve_address(server_name, server_port)
        port = choose_port(host, port, explicit)
        embedded = _setup_django(host, bool(kwargs.get("show_error", False)))
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
    )

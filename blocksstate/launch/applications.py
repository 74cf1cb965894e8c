"""The ASGI application ``launch`` serves: the embedded project's, or the configured project's."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from . import urls
from .urls import SCOPE_APP_KEY

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


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
                    request.urlconf = urls.__name__
                return request, error

        self.project = project
        self.page = LaunchedPageHandler()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/":
            await self.page(scope, receive, send)
        else:
            await self.project(scope, receive, send)


def websocket_router() -> ASGIApp:
    """Return blocksstate's WebSocket routes behind auth (the consumer checks the origin)."""
    from channels.auth import AuthMiddlewareStack
    from channels.routing import URLRouter

    from ..routing import websocket_urlpatterns

    return AuthMiddlewareStack(URLRouter(websocket_urlpatterns))


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

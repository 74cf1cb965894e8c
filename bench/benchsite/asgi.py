"""ASGI module of the benchmark server, wired as the demo project is."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchsite.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402
from floor import FLOOR_PATH  # noqa: E402

from benchsite import whatif  # noqa: E402
from benchsite.floor import FloorEchoConsumer  # noqa: E402
from blocksstate.routing import websocket_urlpatterns  # noqa: E402

whatif.apply()  # only with BENCH_WHATIF set: see benchsite/whatif.py

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # The floor scenario's bare echo sits beside blocksstate's routes (bench/floor.py).
        "websocket": AuthMiddlewareStack(
            URLRouter([*websocket_urlpatterns, path(FLOOR_PATH[1:], FloorEchoConsumer.as_asgi())])
        ),
    }
)

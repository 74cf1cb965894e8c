"""ASGI entry point: HTTP through Django, WebSockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_project.settings")

# Initialise Django (app registry) before importing anything that uses models.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from blocksstate.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # The demo serves its own static files so plain `daphne` works with DEBUG off;
        # a production site would use whitenoise or its web server instead.
        "http": ASGIStaticFilesHandler(django_asgi_app),
        # No AllowedHostsOriginValidator: blocksstate's consumer checks Origin itself and
        # closes with 4403, which the page can explain (the validator refuses before
        # accepting, so the page only sees a failed connection and retries forever).
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)

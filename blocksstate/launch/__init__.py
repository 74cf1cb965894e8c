"""``demo.launch()``: serve one app with daphne at ``/``, with or without a Django project.

A Gradio script runs as it is: with no Django settings, ``launch`` configures a
minimal project in this process (SQLite in the user's data directory,
``LocMemCache``, ``InMemoryChannelLayer``, a secret key made once and kept),
registers the app and serves it at ``/`` with its static files. Inside a
configured project (``DJANGO_SETTINGS_MODULE`` set), it serves that project
instead, and adds ``/`` for the app only if the project does not route ``/``.

- ``server``: ``launch`` itself: address and port, daphne, the server's thread
- ``project``: the embedded project's settings, data directory and secret key
- ``urls``: the embedded project's URLconf
- ``applications``: the ASGI application served, embedded or the project's
"""

from .project import embedded_settings
from .server import LaunchedServer, choose_port, launch, resolve_address

__all__ = ["LaunchedServer", "choose_port", "embedded_settings", "launch", "resolve_address"]
